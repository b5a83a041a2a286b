"""Báo cáo (order 65): the figures a committee (or a branch) reports upward, with their charts."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    # Imported when the page is first shown (issue 18 §6: the window opens without loading every page).
    from handbook_desktop.ui.pages.reports.page import ReportsPage

    return ReportsPage(context)


PAGE = PageSpec(key="reports", title="Báo cáo", order=65, factory=_factory)
