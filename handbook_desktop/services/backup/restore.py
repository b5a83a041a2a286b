"""Restore a backup without ever making things worse.

Order: read what the backup holds → refuse a newer schema → take the instance lock → back up the
current file (a damaged one is copied byte for byte) → build the restored database in a temporary
file beside the live one (decrypt, integrity check, migrate an older schema, record the restore in
its audit log, verify) → fold the live WAL into its file → one atomic rename over the live file →
verify. A process killed at any point leaves either the old database or the restored one, whole.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from handbook_desktop import paths
from handbook_desktop.services.backup.archive import (
    BackupInfo,
    fsync_dir,
    manifest_path_for,
    plain_copy,
    revision_of,
    sha256_file,
    sqlite_contents,
    write_manifest,
)
from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.snapshot import integrity_ok, table_counts

log = logging.getLogger(__name__)


@dataclass
class BackupContents:
    info: BackupInfo
    schema_version: str | None
    schema_state: str  # "same" | "older" | "newer" | "unknown"
    counts: dict[str, int]
    unit_code: str | None

    @property
    def members(self) -> int:
        return self.counts.get("member", 0)


@dataclass
class RestoreResult:
    backup: BackupInfo
    before: BackupInfo | None
    counts: dict[str, int]
    migrated_from: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def undo_hint(self) -> str:
        if self.before is None:
            return "Không có dữ liệu cũ để hoàn tác."
        return (f"Muốn hoàn tác, hãy khôi phục bản sao '{self.before.id}' "
                "(được tạo ngay trước khi khôi phục).")


def _pause(step: str) -> None:
    # Crash-safety tests kill the process at a named step of the restore.
    wanted = os.environ.get("HANDBOOK_TEST_RESTORE_PAUSE")
    if not wanted:
        return
    name, _, seconds = wanted.partition(":")
    if name == step:
        marker = os.environ.get("HANDBOOK_TEST_RESTORE_MARKER")
        if marker:
            Path(marker).write_text(step, encoding="utf-8")
        time.sleep(float(seconds or 30))


def schema_state(revision: str | None) -> str:
    """A backup's schema against this program's: "same", "older" (migrated when restored), "newer" (refused)
    or "unknown" (not a schema of this program's)."""
    from handbook_desktop.store.migrate import head_revision, known_revisions

    if revision is None:
        return "unknown"
    if revision == head_revision():
        return "same"
    if revision in known_revisions():
        return "older"
    return "newer"


def newer_schema_message(revision: str | None) -> str:
    return (f"Bản sao lưu được tạo bởi phiên bản chương trình mới hơn (phiên bản dữ liệu {revision}); "
            "không khôi phục để tránh mất dữ liệu. Hãy cài phiên bản mới nhất của Sổ tay Chi bộ rồi thử lại.")


def inspect_backup(info: BackupInfo, *, password: str | None = None) -> BackupContents:
    """What the backup holds, read from the backup itself (not only its manifest)."""
    if info.backend == "postgresql":
        return BackupContents(info, info.schema_version, schema_state(info.schema_version), info.counts,
                              info.unit_code)
    plain, temporary = plain_copy(info, password, paths.backups_dir())
    try:
        ok, message = integrity_ok(plain)
        if not ok:
            raise UserError(f"Bản sao lưu '{info.id}' bị hỏng ({message[:120]}); hãy chọn bản khác.")
        revision, counts, unit = sqlite_contents(plain)
    except datakey.database_errors() as error:
        raise UserError(f"Bản sao lưu '{info.id}' không đọc được: {error}.") from error
    finally:
        if temporary:
            plain.unlink(missing_ok=True)
    return BackupContents(info, revision, schema_state(revision), counts, unit)


def _copy_damaged(target: Path, now: datetime) -> BackupInfo:
    """The current file cannot be backed up through SQLite: keep its bytes (and its WAL) as they are."""
    folder = paths.backups_dir()
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    copy = folder / f"{target.stem}-{stamp}-ban-hong.sqlite3"
    number = 2
    while copy.exists():
        copy = folder / f"{target.stem}-{stamp}-ban-hong-{number}.sqlite3"
        number += 1
    shutil.copyfile(target, copy)
    for extra in ("-wal",):
        side = target.with_name(target.name + extra)
        if side.exists() and side.stat().st_size:
            shutil.copyfile(side, copy.with_name(copy.name + extra))
    info = BackupInfo(id=copy.name[: -len(".sqlite3")], path=copy, reason="damaged", created_at=now,
                      size=copy.stat().st_size, encrypted=False, source_name=target.name,
                      sha256=sha256_file(copy), verified_at=now, verified_ok=False,
                      verify_message="Bản sao nguyên trạng của tệp hỏng, chỉ để tra cứu.")
    write_manifest(info)
    return info


def _backup_current(target: Path, now: datetime) -> BackupInfo | None:
    if not target.exists() or target.stat().st_size == 0:
        return None
    from handbook_desktop.services.backup.create import backup_path
    from handbook_desktop.store.snapshot import SnapshotError, snapshot

    folder = paths.backups_dir()
    copy = backup_path(folder, target.stem, "restore", ".sqlite3", now)
    try:
        ok, _message = integrity_ok(target)
        if not ok:
            raise SnapshotError("damaged")
        counts = snapshot(target, copy)
        revision, _, unit = sqlite_contents(copy)
    except (SnapshotError, datakey.KeyNeeded, *datakey.database_errors()):
        log.warning("current database is damaged; keeping a raw copy before restoring")
        return _copy_damaged(target, now)
    from handbook_desktop import __version__

    from handbook_desktop.services.backup.create import key_fields

    info = BackupInfo(id=copy.name[: -len(".sqlite3")], path=copy, reason="restore", created_at=now,
                      size=copy.stat().st_size, encrypted=False, schema_version=revision, app_version=__version__,
                      source_name=target.name, unit_code=unit, counts=counts, sha256=sha256_file(copy),
                      verified_at=now, verified_ok=True, verify_message="Tốt: toàn vẹn, số dòng khớp.",
                      **key_fields(target))
    write_manifest(info)
    return info


def _target_key(target: Path) -> bytes | None:
    """The key the restored file gets: the live file's (the window's connections keep working), a new
    one when the live file is plain or missing (restored files are encrypted too), none without SQLCipher."""
    if datakey.is_encrypted(target):
        key = datakey.key_for_file(target)
        if key is None:
            raise datakey.KeyNeeded(target)
        return key
    if not datakey.cipher_available():
        return None
    key = datakey.new_key()
    datakey.remember(key)
    return key


def _encrypt_work(work: Path, key: bytes | None) -> bool:
    """Put ``work`` under ``key``: a plain backup exported, another database's key changed (rekey).
    Returns True when the backup was plain (its password digests were in clear: legacy)."""
    if key is None:
        return False
    if datakey.file_state(work) == "plain":
        from handbook_desktop.services.encryption import check_copy, export_encrypted

        with closing(datakey.connect(work, readonly=True)) as connection:
            counts = table_counts(connection)
        staged = work.with_name(work.name + "-ma-hoa")
        try:
            export_encrypted(work, staged, key)
            check_copy(staged, key, counts)
            os.replace(staged, work)
        finally:
            staged.unlink(missing_ok=True)
            Path(str(staged) + "-journal").unlink(missing_ok=True)
        return True
    if datakey.key_for_file(work) != key:
        with closing(datakey.connect(work)) as connection:
            connection.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"")
    return False


def _users_of(file: Path, key: bytes):
    from types import SimpleNamespace

    with closing(datakey.connect(file, readonly=True, key=key)) as connection:
        rows = connection.execute("SELECT username, role, active, password_hash, recovery_hash FROM app_user").fetchall()
    return [SimpleNamespace(username=r[0], role=r[1], active=bool(r[2]), password_hash=r[3], recovery_hash=r[4])
            for r in rows]


def _prepare(info: BackupInfo, password: str | None, work: Path, actor, before: BackupInfo | None,
             key: bytes | None = None, target: Path | None = None) -> tuple[dict, str | None]:
    """Build the restored database in ``work``: returns its row counts and the revision it was migrated from."""
    from handbook_desktop.services.access import backup_key
    from handbook_desktop.services.backup.crypto import decrypt_file, is_encrypted

    work.unlink(missing_ok=True)
    backup_key(info, password)
    if is_encrypted(info.path):
        if not password:
            raise UserError("Bản sao lưu này được mã hóa: cần mật khẩu sao lưu.")
        decrypt_file(info.path, work, password)
    else:
        shutil.copyfile(info.path, work)
    if datakey.is_encrypted(work) and datakey.key_for_file(work) is None:
        raise datakey.KeyNeeded(info.path)
    legacy = _encrypt_work(work, key)
    ok, message = integrity_ok(work)
    if not ok:
        raise UserError(f"Bản sao lưu bị hỏng ({message[:120]}); không khôi phục, dữ liệu hiện tại giữ nguyên.")
    revision = revision_of(work)
    state = schema_state(revision)
    if state == "newer":
        raise UserError(newer_schema_message(revision))
    if state == "unknown":
        raise UserError("Tệp này không phải bản sao lưu của Sổ tay Chi bộ; không khôi phục.")
    _, counts_in_backup, _ = sqlite_contents(work)
    from handbook_desktop.services.audit import record
    from handbook_desktop.store.database import Database

    # Opening migrates an older schema (inside one transaction); no pre-migration copy is needed
    # of a temporary file, and no lock (the live file's lock is held by the caller).
    staged = Database.open(work, lock=False, migrate=False)
    try:
        from handbook_desktop.store.migrate import upgrade

        migrated_from = revision if state == "older" else None
        if migrated_from:
            upgrade(staged.engine, database_file=None)
        with staged.session() as session:
            record(session, actor, "restore", entity="backup",
                   detail={"backup": info.id, "created_at": info.created_at.isoformat(),
                           "before": before.id if before else None, "migrated_from": migrated_from})
    finally:
        staged.close()
    with closing(datakey.connect(work, key=key)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    work.with_name(work.name + "-wal").unlink(missing_ok=True)
    work.with_name(work.name + "-shm").unlink(missing_ok=True)
    ok, message = integrity_ok(work)
    if not ok:
        raise UserError(f"Dữ liệu khôi phục không qua kiểm tra toàn vẹn ({message[:120]}); dữ liệu hiện tại giữ nguyên.")
    with closing(datakey.connect(work, readonly=True, key=key)) as connection:
        counts = table_counts(connection)
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise UserError("Bản sao lưu có liên kết dữ liệu bị đứt; không khôi phục, dữ liệu hiện tại giữ nguyên.")
    for table, count in counts_in_backup.items():
        expected = count + (1 if table == "audit_log" else 0)
        if table != "alembic_version" and counts.get(table) != expected:
            raise UserError("Dữ liệu khôi phục không khớp số dòng với bản sao lưu; dữ liệu hiện tại giữ nguyên.")
    with open(work, "rb+") as handle:
        os.fsync(handle.fileno())
    if key is not None and target is not None:  # the backup's accounts open the restored file: keyring before the swap
        marked = None
        if legacy:
            users = _users_of(work, key)
            marked = {*("account:" + u.username for u in users), *("recovery:" + u.username for u in users)}
        datakey.refresh(target, key, _users_of(work, key), keep_old=True, legacy=marked)
    return counts, migrated_from


def _fold_wal(target: Path) -> None:
    """Bring everything in the live WAL into the main file, so the WAL can go before the rename
    (a leftover WAL would be replayed onto the restored file and ruin it)."""
    wal = target.with_name(target.name + "-wal")
    shm = target.with_name(target.name + "-shm")
    if target.exists():
        try:
            with closing(datakey.connect(target, timeout=10)) as connection:
                busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise UserError("Cơ sở dữ liệu đang bận; hãy đóng các cửa sổ khác rồi khôi phục lại.")
        except (datakey.KeyNeeded, *datakey.database_errors()):
            pass  # a damaged file: its raw copy (with the WAL) is already in the backups folder
    if wal.exists() and wal.stat().st_size:
        # Never delete what could hold data: set the unfolded WAL aside.
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        wal.replace(paths.backups_dir() / f"{target.stem}-{stamp}-wal-truoc-khoi-phuc.bin")
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)


def home_unit_code(sqlite_file: Path) -> str | None:
    """The unit a SQLite database belongs to, read without opening it for the program (it may be
    damaged, or another version's): ``None`` when it cannot be told."""
    try:
        with closing(datakey.connect(sqlite_file, readonly=True)) as connection:
            row = connection.execute("SELECT code FROM unit WHERE is_home = 1").fetchone()
    except (datakey.KeyNeeded, *datakey.database_errors()):
        return None
    return row[0] if row else None


def other_unit_message(backup_unit: str, current_unit: str) -> str:
    return (f"Bản sao này là dữ liệu của đơn vị {backup_unit}, không phải của đơn vị đang dùng ({current_unit}): "
            f"khôi phục sẽ thay toàn bộ dữ liệu của {current_unit} bằng dữ liệu của {backup_unit}.")


def other_unit(info: BackupInfo, target, unit_code: str | None = None) -> str | None:
    """The message when ``info`` belongs to another unit than the database ``target``, else ``None``."""
    backup_unit = unit_code or info.unit_code
    if backup_unit is None and not info.encrypted and info.path.exists():  # a copy without its manifest
        backup_unit = home_unit_code(info.path)
    current = home_unit_code(Path(target)) if target is not None and Path(target).exists() else None
    if backup_unit and current and backup_unit != current:
        return other_unit_message(backup_unit, current)
    return None


class OtherUnitBackup(UserError):
    pass


def restore_dump(database, info: BackupInfo, *, actor) -> RestoreResult:
    """Replace a PostgreSQL database's content with the dump (pg_restore in one transaction, all or
    nothing), after a backup of what it holds now; an older schema is migrated after."""
    actor.require("restore")
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.backup.create import create_backup
    from handbook_desktop.services.backup.postgres import restore_into, row_counts, verify_dump

    if schema_state(info.schema_version) == "newer":
        raise UserError(newer_schema_message(info.schema_version))
    ok, message = verify_dump(info)
    if not ok:
        raise UserError(f"Bản sao lưu bị hỏng ({message}); không khôi phục.")
    before = create_backup(database, reason="restore", second_folder=None).info
    engine = database.engine
    restore_into(database, info, actor=actor)
    from handbook_desktop.store.migrate import upgrade

    migrated = upgrade(engine, database_file=None)
    with database.session() as session:
        record(session, actor, "restore", entity="backup",
               detail={"backup": info.id, "before": before.id, "migrated_from": migrated.before
                       if migrated.before != migrated.after else None})
    counts = row_counts(engine)
    return RestoreResult(info, before, counts, migrated.before if migrated.before != migrated.after else None)


def restore_backup(target, info: BackupInfo, *, actor, password: str | None = None,
                   database=None, other_unit_ok: bool = False) -> RestoreResult:
    """Restore ``info`` over the SQLite file ``target`` (a path). Pass the open ``database`` when
    the window holds it: its instance lock is used and its connections are closed first.
    A backup of another unit is refused unless the user confirmed it (``other_unit_ok``)."""
    actor.require("restore")
    if info.backend != "postgresql":
        warning = other_unit(info, target)
        if warning and not other_unit_ok:
            raise OtherUnitBackup(warning + " Chưa khôi phục: hãy xác nhận nếu chắc chắn.")
        if warning:
            log.warning("restoring another unit's backup %s (%s) over %s", info.id, info.unit_code, Path(target).name)
    if info.backend == "postgresql":
        if database is None:
            raise UserError("Khôi phục PostgreSQL cần kết nối tới cơ sở dữ liệu.")
        return restore_dump(database, info, actor=actor)
    target = Path(target)
    contents_state = schema_state(info.schema_version) if info.schema_version else None
    if contents_state == "newer":
        raise UserError(newer_schema_message(info.schema_version))
    from handbook_desktop.store.lock import InstanceLock

    lock = None
    if database is None or database.lock is None or not database.lock.held:
        lock = InstanceLock(target)
        lock.acquire()
    try:
        if database is not None:
            database.engine.dispose()
        cleanup_interrupted(target)  # a temporary file left by a restore that was killed
        now = datetime.now(timezone.utc)
        _pause("before_backup")
        before = _backup_current(target, now)
        work = target.with_name(f".{target.name}.khoi-phuc")
        key = _target_key(target)
        try:
            counts, migrated_from = _prepare(info, password, work, actor, before, key, target)
            _pause("before_swap")
            _fold_wal(target)
            _pause("before_replace")
            os.replace(work, target)
            fsync_dir(target.parent)
        except BaseException:
            if work.exists():
                work.unlink(missing_ok=True)
            raise
        _pause("after_replace")
        if key is not None:
            datakey.refresh(target, key, _users_of(target, key))  # exactly the restored accounts now
            if database is not None and database.key != key:
                from handbook_desktop.store.engine import make_engine

                database.use_engine(make_engine(database.url, key=key), key)
        ok, message = integrity_ok(target)
        if not ok:  # cannot happen short of a failing disk; the previous state is in `before`
            raise UserError(f"Sau khi khôi phục, tệp không qua kiểm tra toàn vẹn ({message[:120]}). "
                            + (f"Dữ liệu trước đó ở bản sao '{before.id}'." if before else ""))
    finally:
        if lock is not None:
            lock.release()
    log.info("restored backup %s over %s", info.id, target.name)
    return RestoreResult(info, before, counts, migrated_from)


def cleanup_interrupted(target: Path) -> None:
    """A restore killed before its rename leaves a temporary file: remove it (it is a copy)."""
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(target).with_name(f".{Path(target).name}.khoi-phuc{extra}").unlink(missing_ok=True)


__all__ = ["BackupContents", "RestoreResult", "inspect_backup", "restore_backup", "manifest_path_for"]
