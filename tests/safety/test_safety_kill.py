"""Crash safety: a real process is killed (SIGKILL) in the middle of an edit and of a restore.
Each time the database opens afterwards, passes integrity_check and holds the state before or
after the interrupted work — never half of it. (The migration kill test is in tests/foundation.)"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handbook_desktop.store.database import Database
from handbook_desktop.store.snapshot import integrity_ok
from handbook_desktop.store import datakey  # keyed when encrypted

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("the child process never reached the point to kill")


def rows(path: Path, sql: str) -> list[tuple]:
    with datakey.connect(path) as connection:
        return connection.execute(sql).fetchall()


def opens_whole(path: Path, *, lock_left: bool = True) -> None:
    """Opening through the program (stale lock taken over, WAL recovered) and integrity_check."""
    with Database.open(path) as database:
        assert database.lock is not None
        if lock_left:
            assert database.lock.took_over is not None
    assert integrity_ok(path) == (True, "ok")


EDITOR = r"""
import os
import sys
from pathlib import Path
from handbook_desktop.services.auth import Actor
from handbook_desktop.services.members.records import update_member
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Member
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)
import os as _os
from handbook_desktop.services.access import unlock as _unlock
_unlock(sys.argv[1], "admin", _os.environ.get("HANDBOOK_PASSWORD") or "matkhau123")  # an encrypted file opens with its key (issue 13)

path, progress = Path(sys.argv[1]), Path(sys.argv[2])
actor = Actor("admin", "secretary")
with Database.open(path) as database:
    with database.read() as session:
        uuids = [m.uuid for m in session.query(Member).order_by(Member.id).limit(5)]
    n = 0
    while True:
        n += 1
        with database.session() as session:
            for uuid in uuids:  # one transaction: five members, two fields each, ten audit lines
                update_member(session, actor, uuid, {"notes": f"sửa lần {n}", "occupation": f"nghề {n}"})
        # Written aside and renamed: the parent never reads a half-written (empty) number.
        partial = progress.with_suffix(".part")
        partial.write_text(str(n))
        os.replace(partial, progress)
"""


@pytest.mark.parametrize("edits_before_kill", [3, 25])
def test_kill_during_edits(demo_db, tmp_path, edits_before_kill):
    path = demo_db.file
    demo_db.close()
    progress = tmp_path / "progress.txt"
    child = subprocess.Popen([sys.executable, "-c", EDITOR, str(path), str(progress)])
    try:
        wait_for(lambda: progress.exists() and int(progress.read_text()) >= edits_before_kill)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    committed = int(progress.read_text())
    opens_whole(path)
    notes = rows(path, "SELECT notes, occupation FROM member WHERE notes LIKE 'sửa lần %' ORDER BY id")
    assert len(notes) == 5
    numbers = {int(note.split()[-1]) for note, _ in notes}
    assert len(numbers) == 1, f"half an edit: {notes}"  # all five members at the same edit
    (last,) = numbers
    assert last in {committed, committed + 1}  # the one being written when killed may have committed
    assert all(occupation == f"nghề {last}" for _, occupation in notes)
    audit = rows(path, "SELECT COUNT(*) FROM audit_log WHERE action = 'update' AND changes LIKE '%\"notes\"%'")[0][0]
    assert audit == 5 * last  # every committed edit has its audit line (one per record), no more


@pytest.mark.parametrize("step", ["before_backup", "before_swap", "before_replace", "after_replace", "random"])
def test_kill_during_restore(demo_db, tmp_path, step):
    from handbook_desktop.services.backup import create_backup

    made = create_backup(demo_db).info
    with demo_db.session() as session:
        session.execute(__import__("sqlalchemy").text("UPDATE member SET notes = 'sau sao lưu'"))
    path = demo_db.file
    demo_db.close()
    members_after_edit = rows(path, "SELECT uuid, notes FROM member ORDER BY id")
    members_in_backup = rows(made.path, "SELECT uuid, notes FROM member ORDER BY id")
    assert members_after_edit != members_in_backup
    marker = tmp_path / "marker.txt"
    env = dict(os.environ, HANDBOOK_HOME=os.environ["HANDBOOK_HOME"])
    if step != "random":
        env.update(HANDBOOK_TEST_RESTORE_PAUSE=f"{step}:60", HANDBOOK_TEST_RESTORE_MARKER=str(marker))
    child = subprocess.Popen([sys.executable, "-m", "handbook_desktop", "--db", str(path), "backup", "restore",
                              made.id, "--yes"], env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if step == "random":
            time.sleep(0.9)
        else:
            wait_for(marker.exists)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    opens_whole(path, lock_left=step != "random")
    now = rows(path, "SELECT uuid, notes FROM member ORDER BY id")
    if step in {"before_backup", "before_swap", "before_replace"}:
        assert now == members_after_edit
    elif step == "after_replace":
        assert now == members_in_backup
    else:
        assert now in (members_after_edit, members_in_backup)
    # A restore run again afterwards finishes and cleans what the killed one left.
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.backup import find_backup, restore_backup

    restore_backup(path, find_backup(made.id), actor=SYSTEM)
    assert rows(path, "SELECT uuid, notes FROM member ORDER BY id") == members_in_backup
    assert not list(path.parent.glob(".*khoi-phuc*"))
