"""Đánh giá xếp loại (order 60)."""

from handbook_desktop.ui.pages import PageSpec
from handbook_desktop.ui.pages.ratings.page import RatingsPage

PAGE = PageSpec(key="ratings", title="Đánh giá xếp loại", order=60, factory=RatingsPage)
