"""Nhật ký: every change, export, import, restore and login; filters; export to .xlsx."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    from handbook_desktop.ui.pages.audit.page import AuditPage

    return AuditPage(context)


PAGE = PageSpec(key="audit", title="Nhật ký", order=95, factory=_factory)
