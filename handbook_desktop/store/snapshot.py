"""Consistent copies of a SQLite database with the online backup API, and their verification.

Copying the file itself while the program runs can catch a half-written page or miss the WAL;
the backup API copies a consistent state. A copy is only trusted after it opens read-only,
passes ``integrity_check`` and holds the same number of rows in every table as the source.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path


class SnapshotError(Exception):
    pass


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def integrity_ok(path: Path) -> tuple[bool, str]:
    uri = f"file:{Path(path).as_posix()}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return False, str(error)
    message = "; ".join(str(row[0]) for row in result)
    return message == "ok", message


def snapshot(source: Path, target: Path) -> dict[str, int]:
    """Copy ``source`` to ``target`` with the backup API, verify it, return the row counts."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if partial.exists():
        partial.unlink()
    with closing(sqlite3.connect(str(source), timeout=30)) as src:
        src.execute("PRAGMA busy_timeout=30000")
        with closing(sqlite3.connect(str(partial))) as dst:
            # One step: the copy is one consistent read transaction of the source.
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            counts_in_copy = table_counts(dst)
        counts_in_source = table_counts(src)
    if counts_in_copy != counts_in_source:
        partial.unlink(missing_ok=True)
        raise SnapshotError("Bản sao không khớp số dòng với cơ sở dữ liệu gốc.")
    ok, message = integrity_ok(partial)
    if not ok:
        partial.unlink(missing_ok=True)
        raise SnapshotError(f"Bản sao không qua kiểm tra toàn vẹn: {message}")
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return counts_in_copy
