"""Biểu mẫu: the catalogue, export for a member / a meeting / the filtered list, template copies, the register."""

from __future__ import annotations

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    from handbook_desktop.ui.pages.forms.page import FormsPage

    return FormsPage(context)


PAGE = PageSpec(key="forms", title="Biểu mẫu", order=70, factory=_factory)
