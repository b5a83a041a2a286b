"""Start the window: open (or create) the database, first-run setup or login, then the main window."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from handbook_desktop import APP_NAME, paths
from handbook_desktop.logs import setup_logging
from handbook_desktop.services.auth import Actor
from handbook_desktop.store.database import Database
from handbook_desktop.store.lock import DatabaseLocked
from handbook_desktop.ui.context import AppContext, ChangeHub
from handbook_desktop.ui.errors import install_error_handlers, user_text
from handbook_desktop.ui.i18n import install_translations, tr
from handbook_desktop.ui.main_window import MainWindow
from handbook_desktop.ui.style import apply_style
from handbook_desktop.ui.tasks import TaskRunner

def application(argv: list[str] | None = None, *, large_font: bool = False) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("SoTayChiBo")
    app.setWindowIcon(QIcon(str(paths.resource("icons", "app.png"))))
    install_translations(app)
    apply_style(app, large_font=large_font)
    return app


def open_window(database: Database, actor: Actor) -> MainWindow:
    if not database.readonly:
        from handbook_desktop.services.rules import refresh_shipped_rules

        with database.session() as session:  # this program's rule files, into an older database
            refresh_shipped_rules(session)
    home = database.home_unit()
    context = AppContext(database, actor, TaskRunner(), ChangeHub(), home.code, home.name, home.level)
    window = MainWindow(context)
    from handbook_desktop.ui.safety_hooks import after_window_opened

    after_window_opened(window)  # issue 8: idle lock, larger font setting, daily backup, location warnings
    # What exists now lives as long as the window (modules, classes, the pages and their widgets): the
    # cycle collector need not look through it again. A full collection looked through 270,000 objects
    # (a second on a loaded machine, the window frozen) for nothing; objects made later are collected
    # as before, and frozen ones are still freed when their last reference goes (issue 11 §3).
    import gc

    gc.freeze()
    from handbook_desktop.ui.tasks import release_memory

    release_memory()  # the imports' source lines PySide6 kept
    return window


def _demo_database() -> Database:
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain

    from handbook_desktop.services import access
    from handbook_desktop.services.auth import DEMO_PASSWORD

    path = paths.demo_database()
    access.unlock(path, "admin", DEMO_PASSWORD)  # the demo's own password: --demo asks none
    database = Database.open(path)
    if database.home_unit() is None:
        drain(generate(database, members=120, seed=1))
    return database


def _open_database(path: str, readonly: bool) -> Database | None:
    try:
        return Database.open(path, readonly=readonly)
    except DatabaseLocked as locked:
        answer = QMessageBox.question(
            None, tr("Cơ sở dữ liệu đang được mở"),
            str(locked) + "\n\n" + tr("Mở ở chế độ chỉ xem?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return Database.open(path, readonly=True)
        return None


def _unlock_at_door(target: str):
    """``None`` for a file that needs no key; the (account, password) that opened it; False: given up."""
    from handbook_desktop.services import access

    if not access.needs_key(target):
        return None
    access.require_keyring(target)  # damaged, or copied without it: said, not asked
    from handbook_desktop.ui.login_dialog import LoginDialog

    login = LoginDialog(None, access.label(target), path=target, username=access.default_account(target))
    if login.exec() != LoginDialog.DialogCode.Accepted:
        return False
    return login.credentials


def _convert(database: Database) -> None:
    """A plain file of an older version is encrypted once (services.encryption), a verified backup first."""
    if database.readonly:
        return
    from handbook_desktop.services.encryption import convert_if_plain

    convert_if_plain(database)


def parse_gui_args(argv: list[str]) -> argparse.Namespace:
    from handbook_desktop.cli import window_parser

    return window_parser().parse_args(argv)


def build_main_window(argv: list[str]) -> MainWindow | None:
    """Everything before the event loop: returns the window to show, or None if the user gave up."""
    args = parse_gui_args(argv)
    paths.private_umask()
    setup_logging()
    application(large_font=args.large_font)
    install_error_handlers()
    warning = paths.privacy_warning()  # the portable build on a stick that keeps no permissions
    if warning:
        QMessageBox.warning(None, APP_NAME, warning)
    try:
        if args.demo:
            database = _demo_database()
            return open_window(database, Actor("admin", "secretary"))
        target = args.db or paths.default_database()
        door = _unlock_at_door(target)  # an encrypted file: the password opens its key first
        if door is False:
            return None
        database = _open_database(target, args.readonly)
        if database is None:
            return None
        if door:
            from handbook_desktop.services.auth import authenticate

            try:
                actor = authenticate(database, *door)
            except Exception:
                database.close()
                raise
            _convert(database)
            return open_window(database, actor)
        if database.home_unit() is None:
            if database.readonly:
                QMessageBox.warning(None, APP_NAME, tr("Cơ sở dữ liệu chưa được thiết lập."))
                return None
            from handbook_desktop.ui.setup_dialog import SetupDialog

            setup = SetupDialog(database)
            if setup.exec() != SetupDialog.DialogCode.Accepted:
                database.close()
                return None
            actor = Actor(setup.result_info.admin_username, "secretary")
        else:
            from handbook_desktop.ui.login_dialog import LoginDialog

            login = LoginDialog(database, database.home_unit().name)
            if login.exec() != LoginDialog.DialogCode.Accepted:
                database.close()
                return None
            actor = login.actor
        _convert(database)
        return open_window(database, actor)
    except Exception as error:  # noqa: BLE001 - the user gets a sentence, the log gets the trace
        import logging

        logging.getLogger(__name__).exception("start failed")
        QMessageBox.critical(None, APP_NAME, user_text(error))
        return None


def run_gui(argv: list[str]) -> int:
    window = build_main_window(argv)
    if window is None:
        return 1
    window.show()
    code = QApplication.instance().exec()
    from handbook_desktop.ui.safety_hooks import before_close

    before_close(window)  # issue 8: the backup on exit
    window.context.database.close()
    return code
