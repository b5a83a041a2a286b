"""The import's scratch file (what grows with a package, issue 18 §2) holds rows' fields as they were —
names, CCCD — and reaches the temporary folder once its cache is full: on a machine with SQLCipher it is
encrypted, and it goes when the import is done (SQLite's nameless temporary file was in clear)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook_desktop.services.sync.stream import Before, Scratch

pytest.importorskip("sqlcipher3")


def test_the_scratch_file_holds_no_clear_text_and_goes_when_closed():
    scratch = Scratch()
    folder = Path(scratch.folder)
    scratch.execute("CREATE TABLE t (a TEXT)")
    scratch.executemany("INSERT INTO t VALUES (?)",
                        [(f"Nguyễn Văn Mật {i} CCCD 001090012345",) for i in range(120_000)])
    assert scratch.execute("SELECT count(*) FROM t").fetchone() == (120_000,)
    files = [path for path in folder.iterdir() if path.is_file()]
    written = b"".join(path.read_bytes() for path in files)
    assert len(written) > 4 * 2**20  # past the cache: the pages are on disk
    assert b"001090012345" not in written and "Mật".encode() not in written
    scratch.close()
    assert not folder.exists()


def test_before_keeps_rows_as_they_were_in_the_private_file():
    before = Before()
    before.scratch.execute("INSERT INTO before VALUES (?, ?, ?)", ("member", "u-1", '{"cccd": "001090012345"}'))
    assert before.get("member", "u-1") == (True, {"cccd": "001090012345"})
    assert before.get("member", "u-2") == (False, None)
    folder = Path(before.scratch.folder)
    del before
    assert not folder.exists()
