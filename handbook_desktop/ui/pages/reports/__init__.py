"""Báo cáo (order 65): the figures a committee (or a branch) reports upward, with their charts."""

from handbook_desktop.ui.pages import PageSpec
from handbook_desktop.ui.pages.reports.page import ReportsPage

PAGE = PageSpec(key="reports", title="Báo cáo", order=65, factory=ReportsPage)
