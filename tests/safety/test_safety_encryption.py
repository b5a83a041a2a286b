"""Encryption at rest (issue 13 §3): no file the program writes holds a member's name or number in
clear; the key opens only with an account's password or the recovery code, at the door, counted;
backups are encrypted and restorable elsewhere; a plain database of an older version is converted."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import AuditLog, Member

from tests.conftest import ADMIN_PASSWORD

# CI installs SQLCipher from pyproject.toml: there these tests must run (and fail if it is missing).
pytestmark = pytest.mark.skipif(not datakey.cipher_available() and not os.environ.get("CI"),
                                reason="sqlcipher3 is not installed in this environment")


@pytest.fixture(autouse=True)
def keys_of_this_test(monkeypatch):
    """``datakey.forget_all()`` acts as a new process here: the keys the session's templates were made
    with come back for the next test."""
    monkeypatch.setattr(datakey, "_KEYS", dict(datakey._KEYS))
    monkeypatch.setattr(datakey, "_PROVEN", set(datakey._PROVEN))


def needles(database) -> set[bytes]:
    """Names, CCCD and phone numbers of the members, as they would sit in a plain file."""
    with database.read() as session:
        rows = session.execute(select(Member.full_name, Member.national_id, Member.phone)).all()
    found = set()
    for name, cccd, phone in rows:
        found |= {value.encode("utf-8") for value in (name, cccd, phone) if value and len(value) >= 8}
    return found


def files_under(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


def holding(files: list[Path], wanted: set[bytes]) -> dict[str, list[str]]:
    hits = {}
    for path in files:
        data = path.read_bytes()
        found = [item.decode() for item in wanted if item in data]
        if found:
            hits[str(path)] = found[:3]
    return hits


def cli(*args, db: Path, password: str = "demo1234", user: str | None = None):
    env = {**os.environ, "HANDBOOK_PASSWORD": password, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("HANDBOOK_USER", None)
    if user:
        env["HANDBOOK_USER"] = user
    return subprocess.run([sys.executable, "-m", "handbook_desktop", "--db", str(db), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_no_file_written_in_a_session_holds_a_name_or_number(demo_db, secretary, handbook_home, tmp_path):
    from handbook_desktop.services.backup import create_backup, safety_backup
    from handbook_desktop.services.datacheck import run_check

    assert demo_db.encrypted and datakey.is_encrypted(demo_db.file)
    wanted = needles(demo_db)
    assert len(wanted) > 200
    # A session: a change sits in the WAL, a manual and an automatic backup, a check, the command line.
    with demo_db.session() as session:
        member = session.scalars(select(Member).order_by(Member.id)).first()
        member.notes = "Ghi chú mới"
    create_backup(demo_db, reason="manual", actor=secretary)
    safety_backup(demo_db, "excel_import")
    run_check(demo_db)
    wal = Path(str(demo_db.file) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    open_files = files_under(tmp_path)
    assert holding(open_files, wanted) == {}
    demo_db.close()
    done = cli("members", "list", db=demo_db.file)
    assert done.returncode == 0, done.stderr
    assert member.full_name in done.stdout  # the program itself reads it back
    written = files_under(tmp_path)
    assert any(path.suffix == ".log" for path in written) and any("backups" in str(p) for p in written)
    assert holding(written, wanted) == {}


def test_the_grep_finds_what_a_plain_file_would_give_away(demo_db, tmp_path):
    """The scan above can fail: the same rows exported to a plain SQLite file are found at once."""
    wanted = needles(demo_db)
    plain = tmp_path / "plain" / "export.sqlite3"
    plain.parent.mkdir()
    from handbook_desktop.services.encryption import export_encrypted  # noqa: F401  (the module loads)

    with demo_db.read() as session:
        rows = session.execute(select(Member.full_name, Member.national_id, Member.phone)).all()
    with sqlite3.connect(plain) as connection:
        connection.execute("CREATE TABLE m (name, cccd, phone)")
        connection.executemany("INSERT INTO m VALUES (?, ?, ?)", rows)
    assert holding([plain], wanted)


def test_the_key_opens_only_with_a_password_at_the_door_and_wrong_ones_are_counted(demo_db):
    file = demo_db.file
    demo_db.close()
    datakey.forget_all()  # as a new process
    with pytest.raises(datakey.KeyNeeded):
        Database.open(file)
    from handbook_desktop.services import access

    for _ in range(3):
        with pytest.raises(UserError, match="không đúng"):
            access.unlock(file, "admin", "sai-mat-khau")
    assert datakey.attempts(file, "admin")[0] == 3
    with pytest.raises(UserError, match="chờ"):  # the fourth try waits, even with the right password
        access.unlock(file, "admin", "demo1234")
    ring = datakey.load_keyring(file)
    ring["attempts"]["admin"]["last"] = (datetime.now(timezone.utc) - timedelta(minutes=10)).isoformat()
    datakey.write_keyring(file, ring)
    done = cli("members", "list", db=file)  # the command line: the same door, the same counter
    assert done.returncode == 0, done.stderr
    assert datakey.attempts(file, "admin") == (0, None)
    access.unlock(file, "admin", "demo1234")
    with Database.open(file) as database, database.read() as session:
        failed = session.scalars(select(AuditLog).where(AuditLog.action == "login_failed")).all()
    assert len(failed) == 3 and all(json.loads(row.detail or "{}").get("door") for row in failed)


def test_a_copy_without_its_keyring_says_so(demo_db, tmp_path):
    demo_db.close()
    datakey.forget_all()
    lonely = tmp_path / "lonely" / "copy.sqlite3"
    lonely.parent.mkdir()
    lonely.write_bytes(demo_db.file.read_bytes())
    done = cli("members", "list", db=lonely)
    assert done.returncode == 1 and "tệp khóa" in done.stderr


def test_accounts_follow_the_keyring(db, secretary):
    from handbook_desktop.services import access
    from handbook_desktop.services.users import add_user, change_password, set_active

    add_user(db, secretary, "pho", "matkhau-pho", "deputy")
    add_user(db, secretary, "cu", "matkhau-cu1", "viewer")
    set_active(db, secretary, "cu", False)
    change_password(db, secretary, ADMIN_PASSWORD, "matkhau-moi")
    file = db.file
    db.close()
    ring = datakey.load_keyring(file)
    assert set(ring["accounts"]) == {"admin", "pho"} and "pending" not in ring
    datakey.forget_all()
    for name, password in (("cu", "matkhau-cu1"), ("admin", ADMIN_PASSWORD)):
        with pytest.raises(UserError):
            access.unlock(file, name, password)
        ring = datakey.load_keyring(file)
        ring["attempts"] = {}
        datakey.write_keyring(file, ring)
    access.unlock(file, "pho", "matkhau-pho")
    datakey.forget_all()
    access.unlock(file, "admin", "matkhau-moi")
    Database.open(file).close()


def test_a_backup_restores_on_another_pc_with_a_password_or_the_recovery_code(db, secretary, tmp_path):
    from handbook_desktop.services.access import BackupKeyNeeded
    from handbook_desktop.services.backup import create_backup, find_backup, restore_backup
    from handbook_desktop.services.backup.crypto import WrongPassword
    from handbook_desktop.services.users import new_recovery_code

    code = new_recovery_code(db, secretary, ADMIN_PASSWORD)
    info = create_backup(db, reason="manual", second_folder=None).info
    assert datakey.is_encrypted(info.path) and info.keys and info.key_id
    db.close()
    for secret in (ADMIN_PASSWORD, code.lower().replace("-", " ")):
        datakey.forget_all()  # another PC: only the backup and its manifest
        elsewhere = tmp_path / f"pc-{len(secret)}" / "handbook.sqlite3"
        elsewhere.parent.mkdir()
        backup = find_backup(str(info.path))
        with pytest.raises(BackupKeyNeeded):
            restore_backup(elsewhere, backup, actor=secretary)
        with pytest.raises(WrongPassword):
            restore_backup(elsewhere, backup, actor=secretary, password="khong-phai")
        restore_backup(elsewhere, backup, actor=secretary, password=secret)
        assert datakey.is_encrypted(elsewhere)
        datakey.forget_all()
        from handbook_desktop.services import access

        access.unlock(elsewhere, "admin", ADMIN_PASSWORD)
        with Database.open(elsewhere) as restored:
            assert restored.home_unit().code == "CB-TEST"


def test_a_plain_database_is_converted_once_with_a_verified_backup_first(tmp_path, monkeypatch, handbook_home):
    from handbook_desktop.services import access
    from handbook_desktop.services.backup import backups_of, create_backup
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.encryption import convert_if_plain
    from handbook_desktop.services.progress import drain

    file = tmp_path / "old.sqlite3"
    with monkeypatch.context() as plain_version:  # a database made by a version without SQLCipher
        plain_version.setattr(datakey, "cipher_available", lambda: False)
        with Database.open(file) as database:
            drain(generate(database, members=30, seed=3))
            create_backup(database, reason="manual", second_folder=None)
            wanted = needles(database)
    assert datakey.file_state(file) == "plain" and holding([file], wanted)
    with Database.open(file) as database:
        assert not database.encrypted
        with database.read() as session:
            before = session.scalar(select(Member.id).order_by(Member.id.desc()))
        result = convert_if_plain(database)
        assert result is not None and database.encrypted
        assert convert_if_plain(database) is None  # once
        backups = backups_of(database)
        assert {b.reason for b in backups} == {"manual", "encryption"}
        assert all(b.key_id and b.verified_ok for b in backups)
        with database.read() as session:
            assert session.scalar(select(Member.id).order_by(Member.id.desc())) == before
    assert datakey.is_encrypted(file)
    assert holding(files_under(tmp_path), wanted) == {}
    ring = datakey.load_keyring(file)
    assert "account:admin" in ring["legacy"]
    datakey.forget_all()
    done = cli("members", "list", db=file)  # the old password opens it; its digest is hashed anew
    assert done.returncode == 0, done.stderr
    assert "account:admin" not in datakey.load_keyring(file)["legacy"]
    datakey.forget_all()
    access.unlock(file, "admin", "demo1234")


def test_a_failed_conversion_leaves_the_plain_file(tmp_path, monkeypatch, handbook_home):
    from handbook_desktop.services import encryption
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain

    file = tmp_path / "old.sqlite3"
    with monkeypatch.context() as plain_version:
        plain_version.setattr(datakey, "cipher_available", lambda: False)
        with Database.open(file) as database:
            drain(generate(database, members=10, seed=4))
    original = file.read_bytes()

    def broken(copy, key, expected):
        raise UserError("Bản mã hóa không khớp số dòng với dữ liệu cũ; dữ liệu cũ giữ nguyên.")

    monkeypatch.setattr(encryption, "check_copy", broken)
    with Database.open(file) as database:
        with pytest.raises(UserError, match="giữ nguyên"):
            encryption.convert_if_plain(database)
        assert not database.encrypted and database.home_unit() is not None
    assert file.read_bytes() == original and not datakey.keyring_path(file).exists()
    assert not list(tmp_path.glob(".*ma-hoa*"))


def test_the_window_asks_the_password_at_the_door_then_opens_the_file(qtbot, demo_db, monkeypatch):
    from PySide6.QtCore import Qt

    from handbook_desktop.ui import app as app_module
    from handbook_desktop.ui.login_dialog import LoginDialog

    file = demo_db.file
    demo_db.close()
    datakey.forget_all()  # the window starts in a new process
    seen = []

    def typed_at_the_door(dialog):
        seen.append(dialog)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.database is None and "Chi bộ" in dialog.windowTitle()  # the unit, before the data
        for password in ("doan-sai", "demo1234"):
            dialog.password.clear()
            qtbot.keyClicks(dialog.password, password)
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
            if password == "doan-sai":
                assert "không đúng" in dialog.error.text()
        return LoginDialog.DialogCode.Accepted if dialog.credentials else LoginDialog.DialogCode.Rejected

    monkeypatch.setattr(LoginDialog, "exec", typed_at_the_door)
    window = app_module.build_main_window(["--db", str(file)])
    assert window is not None and seen and seen[0].credentials[0] == "admin"
    qtbot.addWidget(window)
    assert window.context.database.encrypted and window.context.actor.role == "secretary"
    with window.context.database.read() as session:
        failed = session.scalars(select(AuditLog).where(AuditLog.action == "login_failed")).all()
    assert len(failed) == 1  # the wrong password at the door reached the audit log
    window.context.runner.shutdown()
    window.close()
    window.context.database.close()


def test_every_raw_open_of_a_database_file_goes_through_the_keyed_helper():
    """A raw ``sqlite3.connect`` cannot read an encrypted file (and would write a plain one): only the
    keyed helper (store.datakey.connect) and the conversion, which reads the plain file, may call it."""
    import handbook_desktop

    root = Path(handbook_desktop.__file__).parent
    allowed = {root / "store" / "datakey.py", root / "services" / "encryption.py"}
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path not in allowed and "sqlite3.connect(" in path.read_text(encoding="utf-8")]
    assert offenders == []


def test_a_forgotten_password_at_the_door_is_reset_with_the_recovery_code(tmp_path, handbook_home):
    from handbook_desktop.services import access
    from handbook_desktop.services.setup import HomeUnitSpec, initialise

    file = tmp_path / "quen.sqlite3"
    with Database.open(file) as database:
        code = initialise(database, HomeUnitSpec("CB-Q", "Chi bộ Quên", "chi-bo"), "admin", "matkhau-cu1").recovery_code
    datakey.forget_all()
    with pytest.raises(UserError, match="Mã khôi phục không đúng"):
        access.recover(file, "admin", "AAAA-BBBB-CCCC-DDDD-EEEE", "matkhau-moi1")
    fresh = access.recover(file, "admin", code.replace("-", "").lower(), "matkhau-moi1")
    assert fresh != code
    datakey.forget_all()
    with pytest.raises(UserError):
        access.unlock(file, "admin", "matkhau-cu1")
    datakey.forget_all()
    with pytest.raises(UserError):  # the spent code opens nothing
        access.unlock_with_code(file, "admin", code)
    ring = datakey.load_keyring(file)
    ring["attempts"] = {}
    datakey.write_keyring(file, ring)
    access.unlock(file, "admin", "matkhau-moi1")
    datakey.forget_all()
    access.unlock_with_code(file, "admin", fresh)
