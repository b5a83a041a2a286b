"""The plain backups of a database that has just been encrypted (services.encryption), encrypted in place.

Each copy is exported under the database's key beside itself, checked (integrity, the rows its
manifest counted, or the plain copy's own when it has none), and only then renamed over the plain
bytes; its manifest gets the new size, SHA-256 and the key's wraps. Copies sealed with a backup
password (``.sqlite3.enc``) are encrypted already and stay as they are.
"""

from __future__ import annotations

import logging
import os
from contextlib import closing
from pathlib import Path

from handbook_desktop import paths
from handbook_desktop.services.backup.archive import list_backups, sha256_file, write_manifest
from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.snapshot import table_counts

log = logging.getLogger(__name__)


def replace_with_copy(info, source: Path) -> None:
    """Put a byte-exact copy of the encrypted ``source`` (checked by SHA-256) in place of the plain
    backup ``info``, which holds the same rows; its manifest follows."""
    import shutil

    from handbook_desktop.services.backup.create import key_fields

    partial = info.path.with_name(info.path.name + ".partial")
    shutil.copyfile(source, partial)
    digest = sha256_file(partial)
    if digest != sha256_file(source):
        partial.unlink(missing_ok=True)
        raise UserError("Không chép được bản sao lưu đã mã hóa (không khớp); hãy thử lại.")
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, info.path)
    fields = key_fields(source)
    info.size, info.sha256 = info.path.stat().st_size, digest
    info.key_id, info.keys = fields.get("key_id"), fields.get("keys")
    write_manifest(info)
    paths.make_private(info.path)


def encrypt_plain_backups(database, folder: Path | None = None) -> list[str]:
    """Encrypt this database's plain backups under its key; returns the ids done."""
    from handbook_desktop.services.backup.create import database_stem, key_fields
    from handbook_desktop.services.encryption import check_copy, export_encrypted

    if not getattr(database, "encrypted", False) or database.file is None:
        return []
    key = database.key
    fields = key_fields(database.file)
    done = []
    for info in list_backups(folder, source_stem=database_stem(database)):
        if info.backend != "sqlite" or datakey.file_state(info.path) != "plain":
            continue
        work = info.path.with_name(f".{info.path.name}.ma-hoa")
        try:
            with closing(datakey.connect(info.path, readonly=True)) as connection:
                counts = table_counts(connection)
            export_encrypted(info.path, work, key)
            check_copy(work, key, counts)
            os.replace(work, info.path)
        except (UserError, OSError, *datakey.database_errors()) as error:
            work.unlink(missing_ok=True)
            Path(str(work) + "-journal").unlink(missing_ok=True)
            log.warning("could not encrypt backup %s: %s", info.id, error)
            continue
        info.size = info.path.stat().st_size
        info.sha256 = sha256_file(info.path)
        info.counts = info.counts or counts
        info.key_id, info.keys = fields.get("key_id"), fields.get("keys")
        write_manifest(info)
        paths.make_private(info.path)
        paths.make_private(info.manifest_path)
        done.append(info.id)
    return done
