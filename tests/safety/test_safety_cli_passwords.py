"""The command line asks an account's password for every command that changes data or shows personal
data, checks its role, and counts wrong passwords with the window's login (issue 13, point 2)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from handbook_desktop.services import users
from handbook_desktop.services.auth import Actor, authenticate
from handbook_desktop.services.errors import UserError
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import AuditLog, Member, User
from tests.conftest import ADMIN_PASSWORD


def _sheet(path) -> str:
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Ngày sinh", "Số CCCD", "Trạng thái"])
    workbook.active.append(["Nguyễn Văn An", "01/02/1970", "001070000001", "Quần chúng ưu tú"])
    workbook.save(path)
    return str(path)


def _count(path, model) -> int:
    with Database.open(path, readonly=True) as database, database.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_no_password_or_a_wrong_one_changes_and_shows_nothing(db, run, tmp_path, monkeypatch):
    path = str(db.file)
    db.close()
    sheet = _sheet(tmp_path / "ds.xlsx")
    monkeypatch.delenv("HANDBOOK_PASSWORD")
    for argv in (["members", "import", sheet], ["members", "list"], ["members", "export", str(tmp_path / "x.xlsx")],
                 ["users", "list"], ["check"], ["todo"], ["backup", "create"]):
        code, out, err = run("--db", path, *argv)
        assert code == 1 and "HANDBOOK_PASSWORD" in err and not out, argv
    monkeypatch.setenv("HANDBOOK_PASSWORD", "sai-mat-khau")
    code, _, err = run("--db", path, "members", "import", sheet)
    assert code == 1 and "không đúng" in err
    assert _count(path, Member) == 0 and not (tmp_path / "x.xlsx").exists()
    monkeypatch.setenv("HANDBOOK_PASSWORD", ADMIN_PASSWORD)
    code, out, err = run("--db", path, "members", "import", sheet)
    assert code == 0, err
    assert _count(path, Member) == 1
    with Database.open(path, readonly=True) as database, database.read() as session:
        imported = session.scalars(select(AuditLog.username).where(AuditLog.action == "import")).all()
    assert imported and set(imported) == {"admin"}  # the signed-in account, not an anonymous "system"


def test_wrong_passwords_at_the_command_line_slow_the_window_too(db, run, monkeypatch):
    path = str(db.file)
    db.close()
    monkeypatch.setenv("HANDBOOK_PASSWORD", "doan-sai")
    for _ in range(3):  # read-only commands count too: they write the count through a side door
        code, _, err = run("--db", path, "members", "list")
        assert code == 1 and "không đúng" in err
    monkeypatch.setenv("HANDBOOK_PASSWORD", ADMIN_PASSWORD)
    code, _, err = run("--db", path, "members", "list")
    assert code == 1 and "hãy chờ" in err  # refused though right: the wait is not over
    with Database.open(path) as database:
        with pytest.raises(UserError, match="hãy chờ"):  # the login window's check sees the same count
            authenticate(database, "admin", ADMIN_PASSWORD)
        with database.read() as session:
            failures = session.scalars(select(AuditLog).where(AuditLog.action == "login_failed")).all()
            assert len(failures) == 3 and {f.username for f in failures} == {"admin"}
        from handbook_desktop.services import throttle

        assert throttle.failures(database, "admin") == 3


def test_users_add_needs_an_administrator_and_a_separate_new_password(db, run, monkeypatch):
    users.add_user(db, Actor("admin", "secretary"), "xem", "matkhau-xem-1", "viewer", "Người xem")
    users.add_user(db, Actor("admin", "secretary"), "pho", "matkhau-pho-1", "deputy", "Phó bí thư")
    path = str(db.file)
    db.close()
    monkeypatch.setenv("HANDBOOK_NEW_PASSWORD", "matkhau-moi-99")
    monkeypatch.setenv("HANDBOOK_USER", "xem")
    monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau-xem-1")
    code, _, err = run("--db", path, "users", "add", "intruder", "--role", "secretary")
    assert code == 1 and "không có quyền" in err
    monkeypatch.setenv("HANDBOOK_USER", "pho")
    monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau-pho-1")
    code, _, err = run("--db", path, "users", "add", "intruder", "--role", "secretary")
    assert code == 1 and "không có quyền" in err
    code, out, err = run("--db", path, "members", "list")  # a deputy may read
    assert code == 0, err
    monkeypatch.setenv("HANDBOOK_USER", "admin")
    monkeypatch.setenv("HANDBOOK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("HANDBOOK_NEW_PASSWORD")
    code, _, err = run("--db", path, "users", "add", "intruder", "--role", "secretary")
    assert code == 1 and "HANDBOOK_NEW_PASSWORD" in err
    assert _count(path, User) == 3
    monkeypatch.setenv("HANDBOOK_NEW_PASSWORD", "matkhau-moi-99")
    code, _, err = run("--db", path, "users", "add", "bithu2", "--role", "secretary")
    assert code == 0, err
    with Database.open(path) as database:
        assert authenticate(database, "bithu2", "matkhau-moi-99").role == "secretary"
        with pytest.raises(UserError):
            authenticate(database, "bithu2", ADMIN_PASSWORD)
