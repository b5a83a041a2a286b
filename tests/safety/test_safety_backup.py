"""Backups: verified copies with manifests, encryption, rotation, a second folder, daily and exit
backups, and restores that never make things worse (damaged file, older and newer schemas)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from handbook_desktop import paths
from handbook_desktop.services import backup
from handbook_desktop.services.auth import SYSTEM, Actor
from handbook_desktop.services.backup.crypto import WrongPassword, decrypt_file, encrypt_file
from handbook_desktop.services.datacheck import check_file
from handbook_desktop.services.errors import PermissionDenied, UserError
from handbook_desktop.store.database import Database
from handbook_desktop.store.lock import DatabaseLocked
from handbook_desktop.store.migrate import head_revision
from handbook_desktop.store.snapshot import integrity_ok
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "databases"


def members_in(path: Path) -> int:
    with datakey.connect(path, readonly=True) as connection:
        return connection.execute("SELECT COUNT(*) FROM member").fetchone()[0]


def _rows(connection, table: str) -> list:
    """In rowid order; sorted for a table without rowid (the FTS5 index's own tables)."""
    try:
        return connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    except datakey.database_errors():
        return sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def dump(path: Path, skip=("audit_log",)) -> dict[str, list]:
    """Every row of every table, for 'every row back' comparisons."""
    with datakey.connect(path, readonly=True) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: _rows(connection, t)
                for t in tables if t not in skip}


def test_backup_is_verified_with_a_manifest(demo_db):
    result = backup.create_backup(demo_db, actor=SYSTEM)
    info = result.info
    assert info.path.exists() and info.path.parent == paths.backups_dir()
    manifest = json.loads(info.manifest_path.read_text(encoding="utf-8"))
    assert manifest["format"] == "handbook-backup/1"
    assert manifest["counts"]["member"] == members_in(demo_db.file) >= 120
    assert manifest["schema_version"] == head_revision()
    assert manifest["verified_ok"] is True and manifest["size"] == info.path.stat().st_size
    assert integrity_ok(info.path) == (True, "ok")
    # No personal data in the manifest: counts only.
    assert "national_id" not in info.manifest_path.read_text(encoding="utf-8")
    listed = backup.backups_of(demo_db)
    assert [b.id for b in listed] == [info.id]
    again = backup.verify_backup(listed[0])
    assert again.verified_ok, again.verify_message


def test_a_changed_backup_fails_verification(demo_db):
    info = backup.create_backup(demo_db).info
    with open(info.path, "r+b") as handle:
        handle.seek(info.size // 2)
        handle.write(b"\x00" * 64)
    checked = backup.verify_backup(backup.find_backup(info.id))
    assert checked.verified_ok is False
    assert "không khớp" in checked.verify_message


def test_encrypted_backup_hides_the_data_and_needs_the_password(demo_db):
    with demo_db.read() as session:
        from handbook_desktop.store.models import Member

        name = session.query(Member.full_name).first()[0]
    info = backup.create_backup(demo_db, password="mat-khau-sao-luu").info
    raw = info.path.read_bytes()
    assert info.encrypted and info.path.name.endswith(".sqlite3.enc")
    assert b"SQLite format 3" not in raw and name.encode("utf-8") not in raw
    assert info.verified_ok
    with pytest.raises(WrongPassword):
        backup.verify_backup(info, password="sai-mat-khau")
    assert backup.find_backup(info.id).verified_ok is True  # a typo does not condemn the backup
    assert backup.verify_backup(info, password="mat-khau-sao-luu").verified_ok
    contents = backup.inspect_backup(info, password="mat-khau-sao-luu")
    assert contents.members == members_in(demo_db.file) and contents.schema_state == "same"
    # No clear copy left behind anywhere.
    leftovers = [p for p in paths.backups_dir().iterdir() if p.suffix == ".sqlite3"]
    leftovers += [p for p in demo_db.file.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_encryption_streams_in_chunks_and_detects_cut_or_changed_files(tmp_path):
    source = tmp_path / "big.bin"
    data = os.urandom(3 * 1024 * 1024 + 12345)
    source.write_bytes(data)
    sealed = tmp_path / "big.enc"
    encrypt_file(source, sealed, "mat-khau-dai")
    back = tmp_path / "back.bin"
    decrypt_file(sealed, back, "mat-khau-dai")
    assert back.read_bytes() == data
    blob = sealed.read_bytes()
    cut = tmp_path / "cut.enc"
    cut.write_bytes(blob[: len(blob) - (1024 * 1024 + 16)])  # a whole chunk missing at the end
    with pytest.raises(UserError):
        decrypt_file(cut, tmp_path / "x.bin", "mat-khau-dai")
    assert not (tmp_path / "x.bin").exists()
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 1
    (tmp_path / "flip.enc").write_bytes(bytes(flipped))
    with pytest.raises(UserError):
        decrypt_file(tmp_path / "flip.enc", tmp_path / "y.bin", "mat-khau-dai")
    with pytest.raises(WrongPassword):
        decrypt_file(sealed, tmp_path / "z.bin", "sai")


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_every_manual_copy(db):
    start = datetime(2025, 1, 1, 9, 0, tzinfo=timezone.utc)
    for day in range(400):
        backup.create_backup(db, reason="daily", now=start + timedelta(days=day))
    manual = backup.create_backup(db, reason="manual", now=start).info
    kept = backup.backups_of(db)
    daily = sorted({b.created_at.date() for b in kept if b.reason == "daily"}, reverse=True)
    last = (start + timedelta(days=399)).date()
    assert daily[:7] == [last - timedelta(days=i) for i in range(7)]
    assert len(daily) <= 7 + 4 + 12 and len(daily) >= 12
    months = {(d.year, d.month) for d in daily}
    assert len(months) >= 12
    assert manual.id in {b.id for b in kept}


def test_second_folder_gets_a_copy_or_a_warning(db, tmp_path):
    usb = tmp_path / "usb"
    result = backup.create_backup(db, second_folder=usb)
    assert result.second_copy is None
    assert any("USB" in warning for warning in result.warnings)
    usb.mkdir()
    result = backup.create_backup(db, second_folder=usb)
    assert result.warnings == []
    assert result.second_copy.read_bytes() == result.info.path.read_bytes()
    assert backup.list_backups(usb)[0].verified_ok


def test_daily_backup_once_per_day(db):
    def at(day):
        return datetime(2026, 11, day, 8, 0, tzinfo=timezone.utc)

    assert backup.backup_if_due(db, today=date(2026, 11, 2), now=at(2)) is not None
    assert backup.backup_if_due(db, today=date(2026, 11, 2), now=at(2)) is None
    assert backup.backup_if_due(db, today=date(2026, 11, 3), now=at(3)) is not None
    assert len([b for b in backup.backups_of(db) if b.reason == "daily"]) == 2
    assert backup.backup_on_exit(db).info.reason == "exit"


def _damage(path: Path) -> None:
    with datakey.connect(path) as connection:
        page_size = int(connection.execute("PRAGMA page_size").fetchone()[0])  # text under SQLCipher
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name='member'").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((root - 1) * page_size + 8)
        handle.write(os.urandom(400))


def test_damage_is_detected_and_the_backup_brings_every_row_back(demo_db, tmp_path):
    made = backup.create_backup(demo_db).info
    assert backup.verify_backup(made).verified_ok
    original = demo_db.file
    demo_db.close()
    expected = dump(original)
    audit_before = dump(original, skip=())["audit_log"]
    copy = tmp_path / "copy" / "handbook.sqlite3"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    _damage(copy)
    report = check_file(copy)
    assert report.damaged and not report.ok
    assert "hỏng" in report.summary()
    result = backup.restore_backup(copy, made, actor=SYSTEM)
    assert integrity_ok(copy) == (True, "ok")
    assert dump(copy) == expected  # every row back, every table
    audit_after = dump(copy, skip=())["audit_log"]
    assert audit_after[: len(audit_before)] == audit_before and audit_after[-1][3] == "restore"
    assert check_file(copy).ok
    # The damaged file itself was kept, byte for byte, as a copy for reference.
    assert result.before is not None and result.before.reason == "damaged"
    assert "hoàn tác" in result.undo_hint


def test_restore_backs_up_first_and_can_be_undone(demo_db, secretary):
    made = backup.create_backup(demo_db).info
    from handbook_desktop.store.models import Member

    with demo_db.session() as session:
        session.query(Member).filter(Member.id <= 10).update({Member.notes: "sửa sau sao lưu"})
    changed = dump(demo_db.file)
    result = backup.restore_backup(demo_db.file, made, actor=secretary, database=demo_db)
    with demo_db.read() as session:
        assert session.query(Member).filter(Member.notes == "sửa sau sao lưu").count() == 0
    undo = backup.find_backup(result.before.id)
    backup.restore_backup(demo_db.file, undo, actor=secretary, database=demo_db)
    assert dump(demo_db.file) == changed


def test_restore_needs_the_restore_right(demo_db):
    made = backup.create_backup(demo_db).info
    before = dump(demo_db.file, skip=())
    for role in ("deputy", "viewer"):
        with pytest.raises(PermissionDenied):
            backup.restore_backup(demo_db.file, made, actor=Actor("x", role), database=demo_db)
    assert dump(demo_db.file, skip=()) == before


def test_restore_refuses_while_another_instance_holds_the_database(demo_db):
    import subprocess
    import sys

    made = backup.create_backup(demo_db).info
    path = demo_db.file
    demo_db.close()
    before = dump(path, skip=())
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from handbook_desktop.store.lock import InstanceLock; "
                               "InstanceLock(__import__('pathlib').Path(sys.argv[1])).acquire(); "
                               "print('ok', flush=True); time.sleep(60)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(DatabaseLocked):
            backup.restore_backup(path, made, actor=SYSTEM)
    finally:
        holder.kill()
        holder.wait()
    assert dump(path, skip=()) == before


def test_older_schema_backup_is_migrated_on_restore(db):
    old = paths.backups_dir() / "handbook-20250101-080000-thu-cong.sqlite3"
    shutil.copyfile(FIXTURES / "schema_0001.db", old)
    info = backup.find_backup(old.stem)
    contents = backup.inspect_backup(info)
    assert contents.schema_state == "older" and contents.members == 40
    # The fixture is an old demo (CB-DEMO) restored over CB-TEST: another unit's data, confirmed.
    result = backup.restore_backup(db.file, info, actor=SYSTEM, database=db, other_unit_ok=True)
    assert result.migrated_from == "0001"
    with datakey.connect(db.file) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        assert connection.execute("SELECT COUNT(*) FROM member").fetchone()[0] == 40


def test_newer_schema_backup_is_refused_and_nothing_changes(db, tmp_path):
    newer = paths.backups_dir() / "handbook-20990101-080000-thu-cong.sqlite3"
    made = backup.create_backup(db).info
    shutil.copyfile(made.path, newer)
    with datakey.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = dump(db.file, skip=())
    info = backup.find_backup(newer.stem)
    assert backup.inspect_backup(info).schema_state == "newer"
    with pytest.raises(UserError, match="mới hơn"):
        backup.restore_backup(db.file, info, actor=SYSTEM, database=db)
    assert dump(db.file, skip=()) == before
    assert not list(db.file.parent.glob(".*khoi-phuc*"))


def test_cli_backup_create_list_verify_restore(demo_db, tmp_path, capsys):
    from handbook_desktop.cli import main

    path = str(demo_db.file)
    demo_db.close()
    count = members_in(Path(path))
    assert main(["--db", path, "backup", "create", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["counts"]["member"] == count and created["verified_ok"]
    assert main(["--db", path, "backup", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in listed] == [created["id"]]
    assert main(["--db", path, "backup", "verify", created["id"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verified_ok"] is True
    assert main(["--db", path, "backup", "restore", created["id"]]) == 1  # no --yes, no terminal
    assert "--yes" in capsys.readouterr().err
    assert main(["--db", path, "backup", "restore", created["id"], "--yes", "--json"]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["counts"]["member"] == count and restored["before"]
    assert main(["--db", path, "check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


@pytest.mark.postgres
def test_postgres_backup_with_pg_dump_and_restore(pg_url):
    from datetime import date as _date

    from sqlalchemy import text

    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain

    with Database.open(pg_url) as database:
        drain(generate(database, members=60, seed=5, today=_date(2026, 11, 15)))
        made = backup.create_backup(database, actor=SYSTEM).info
        assert made.backend == "postgresql" and made.path.name.endswith(".pgdump")
        with database.engine.connect() as connection:
            members = connection.execute(text("SELECT COUNT(*) FROM member")).scalar()
        assert made.verified_ok and made.counts["member"] == members >= 60
        assert backup.verify_backup(backup.find_backup(made.id)).verified_ok
        with database.engine.begin() as connection:
            connection.execute(text("DELETE FROM member_event"))
            connection.execute(text("UPDATE member SET notes = 'hỏng'"))
        result = backup.restore_backup(None, made, actor=SYSTEM, database=database)
        assert result.counts["member"] == members and result.counts["member_event"] == made.counts["member_event"]
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM member WHERE notes = 'hỏng'")).scalar() == 0
            assert connection.execute(text("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")).scalar() \
                == "restore"


def test_copies_made_by_the_importers_are_listed_with_their_reason(demo_db, tmp_path):
    from handbook_desktop.store.snapshot import snapshot

    snapshot(demo_db.file, paths.backups_dir() / "truoc-nhap-excel-20261101-101010.sqlite3")
    snapshot(demo_db.file, paths.backups_dir() / "handbook-truoc-nhap-goi-20261102-101010-123456.sqlite3")
    listed = {b.path.name: b for b in backup.backups_of(demo_db)}
    assert listed["truoc-nhap-excel-20261101-101010.sqlite3"].reason == "excel_import"
    assert listed["handbook-truoc-nhap-goi-20261102-101010-123456.sqlite3"].reason == "package_import"
    checked = backup.verify_backup(listed["truoc-nhap-excel-20261101-101010.sqlite3"])
    assert checked.verified_ok and checked.counts["member"] == members_in(demo_db.file)
    assert checked.manifest_path.exists()  # verified once, described from then on


def test_copies_to_the_usb_folder_are_encrypted_once_a_password_is_set(demo_db, secretary, tmp_path):
    from handbook_desktop.services.backup.create import set_second_folder_password

    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(PermissionDenied):
        set_second_folder_password(demo_db, Actor("pho", "deputy"), "mat-khau-usb")
    set_second_folder_password(demo_db, secretary, "mat-khau-usb")
    result = backup.create_backup(demo_db, second_folder=usb)
    copy = result.second_copy
    assert copy.name.endswith(".sqlite3.enc") and b"SQLite format 3" not in copy.read_bytes()
    on_usb = backup.list_backups(usb)[0]
    assert on_usb.encrypted and on_usb.counts == result.info.counts
    assert backup.verify_backup(on_usb, password="mat-khau-usb").verified_ok
    # Another PC: only the password is needed to bring the copy back.
    restored = backup.restore_backup(demo_db.file, on_usb, actor=secretary, password="mat-khau-usb",
                                     database=demo_db)
    assert restored.counts["member"] == result.info.counts["member"]
