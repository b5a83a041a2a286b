"""Accounts: more users with roles, password change and reset, the recovery code, growing waits."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.services import users
from handbook_desktop.services.auth import Actor, authenticate
from handbook_desktop.services.errors import PermissionDenied, UserError
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import AuditLog, User

ADMIN_PASSWORD = "matkhau123"


def actions(database) -> list[str]:
    with database.read() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_secretary_adds_users_who_log_in_with_their_role(db, secretary):
    users.add_user(db, secretary, "pho-bi-thu", "matkhau-pho-1", "deputy", "Trần Thị Hoa")
    users.add_user(db, secretary, "xem", "matkhau-xem-1", "viewer")
    deputy = authenticate(db, "pho-bi-thu", "matkhau-pho-1")
    viewer = authenticate(db, "xem", "matkhau-xem-1")
    assert (deputy.role, viewer.role) == ("deputy", "viewer")
    assert deputy.can("write") and not deputy.can("restore") and not deputy.can("settings")
    assert not viewer.can("write")
    names = {row.username: row.role_label for row in users.list_users(db)}
    assert names == {"admin": "Bí thư (toàn quyền)", "pho-bi-thu": "Phó bí thư", "xem": "Chỉ xem"}
    with pytest.raises(UserError, match="đã có"):
        users.add_user(db, secretary, "xem", "matkhau-xem-2", "viewer")
    with pytest.raises(UserError, match="8 ký tự"):
        users.add_user(db, secretary, "ngan", "123", "viewer")
    with pytest.raises(PermissionDenied):
        users.add_user(db, deputy, "them", "matkhau-them-1", "secretary")
    assert actions(db).count("user_add") == 2


def test_password_change_and_reset_by_the_administrator(db, secretary):
    users.add_user(db, secretary, "xem", "matkhau-xem-1", "viewer")
    viewer = Actor("xem", "viewer")
    with pytest.raises(UserError, match="không đúng"):
        users.change_password(db, viewer, "sai-mat-khau", "matkhau-moi-1")
    users.change_password(db, viewer, "matkhau-xem-1", "matkhau-moi-1")
    with pytest.raises(UserError):
        authenticate(db, "xem", "matkhau-xem-1")
    assert authenticate(db, "xem", "matkhau-moi-1").role == "viewer"
    with pytest.raises(PermissionDenied):
        users.reset_password(db, viewer, "admin", "chiem-quyen-1")
    users.reset_password(db, secretary, "xem", "matkhau-cap-lai")
    assert authenticate(db, "xem", "matkhau-cap-lai").username == "xem"
    assert {"password_change", "password_reset"} <= set(actions(db))


def test_the_last_secretary_keeps_the_role(db, secretary):
    with pytest.raises(UserError, match="Bí thư"):
        users.set_role(db, secretary, "admin", "viewer")
    users.add_user(db, secretary, "bt2", "matkhau-bt2-1", "secretary")
    users.set_role(db, secretary, "bt2", "deputy")
    with pytest.raises(UserError):
        users.set_active(db, secretary, "admin", False)
    users.set_active(db, secretary, "bt2", False)
    with pytest.raises(UserError):
        authenticate(db, "bt2", "matkhau-bt2-1")


def test_growing_waits_after_failed_logins(db):
    for _ in range(3):
        with pytest.raises(UserError, match="không đúng"):
            authenticate(db, "admin", "sai")
    # The fourth try must wait, even with the right password.
    with pytest.raises(UserError, match="chờ"):
        authenticate(db, "admin", ADMIN_PASSWORD)
    assert actions(db).count("login_failed") == 3


def test_recovery_code_resets_a_lost_administrator_password(tmp_path):
    from handbook_desktop.services.setup import HomeUnitSpec, initialise

    with Database.open(tmp_path / "new.sqlite3") as database:
        result = initialise(database, HomeUnitSpec("CB-X", "Chi bộ X", "chi-bo", term_start=date(2025, 7, 1)),
                            "admin", ADMIN_PASSWORD)
        with pytest.raises(UserError, match="không đúng"):
            users.recover_with_code(database, "admin", "AAAA-BBBB-CCCC-DDDD-EEEE", "matkhau-moi-1")
        fresh = users.recover_with_code(database, "admin", result.recovery_code.lower(), "matkhau-moi-1")
        assert fresh != result.recovery_code
        assert authenticate(database, "admin", "matkhau-moi-1").role == "secretary"
        # The old code is spent; the new one works.
        with pytest.raises(UserError):
            users.recover_with_code(database, "admin", result.recovery_code, "matkhau-moi-2")
        from handbook_desktop.services import throttle

        throttle.reset(database, "admin")  # skip the wait earned by the wrong code above
        users.recover_with_code(database, "admin", fresh, "matkhau-moi-2")
        assert "password_recovered" in actions(database)


def test_settings_need_the_settings_right(db, secretary):
    with pytest.raises(PermissionDenied):
        users.set_preference(db, Actor("pho", "deputy"), users.IDLE_LOCK_SETTING, 5)
    with pytest.raises(UserError):
        users.set_preference(db, secretary, users.IDLE_LOCK_SETTING, 999)
    users.set_preference(db, secretary, users.IDLE_LOCK_SETTING, 5)
    assert users.idle_lock_minutes(db) == 5


def _fresh(tmp_path):
    from handbook_desktop.services.setup import HomeUnitSpec, initialise

    database = Database.open(tmp_path / "moi.sqlite3")
    result = initialise(database, HomeUnitSpec("CB-X", "Chi bộ X", "chi-bo", term_start=date(2025, 7, 1)),
                        "admin", ADMIN_PASSWORD)
    return database, result.recovery_code


def test_forgot_password_from_the_login_dialog(qtbot, tmp_path, type_text):
    from handbook_desktop.ui.login_dialog import LoginDialog

    database, code = _fresh(tmp_path)
    try:
        login = LoginDialog(database, "Chi bộ X")
        qtbot.addWidget(login)
        dialog = login.forgot_password()
        type_text(dialog.code, code)
        type_text(dialog.password, "matkhau-moi-9")
        type_text(dialog.again, "matkhau-moi-9")
        dialog.submit()
        assert dialog.new_code and dialog.new_code in dialog.message.text()
        dialog.submit()  # OK closes it
        login.password.setText("matkhau-moi-9")
        login.submit()
        assert login.actor is not None and login.actor.role == "secretary"
    finally:
        database.close()


def test_cli_users_recover_and_list(tmp_path, monkeypatch, capsys):
    import json

    from handbook_desktop.cli import main

    database, code = _fresh(tmp_path)
    path = str(database.file)
    database.close()
    monkeypatch.setenv("HANDBOOK_RECOVERY_CODE", code)
    monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau-moi-7")
    assert main(["--db", path, "users", "recover", "--json"]) == 0
    fresh = json.loads(capsys.readouterr().out)["recovery_code"]
    assert fresh != code
    assert main(["--db", path, "users", "recover"]) == 1  # the old code is spent
    assert "không đúng" in capsys.readouterr().err
    monkeypatch.setenv("HANDBOOK_NEW_PASSWORD", "matkhau-xem-7")  # the administrator's is HANDBOOK_PASSWORD
    assert main(["--db", path, "users", "add", "xem", "--role", "viewer"]) == 0
    capsys.readouterr()
    assert main(["--db", path, "users", "list", "--json"]) == 0
    listed = {row["username"]: row["role"] for row in json.loads(capsys.readouterr().out)}
    assert listed == {"admin": "secretary", "xem": "viewer"}
    with Database.open(path) as reopened:
        assert authenticate(reopened, "admin", "matkhau-moi-7").role == "secretary"
