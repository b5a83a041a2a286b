"""Đánh giá xếp loại (order 60)."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    # Imported when the page is first shown (issue 18 §6: the window opens without loading every page).
    from handbook_desktop.ui.pages.ratings.page import RatingsPage

    return RatingsPage(context)


PAGE = PageSpec(key="ratings", title="Đánh giá xếp loại", order=60, factory=_factory)
