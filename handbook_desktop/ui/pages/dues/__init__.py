"""Đảng phí (order 50)."""

from handbook_desktop.ui.pages import PageSpec
from handbook_desktop.ui.pages.dues.page import DuesPage

PAGE = PageSpec(key="dues", title="Đảng phí", order=50, factory=DuesPage)
