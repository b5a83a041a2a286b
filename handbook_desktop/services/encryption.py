"""Converting a plain database to an encrypted one (issue 13 §3), once, when this version first opens it.

Order, so that nothing is ever lost: a verified backup of the plain file → an encrypted copy
beside it (SQLCipher's ``sqlcipher_export``) → the copy checked (integrity, the same rows in every
table) → the keyring written (before the swap: a file never exists without it) → one atomic
rename over the plain file → opened with its key → the backup taken first replaced by a byte-exact
copy of the checked encrypted file, and any other plain backup of this database encrypted in place,
each checked before its plain bytes go. Until the encrypted file has passed its checks the
plain file is untouched; a failure leaves it as it was, and the plain backup stays.

The keyring wraps the key for every active account and recovery code at once (store.datakey: no
password is needed), marked *legacy*: those Argon2id digests were stored in clear in the plain file
and its old copies, so each is hashed anew at its next sign-in (services.auth) or new code.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.snapshot import integrity_ok, table_counts

log = logging.getLogger(__name__)


@dataclass
class ConversionResult:
    backup_id: str | None
    counts: dict[str, int]
    seconds: float
    backups_encrypted: list[str] = field(default_factory=list)


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Write ``target``: the content of the plain SQLite file ``plain``, encrypted under ``key``."""
    for extra in ("", "-journal", "-wal", "-shm"):
        Path(str(target) + extra).unlink(missing_ok=True)
    module = datakey.cipher_module()
    with closing(module.connect(str(plain))) as connection:
        quoted = str(target).replace("'", "''")
        connection.execute(f"ATTACH DATABASE '{quoted}' AS encrypted KEY \"x'{key.hex()}'\"")
        connection.execute("SELECT sqlcipher_export('encrypted')")
        version = connection.execute("PRAGMA main.user_version").fetchone()[0]
        connection.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        connection.execute("DETACH DATABASE encrypted")
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def check_copy(copy: Path, key: bytes, expected: dict[str, int]) -> None:
    ok, message = integrity_ok(copy, key=key)
    if not ok:
        raise UserError(f"Bản mã hóa không qua kiểm tra toàn vẹn ({message[:120]}); dữ liệu cũ giữ nguyên.")
    with closing(datakey.connect(copy, readonly=True, key=key)) as connection:
        counts = table_counts(connection)
    if counts != expected:
        raise UserError("Bản mã hóa không khớp số dòng với dữ liệu cũ; dữ liệu cũ giữ nguyên.")


def _plain_users(file: Path) -> list[SimpleNamespace]:
    with closing(sqlite3.connect(f"file:{file.as_posix()}?mode=ro", uri=True)) as connection:
        try:
            rows = connection.execute(
                "SELECT username, role, active, password_hash, recovery_hash FROM app_user").fetchall()
        except sqlite3.OperationalError:  # not set up yet
            return []
    return [SimpleNamespace(username=r[0], role=r[1], active=bool(r[2]), password_hash=r[3], recovery_hash=r[4])
            for r in rows]


def convert_if_plain(database) -> ConversionResult | None:
    """Encrypt the open plain SQLite ``database`` in place (see the module doc); ``None`` when there
    is nothing to do (already encrypted, PostgreSQL, read-only, or SQLCipher not installed)."""
    file = database.file
    if (file is None or database.readonly or getattr(database, "encrypted", False)
            or not datakey.cipher_available() or datakey.file_state(file) != "plain"):
        return None
    started = time.perf_counter()
    from handbook_desktop.services.backup.create import create_backup
    from handbook_desktop.store.engine import make_engine

    before = create_backup(database, reason="encryption", second_folder=None).info
    database.engine.dispose()
    with closing(sqlite3.connect(str(file), timeout=10)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = table_counts(connection)
    key = datakey.new_key()
    work = file.with_name(f".{file.name}.ma-hoa")
    try:
        export_encrypted(file, work, key)
        check_copy(work, key, counts)
        users = _plain_users(file)
        datakey.refresh(file, key, users, legacy={*("account:" + u.username for u in users if u.active),
                                                  *("recovery:" + u.username for u in users
                                                    if u.active and u.recovery_hash)})
        datakey.remember(key)
        for extra in ("-wal", "-shm"):
            Path(str(file) + extra).unlink(missing_ok=True)
        os.replace(work, file)
        from handbook_desktop.services.backup.archive import fsync_dir

        fsync_dir(file.parent)
    except BaseException:
        for extra in ("", "-journal"):
            Path(str(work) + extra).unlink(missing_ok=True)
        if datakey.file_state(file) == "plain":
            datakey.keyring_path(file).unlink(missing_ok=True)
        database.use_engine(make_engine(database.url), None)
        raise
    if not datakey.opens_with(file, key):  # short of a failing disk this cannot happen; the plain copy is `before`
        raise UserError(f"Sau khi mã hóa, tệp không mở được bằng khóa của nó. Dữ liệu trước đó ở bản sao '{before.id}'.")
    from handbook_desktop.services.backup.reseal import encrypt_plain_backups, replace_with_copy

    # The backup taken first holds the same rows as the file just checked: it becomes a byte-exact
    # copy of it (checked by SHA-256) instead of being exported and checked a second time.
    replace_with_copy(before, file)
    database.use_engine(make_engine(database.url, key=key), key)
    done = [before.id, *encrypt_plain_backups(database)]
    result = ConversionResult(before.id, counts, time.perf_counter() - started, done)
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.auth import SYSTEM

    with database.session() as session:
        record(session, SYSTEM, "encrypted", entity="database",
               detail={"backup": before.id, "backups_encrypted": len(done), "seconds": round(result.seconds, 1)})
    log.info("converted %s to an encrypted database in %.1f s (%d backups encrypted)", file.name,
             result.seconds, len(done))
    return result
