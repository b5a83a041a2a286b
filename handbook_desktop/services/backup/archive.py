"""Backup files and their manifests: names, reasons, listing (verification is in ``verify``).

A backup is one data file (``.sqlite3``, ``.sqlite3.enc`` or ``.pgdump``) and beside it a
manifest ``<id>.manifest.json``: when, why, size, SHA-256, schema version, row counts and the
last verification. The manifest holds no personal data (counts only), so a list of backups can
be shown without opening any of them. The copy of an encrypted database is encrypted under the
same data key (store.datakey): its manifest names the key (``key_id``) and carries the keyring's
wraps (``keys``), so that it can be restored on another PC with the password of one of its
accounts or its recovery code. Copies made by ``store.migrate`` before an upgrade have
no manifest yet; they are listed too and get one when verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from handbook_desktop import paths
from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.snapshot import table_counts

FORMAT = "handbook-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
DATA_SUFFIXES = (".sqlite3.enc", ".sqlite3", ".pgdump")

# reason code -> (slug in the file name, what the secretary reads)
REASONS = {
    "daily": ("hang-ngay", "Tự động đầu ngày"),
    "exit": ("khi-dong", "Tự động khi đóng chương trình"),
    "manual": ("thu-cong", "Tạo theo yêu cầu"),
    "migration": ("truoc-nang-cap", "Trước khi nâng cấp dữ liệu"),
    "encryption": ("truoc-ma-hoa", "Trước khi mã hóa dữ liệu"),
    "excel_import": ("truoc-nhap-excel", "Trước khi nhập Excel"),
    "package_import": ("truoc-nhap-goi", "Trước khi nhập gói đồng bộ"),
    "restore": ("truoc-khoi-phuc", "Trước khi khôi phục"),
    "purge": ("truoc-xoa-han", "Trước khi xóa hẳn dữ liệu"),
    "damaged": ("ban-hong", "Bản sao tệp hỏng (giữ để tra cứu)"),
}
_SLUG_TO_REASON = {slug: code for code, (slug, _label) in REASONS.items()}
_STAMP = re.compile(r"(\d{8}-\d{6})")


def reason_label(reason: str) -> str:
    return REASONS.get(reason, ("", reason))[1]


@dataclass
class BackupInfo:
    id: str
    path: Path
    reason: str
    created_at: datetime
    size: int
    encrypted: bool
    backend: str = "sqlite"
    schema_version: str | None = None
    app_version: str | None = None
    source_name: str | None = None
    unit_code: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str | None = None
    verified_at: datetime | None = None
    verified_ok: bool | None = None
    verify_message: str | None = None
    has_manifest: bool = True
    key_id: str | None = None  # the data key of an encrypted database (store.datakey), by its id
    keys: dict | None = None  # its wraps (accounts, recovery codes): restorable elsewhere

    @property
    def manifest_path(self) -> Path:
        return manifest_path_for(self.path)

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    @property
    def members(self) -> int | None:
        return self.counts.get("member") if self.counts else None

    def to_json(self) -> dict:
        data = asdict(self)
        data["path"] = str(self.path)
        data["created_at"] = self.created_at.isoformat()
        data["verified_at"] = self.verified_at.isoformat() if self.verified_at else None
        data.pop("has_manifest", None)
        return data


def backup_id(path: Path) -> str:
    name = path.name
    for suffix in DATA_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def manifest_path_for(data_path: Path) -> Path:
    return data_path.with_name(backup_id(data_path) + MANIFEST_SUFFIX)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, data: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def write_manifest(info: BackupInfo) -> None:
    data = info.to_json()
    data["format"] = FORMAT
    data["file"] = info.path.name
    data.pop("path")
    write_json_atomic(info.manifest_path, data)
    info.has_manifest = True


def _guess(path: Path) -> BackupInfo:
    """What a file without manifest (a pre-migration copy, a copy made by hand) can tell."""
    name = path.name
    reason = "manual"
    for slug, code in _SLUG_TO_REASON.items():
        if f"-{slug}-" in name or name.startswith(f"{slug}-") or name.endswith(f"-{slug}"):
            reason = code
            break
    stamp = _STAMP.search(name)
    stat = path.stat()
    if stamp:
        created = datetime.strptime(stamp.group(1), "%Y%m%d-%H%M%S").astimezone(timezone.utc)
    else:
        created = datetime.fromtimestamp(stat.st_mtime, timezone.utc)
    backend = "postgresql" if name.endswith(".pgdump") else "sqlite"
    return BackupInfo(backup_id(path), path, reason, created, stat.st_size, name.endswith(".enc"),
                      backend=backend, has_manifest=False)


def read_backup(path: Path) -> BackupInfo:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Không tìm thấy bản sao lưu '{path}'.")
    manifest = manifest_path_for(path)
    if not manifest.exists():
        return _guess(path)
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return BackupInfo(
            id=backup_id(path), path=path, reason=data.get("reason", "manual"),
            created_at=_parse_time(data.get("created_at")) or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc),
            size=path.stat().st_size, encrypted=bool(data.get("encrypted")), backend=data.get("backend", "sqlite"),
            schema_version=data.get("schema_version"), app_version=data.get("app_version"),
            source_name=data.get("source_name"), unit_code=data.get("unit_code"),
            counts={str(k): int(v) for k, v in (data.get("counts") or {}).items()},
            sha256=data.get("sha256"), verified_at=_parse_time(data.get("verified_at")),
            verified_ok=data.get("verified_ok"), verify_message=data.get("verify_message"),
            key_id=data.get("key_id"), keys=data.get("keys") if isinstance(data.get("keys"), dict) else None,
        )
    except (ValueError, TypeError, AttributeError):
        info = _guess(path)
        info.verify_message = "Tệp mô tả (manifest) bị hỏng."
        return info


def list_backups(folder: Path | None = None, *, source_stem: str | None = None) -> list[BackupInfo]:
    """Backups in ``folder`` (default: the backups folder), newest first; only those of one
    database when ``source_stem`` is given (files are named after the database file)."""
    folder = Path(folder) if folder else paths.backups_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if not path.is_file() or not path.name.endswith(DATA_SUFFIXES):
            continue
        # Copies named only after their reason ("truoc-nhap-excel-…", made by an importer) belong
        # to whichever database the user has open: they are listed with each.
        if source_stem and not path.name.startswith(source_stem + "-") and \
                not any(path.name.startswith(slug + "-") for slug, _label in REASONS.values()):
            continue
        try:
            found.append(read_backup(path))
        except (OSError, UserError):
            continue
    return sorted(found, key=lambda info: (info.created_at, info.id), reverse=True)


def find_backup(reference: str, *, folder: Path | None = None) -> BackupInfo:
    """A backup by path, or by id (its file name without extension) in the backups folder."""
    candidate = Path(reference)
    if candidate.is_file():
        return read_backup(candidate)
    for info in list_backups(folder):
        if info.id == reference or info.path.name == reference:
            return info
    raise UserError(f"Không tìm thấy bản sao lưu '{reference}'. Xem danh sách bằng 'backup list'.")


def revision_of(sqlite_file: Path) -> str | None:
    try:
        with closing(datakey.connect(sqlite_file, readonly=True)) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except (datakey.KeyNeeded, *datakey.database_errors()):
        return None
    return row[0] if row else None


def sqlite_contents(sqlite_file: Path) -> tuple[str | None, dict[str, int], str | None]:
    """(schema revision, row counts, home unit code) of a SQLite backup (keyed when encrypted)."""
    with closing(datakey.connect(sqlite_file, readonly=True)) as connection:
        counts = table_counts(connection)
        revision = None
        unit = None
        if "alembic_version" in counts:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        if "unit" in counts:
            row = connection.execute("SELECT code FROM unit WHERE is_home = 1").fetchone()
            unit = row[0] if row else None
    return revision, counts, unit


def plain_copy(info: BackupInfo, password: str | None, folder: Path) -> tuple[Path, bool]:
    """A plain SQLite file with the backup's content: the backup itself, or a decrypted temporary
    copy in ``folder`` (returned with True: the caller deletes it)."""
    from handbook_desktop.services.access import backup_key
    from handbook_desktop.services.backup.crypto import decrypt_file, is_encrypted

    backup_key(info, password)  # a backup of another database: its own key, opened with the password
    if not is_encrypted(info.path):
        return info.path, False
    if not password:
        raise UserError("Bản sao lưu này được mã hóa: cần mật khẩu sao lưu.")
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".giai-ma-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    decrypt_file(info.path, Path(name), password)
    return Path(name), True
