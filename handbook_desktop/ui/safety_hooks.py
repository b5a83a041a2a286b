"""What issue 8 adds around the main window: idle lock, the larger-font setting, the first backup
of the day (in the background), warnings about where the data lives, and the backup on exit."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)


def after_window_opened(window) -> None:
    from handbook_desktop.services.location import location_warnings
    from handbook_desktop.services.settings import get_setting
    from handbook_desktop.ui.idle_lock import install_idle_lock

    context = window.context
    database = context.database
    install_idle_lock(window)
    try:
        with database.read() as session:
            large = bool(get_setting(session, "large_font", False))
    except Exception:  # noqa: BLE001
        large = False
    if large:
        from handbook_desktop.ui.style import apply_style

        apply_style(QApplication.instance(), large_font=True)
    warnings = location_warnings(database.file)
    if warnings:
        window.statusBar().showMessage(warnings[0], 60_000)
    if database.readonly:
        return

    def daily(_flag):
        from handbook_desktop.services.backup import backup_if_due

        return backup_if_due(database)

    def done(result) -> None:
        if not shiboken6.isValid(window):  # closed before the backup finished
            return
        if result is not None and result.warnings:
            window.statusBar().showMessage(result.warnings[0], 60_000)
        if result is not None:
            context.hub.changed.emit("backup")

    def failed(error) -> None:
        log.warning("daily backup failed: %s", error)
        if not shiboken6.isValid(window):
            return
        window.statusBar().showMessage("Không sao lưu được hôm nay: " + str(error), 60_000)

    context.runner.run(daily, on_result=done, on_error=failed)


def before_close(window) -> None:
    database = window.context.database
    if database.readonly:
        return
    from handbook_desktop.services.backup import backup_on_exit

    try:
        backup_on_exit(database)
    except Exception:  # noqa: BLE001 - closing must never fail; the log says why
        log.exception("backup on exit failed")
