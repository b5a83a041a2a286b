"""The window: demo start without a prompt, first-run setup, login, errors shown in Vietnamese."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QMessageBox

from handbook_desktop.services.setup import is_initialised
from handbook_desktop.store.database import Database
from handbook_desktop.ui.app import build_main_window
from handbook_desktop.ui.login_dialog import LoginDialog
from handbook_desktop.ui.setup_dialog import SetupDialog


def test_demo_start_opens_the_main_window_with_its_sidebar(qtbot, handbook_home):
    window = build_main_window(["--demo"])
    assert window is not None
    qtbot.addWidget(window)
    window.show()
    sidebar = window.findChild(QListWidget, "sidebar")
    titles = [sidebar.item(i).text() for i in range(sidebar.count())]
    assert titles[0] == "Tổng quan"
    assert window.statusBar().findChildren(object)  # status bar is populated
    assert "CB-DEMO" in window.status_unit.text()
    assert "admin" in window.status_user.text()
    overview = window.pages["overview"]
    qtbot.waitUntil(lambda: overview.count_labels["official"].text() not in {"", "0"}, timeout=10_000)
    assert "Đảng số" in overview.summary.text()
    window.close()
    window.context.database.close()


def test_first_run_setup_creates_the_unit_and_administrator(qtbot, tmp_path, monkeypatch, type_text):
    shown = []
    from handbook_desktop.ui import recovery_dialog

    monkeypatch.setattr(recovery_dialog, "show_recovery_code", lambda parent, code, *rest: shown.append(code))
    database = Database.open(tmp_path / "new.sqlite3")
    try:
        dialog = SetupDialog(database)
        qtbot.addWidget(dialog)
        dialog.show()
        type_text(dialog.unit_name, "Chi bộ Khu dân cư số 7")
        qtbot.keyClicks(dialog.unit_code, "CB-KDC7")
        type_text(dialog.parent_name, "Đảng bộ phường Cửa Nam")
        type_text(dialog.place, "Hà Nội")
        qtbot.keyClicks(dialog.password, "mat-khau-1")
        qtbot.keyClicks(dialog.password2, "mat-khau-2")
        qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
        assert "không khớp" in dialog.error.text()
        assert not is_initialised(database)
        dialog.password2.clear()
        qtbot.keyClicks(dialog.password2, "mat-khau-1")
        qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
        assert dialog.result() == SetupDialog.DialogCode.Accepted
        assert shown and dialog.result_info.recovery_code in shown[0]
        home = database.home_unit()
        assert (home.code, home.name, home.place_name) == ("CB-KDC7", "Chi bộ Khu dân cư số 7", "Hà Nội")
    finally:
        database.close()


def test_login_refuses_a_wrong_password_then_accepts(qtbot, db):
    dialog = LoginDialog(db, "Chi bộ Khu dân cư số 5")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "sai-mat-khau")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert "không đúng" in dialog.error.text()
    assert dialog.actor is None
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "matkhau123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.role == "secretary"


def test_uncaught_error_is_logged_and_shown_in_vietnamese(qtbot, monkeypatch, caplog):
    from handbook_desktop.ui import errors

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    try:
        raise ValueError("hỏng")
    except ValueError as error:
        with caplog.at_level(logging.CRITICAL):
            errors._excepthook(type(error), error, error.__traceback__)
    assert "ValueError: hỏng" in caplog.text
    assert shown and shown[0][0] == "Lỗi chương trình" and "nhật ký" in shown[0][1]
