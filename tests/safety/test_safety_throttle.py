"""The login and the recovery code count wrong secrets in services.throttle, audited (issue 13, point 2)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from handbook_desktop.services import throttle
from handbook_desktop.services.auth import authenticate
from handbook_desktop.services.errors import UserError
from handbook_desktop.store.models import AuditLog, User
from tests.conftest import ADMIN_PASSWORD


def _actions(database) -> list[str]:
    with database.read() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_login_waits_grow_after_three_failures_and_refuse_even_the_right_password(db):
    for _ in range(3):
        with pytest.raises(UserError, match="không đúng"):
            authenticate(db, "admin", "sai-mat-khau")
    with pytest.raises(throttle.TooManyAttempts, match="hãy chờ"):
        authenticate(db, "admin", ADMIN_PASSWORD)
    assert _actions(db).count("login_failed") == 3
    assert throttle.failures(db, "admin") == 3
    throttle.set_last_failure(db, "admin", datetime.now(timezone.utc) - timedelta(seconds=3))  # the wait passes
    assert authenticate(db, "admin", ADMIN_PASSWORD).role == "secretary"
    with db.read() as session:
        assert throttle.wait_seconds(session, "admin") == 0
    assert throttle.failures(db, "admin") == 0


def test_unknown_names_and_wrong_codes_are_counted_too(db):
    for _ in range(3):
        with pytest.raises(UserError, match="không đúng"):
            authenticate(db, "khong-co", "x")
    with pytest.raises(throttle.TooManyAttempts):
        authenticate(db, "khong-co", "x")
    from handbook_desktop.services import users

    for _ in range(2):
        with pytest.raises(UserError, match="không đúng"):
            users.recover_with_code(db, "admin", "AAAA-BBBB-CCCC-DDDD-EEEE", "matkhau-moi-1")
    with pytest.raises(UserError, match="không đúng"):
        authenticate(db, "admin", "sai")  # the third wrong secret of the account: codes and passwords add up
    with pytest.raises(throttle.TooManyAttempts):
        authenticate(db, "admin", ADMIN_PASSWORD)
    assert _actions(db).count("recovery_failed") == 2 and _actions(db).count("login_failed") == 4


def test_the_window_opened_read_only_counts_wrong_passwords_too(qtbot, db):
    from PySide6.QtCore import Qt

    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.login_dialog import LoginDialog

    path = db.file
    db.close()
    with Database.open(path, readonly=True) as viewer:
        dialog = LoginDialog(viewer, "Chi bộ")
        qtbot.addWidget(dialog)
        dialog.show()
        for _ in range(3):
            dialog.password.clear()
            qtbot.keyClicks(dialog.password, "doan-sai")
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
            assert "không đúng" in dialog.error.text()
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert "hãy chờ" in dialog.error.text() and dialog.actor is None
    with Database.open(path, readonly=True) as database:
        assert throttle.failures(database, "admin") == 3
