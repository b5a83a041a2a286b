"""Sinh hoạt chi bộ (issue 4): meetings by month, the compliance strip, planning, roll call,
minutes, votes, documents, screening."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    from handbook_desktop.ui.pages.meetings.page import MeetingsPage

    return MeetingsPage(context)


PAGE = PageSpec(key="meetings", title="Sinh hoạt chi bộ", order=30, factory=_factory)
