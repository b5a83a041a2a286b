"""Đảng viên (issue 3): the member register page."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    from handbook_desktop.ui.pages.members.page import MembersPage

    return MembersPage(context)


PAGE = PageSpec(key="members", title="Đảng viên", order=20, factory=_factory)
