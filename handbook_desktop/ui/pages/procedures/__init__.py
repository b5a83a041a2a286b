"""Nghiệp vụ (order 40)."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    # Imported when the page is first shown (issue 18 §6: the window opens without loading every page).
    from handbook_desktop.ui.pages.procedures.page import ProceduresPage

    return ProceduresPage(context)


PAGE = PageSpec(key="procedures", title="Nghiệp vụ", order=40, factory=_factory)
