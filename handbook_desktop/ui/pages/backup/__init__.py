"""Sao lưu: the backups of this database, a backup now, verify, restore; and Kiểm tra dữ liệu."""

from handbook_desktop.ui.pages import PageSpec


def _factory(context):
    from handbook_desktop.ui.pages.backup.page import BackupPage

    return BackupPage(context)


PAGE = PageSpec(key="backup", title="Sao lưu", order=90, factory=_factory)
