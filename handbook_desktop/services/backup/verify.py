"""Verifying a backup: a SQLite copy opened read-only (decrypted first when sealed), its integrity and
row counts against the manifest; a PostgreSQL dump's table of contents (postgres.verify_dump). The
verdict is written back to the manifest.

Its own module so that archive (names, manifests, listing) sits below postgres, which uses it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from handbook_desktop import paths
from handbook_desktop.services.backup.archive import BackupInfo, plain_copy, sha256_file, sqlite_contents, write_manifest
from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.snapshot import integrity_ok


def verify_backup(info: BackupInfo, *, password: str | None = None, save: bool = True) -> BackupInfo:
    """Open the backup read-only, run ``integrity_check``, compare the row counts (and the SHA-256)
    with its manifest; the result is written back to the manifest."""
    if info.backend == "postgresql":
        from handbook_desktop.services.backup.postgres import verify_dump

        ok, message = verify_dump(info)
    else:
        ok, message = _verify_sqlite(info, password)
    info.verified_at = datetime.now(timezone.utc)
    info.verified_ok = ok
    info.verify_message = message
    if save:
        if info.sha256 is None and ok:
            info.sha256 = sha256_file(info.path)
        write_manifest(info)
    return info


def _verify_sqlite(info: BackupInfo, password: str | None) -> tuple[bool, str]:
    if info.sha256 and sha256_file(info.path) != info.sha256:
        return False, "Tệp đã bị thay đổi hoặc hỏng sau khi sao lưu (mã băm không khớp)."
    from handbook_desktop.services.access import BackupKeyNeeded
    from handbook_desktop.services.backup.crypto import WrongPassword, is_encrypted

    if is_encrypted(info.path) and not password:
        raise UserError("Bản sao lưu này được mã hóa: cần mật khẩu sao lưu.")
    try:
        plain, temporary = plain_copy(info, password, paths.backups_dir())
    except (WrongPassword, BackupKeyNeeded, datakey.KeyNeeded):
        raise  # the user's mistake, not the backup's: the manifest keeps its last verdict
    except UserError as error:
        return False, str(error)
    try:
        ok, message = integrity_ok(plain)
        if not ok:
            return False, f"Không qua kiểm tra toàn vẹn: {message[:200]}"
        try:
            revision, counts, unit = sqlite_contents(plain)
        except datakey.database_errors() as error:
            return False, f"Không đọc được: {error}"
        if revision is None:
            return False, "Tệp không phải cơ sở dữ liệu của Sổ tay Chi bộ."
        if info.counts and counts != info.counts:
            return False, "Số dòng trong bản sao không khớp với lúc sao lưu."
        if not info.counts:
            info.counts = counts
        info.schema_version = info.schema_version or revision
        info.unit_code = info.unit_code or unit
        return True, "Tốt: toàn vẹn, số dòng khớp."
    finally:
        if temporary:
            plain.unlink(missing_ok=True)
