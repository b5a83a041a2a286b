"""Cài đặt: own password, larger font; for a secretary also accounts and roles, idle lock, second backup folder."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    from handbook_desktop.ui.pages.settings.page import SettingsPage

    return SettingsPage(context)


PAGE = PageSpec(key="settings", title="Cài đặt", order=100, factory=_factory)
