"""Đảng phí (order 50)."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    # Imported when the page is first shown (issue 18 §6: the window opens without loading every page).
    from handbook_desktop.ui.pages.dues.page import DuesPage

    return DuesPage(context)


PAGE = PageSpec(key="dues", title="Đảng phí", order=50, factory=_factory)
