"""Nghiệp vụ (order 40)."""

from handbook_desktop.ui.pages import PageSpec
from handbook_desktop.ui.pages.procedures.page import ProceduresPage

PAGE = PageSpec(key="procedures", title="Nghiệp vụ", order=40, factory=ProceduresPage)
