"""Making backups: the online backup API, verified, with a manifest, rotated, copied to a second
folder (a USB stick) when one is set.

Automatic backups: the first start of each day, on exit, and before every migration (store.migrate),
import, restore or purge (``safety_backup``). Rotation keeps 7 daily, 4 weekly and 12 monthly copies
of the automatic ones; copies made before an operation are kept 30 days (and at least the last 10);
copies the user asked for are never removed automatically.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from handbook_desktop import __version__, paths
from handbook_desktop.services.backup.archive import (
    REASONS,
    BackupInfo,
    backup_id,
    fsync_dir,
    list_backups,
    manifest_path_for,
    sha256_file,
    sqlite_contents,
    write_manifest,
)
from handbook_desktop.services.errors import UserError
from handbook_desktop.store.snapshot import SnapshotError, snapshot

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
KEEP_BEFORE_OPERATION_DAYS = 30
KEEP_BEFORE_OPERATION_MIN = 10
ROTATED = {"daily", "exit"}
BEFORE_OPERATION = {"migration", "encryption", "excel_import", "package_import", "restore", "purge", "damaged"}

SECOND_FOLDER_SETTING = "backup_second_folder"
SECOND_FOLDER_KEY_SETTING = "backup_second_folder_key"  # copies leaving the PC are encrypted with it
LAST_DAILY_SETTING = "backup_last_daily"


@dataclass
class BackupResult:
    info: BackupInfo
    warnings: list[str] = field(default_factory=list)
    second_copy: Path | None = None
    removed: list[str] = field(default_factory=list)


def database_stem(database) -> str:
    """What this database's backups are named after: its file's stem, or a PostgreSQL database's name."""
    if database.file is not None:
        return database.file.stem
    return database.engine.url.database or "postgresql"


def backup_path(folder: Path, stem: str, reason: str, suffix: str, now: datetime) -> Path:
    """A name not taken in ``folder`` (nor by a manifest): the database's stem, the local time and the
    reason's word, numbered when two are made in the same second."""
    slug = REASONS[reason][0]
    base = f"{stem}-{now.astimezone().strftime('%Y%m%d-%H%M%S')}-{slug}"
    candidate = folder / (base + suffix)
    number = 2
    while candidate.exists() or manifest_path_for(candidate).exists():
        candidate = folder / (f"{base}-{number}" + suffix)
        number += 1
    return candidate


def create_backup(database, *, reason: str = "manual", password: str | None = None, actor=None,
                  folder: Path | None = None, now: datetime | None = None,
                  second_folder: Path | str | None = "setting") -> BackupResult:
    """Back up ``database`` now, verify the copy, write its manifest, copy to the second folder,
    rotate. ``actor`` is checked and audited for backups a person asked for."""
    if reason not in REASONS:
        raise ValueError(reason)
    if actor is not None:
        actor.require("write")
    now = now or datetime.now(timezone.utc)
    folder = Path(folder) if folder else paths.backups_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=paths.PRIVATE_DIR)
    if database.is_sqlite:
        info = _create_sqlite(database, folder, reason, password, now)
    else:
        from handbook_desktop.services.backup.postgres import create_dump

        info = create_dump(database, backup_path(folder, database_stem(database), reason, ".pgdump", now), reason, now)
    write_manifest(info)
    for private in (info.path, info.manifest_path):  # every copy holds everyone's records: owner only
        paths.make_private(private)
    fsync_dir(folder)
    result = BackupResult(info)
    log.info("backup %s (%s, %d bytes)", info.id, reason, info.size)
    if second_folder == "setting":
        second_folder = configured_second_folder(database)
    if second_folder:
        copy, warning = copy_to_second_folder(info, Path(second_folder), key=second_folder_key(database))
        result.second_copy = copy
        if warning:
            result.warnings.append(warning)
    result.removed = rotate(folder, stem=database_stem(database), now=now)
    if actor is not None and not database.readonly:
        from handbook_desktop.services.audit import record

        with database.session() as session:
            record(session, actor, "backup", entity="backup", detail={"file": info.path.name, "reason": reason})
    return result


def _create_sqlite(database, folder: Path, reason: str, password: str | None, now: datetime) -> BackupInfo:
    source = database.file
    if source is None or not source.exists():
        raise UserError("Không tìm thấy tệp cơ sở dữ liệu để sao lưu.")
    suffix = ".sqlite3.enc" if password else ".sqlite3"
    target = backup_path(folder, source.stem, reason, suffix, now)
    try:
        if password:
            from handbook_desktop.services.backup.crypto import encrypt_file

            # The clear copy lives beside the database (same protection), never in the backups folder.
            plain = source.with_name(f".{target.name}.tmp")
            try:
                counts = snapshot(source, plain)
                revision, _, unit = sqlite_contents(plain)
                encrypt_file(plain, target, password)
            finally:
                plain.unlink(missing_ok=True)
        else:
            counts = snapshot(source, target)
            revision, _, unit = sqlite_contents(target)
    except SnapshotError as error:
        raise UserError(f"Sao lưu không thành công: {error}") from error
    except OSError as error:
        raise UserError(f"Không ghi được bản sao lưu vào '{folder}': {error.strerror or error}.") from error
    info = BackupInfo(
        id=backup_id(target), path=target, reason=reason, created_at=now, size=target.stat().st_size,
        encrypted=bool(password), schema_version=revision, app_version=__version__, source_name=source.name,
        unit_code=unit, counts=counts, sha256=sha256_file(target), **key_fields(source),
    )
    if password:
        from handbook_desktop.services.backup.verify import verify_backup

        verify_backup(info, password=password, save=False)
        if not info.verified_ok:
            target.unlink(missing_ok=True)
            raise UserError(f"Bản sao lưu mã hóa không kiểm tra được: {info.verify_message}")
    else:
        # snapshot() has just opened the copy read-only, run integrity_check and compared counts.
        info.verified_at = now
        info.verified_ok = True
        info.verify_message = "Tốt: toàn vẹn, số dòng khớp."
    return info


def key_fields(database_file: Path) -> dict:
    """The manifest's ``key_id`` and ``keys`` for a copy of ``database_file`` (none when it is plain)."""
    from handbook_desktop.store import datakey

    if not datakey.is_encrypted(database_file):
        return {}
    ring = datakey.load_keyring(database_file)
    return {"key_id": (ring or {}).get("key_id"), "keys": datakey.portable(ring)}


def configured_second_folder(database) -> str | None:
    if database.readonly and database.file is None:
        return None
    from handbook_desktop.services.settings import get_setting

    try:
        with database.read() as session:
            return get_setting(session, SECOND_FOLDER_SETTING) or None
    except Exception:  # noqa: BLE001 - a damaged settings table must not stop the main backup
        log.warning("could not read the second backup folder setting", exc_info=True)
        return None


def second_folder_key(database) -> dict | None:
    from handbook_desktop.services.settings import get_setting

    try:
        with database.read() as session:
            return get_setting(session, SECOND_FOLDER_KEY_SETTING) or None
    except Exception:  # noqa: BLE001
        return None


def set_second_folder_password(database, actor, password: str | None) -> None:
    """Encrypt every copy made to the second folder from now on with this password (None: stop)."""
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.backup.crypto import new_key
    from handbook_desktop.services.settings import set_setting

    actor.require("settings")
    if password is not None and len(password) < 8:
        raise UserError("Mật khẩu sao lưu cần ít nhất 8 ký tự.")
    key = new_key(password) if password else None
    with database.session() as session:
        set_setting(session, SECOND_FOLDER_KEY_SETTING, key)
        record(session, actor, "setting", entity="setting", field=SECOND_FOLDER_KEY_SETTING,
               new="mã hóa" if key else "không mã hóa")


def second_folder_warning(folder: str | None) -> str | None:
    if folder and not Path(folder).is_dir():
        return (f"Không thấy thư mục sao lưu thứ hai '{folder}' (USB chưa cắm?). "
                "Bản sao vẫn được lưu trên máy này; hãy cắm USB và sao lưu lại.")
    return None


def copy_to_second_folder(info: BackupInfo, folder: Path, *, key: dict | None = None) -> tuple[Path | None, str | None]:
    """Copy a backup to the second folder, checked byte for byte; sealed with ``key`` when the
    copy is still in clear (a USB stick leaves the office)."""
    warning = second_folder_warning(str(folder))
    if warning:
        return None, warning
    seal = key is not None and not info.encrypted and info.backend == "sqlite"
    target = folder / (info.id + ".sqlite3.enc" if seal else info.path.name)
    partial = target.with_name(target.name + ".partial")
    try:
        if seal:
            from handbook_desktop.services.backup.crypto import encrypt_file

            encrypt_file(info.path, target, key=key)
            copied = BackupInfo(**{**info.__dict__, "path": target, "encrypted": True, "size": target.stat().st_size,
                                   "sha256": sha256_file(target)})
            write_manifest(copied)
            fsync_dir(folder)
        else:
            shutil.copyfile(info.path, partial)
            if sha256_file(partial) != (info.sha256 or sha256_file(info.path)):
                partial.unlink(missing_ok=True)
                return None, f"Bản sao sang '{folder}' bị lỗi khi ghi (không khớp); hãy thử lại hoặc đổi USB."
            with open(partial, "rb+") as handle:
                import os

                os.fsync(handle.fileno())
            partial.replace(target)
            shutil.copyfile(info.manifest_path, manifest_path_for(target))
            paths.make_private(target)
            paths.make_private(manifest_path_for(target))
    except OSError as error:
        partial.unlink(missing_ok=True)
        return None, f"Không chép được bản sao sang '{folder}': {error.strerror or error}."
    rotate(folder, stem=(info.source_name or "").rsplit(".", 1)[0] or None)
    return target, None


def rotate(folder: Path, *, stem: str | None = None, now: datetime | None = None) -> list[str]:
    """Remove old automatic backups beyond 7 daily / 4 weekly / 12 monthly; returns removed ids."""
    now = now or datetime.now(timezone.utc)
    backups = list_backups(folder, source_stem=stem)
    keep: set[str] = set()
    automatic = [b for b in backups if b.reason in ROTATED]  # newest first
    for key, limit in ((lambda d: d.date(), KEEP_DAILY),
                       (lambda d: tuple(d.isocalendar())[:2], KEEP_WEEKLY),
                       (lambda d: (d.year, d.month), KEEP_MONTHLY)):
        seen = []
        for backup in automatic:
            bucket = key(backup.created_at.astimezone())
            if bucket in seen:
                continue
            seen.append(bucket)
            if len(seen) > limit:
                break
            keep.add(backup.id)
    operations = [b for b in backups if b.reason in BEFORE_OPERATION]
    for index, backup in enumerate(operations):
        if index < KEEP_BEFORE_OPERATION_MIN or now - backup.created_at < timedelta(days=KEEP_BEFORE_OPERATION_DAYS):
            keep.add(backup.id)
    removed = []
    for backup in backups:
        if backup.reason not in ROTATED and backup.reason not in BEFORE_OPERATION:
            continue  # made on request: the user decides
        if backup.id in keep:
            continue
        try:
            backup.path.unlink(missing_ok=True)
            backup.manifest_path.unlink(missing_ok=True)
            removed.append(backup.id)
        except OSError:
            log.warning("could not remove old backup %s", backup.id)
    return removed


def safety_backup(database, reason: str) -> BackupInfo | None:
    """The verified copy taken before an import, a restore or a purge. Raises UserError if it
    cannot be made: the operation must not go ahead without it."""
    if database.readonly:
        return None
    return create_backup(database, reason=reason).info


def backup_if_due(database, *, today: date | None = None, now: datetime | None = None) -> BackupResult | None:
    """The first start of each day: one automatic backup (once per calendar day)."""
    if database.readonly:
        return None
    today = today or date.today()
    from handbook_desktop.services.settings import get_setting, set_setting

    with database.read() as session:
        last = get_setting(session, LAST_DAILY_SETTING)
    if last == today.isoformat():
        return None
    result = create_backup(database, reason="daily", now=now)
    with database.session() as session:
        set_setting(session, LAST_DAILY_SETTING, today.isoformat())
    return result


def backup_on_exit(database) -> BackupResult | None:
    if database.readonly:
        return None
    try:
        return create_backup(database, reason="exit")
    except UserError:
        log.warning("backup on exit failed", exc_info=True)
        return None
