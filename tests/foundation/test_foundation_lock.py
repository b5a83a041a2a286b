"""One instance per database: a second start is told who holds it; a crashed holder's lock is taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from handbook_desktop.store.database import Database
from handbook_desktop.store.lock import DatabaseLocked, lock_path_for

HOLD = """
import sys, time
from handbook_desktop.store.database import Database
db = Database.open(sys.argv[1])
print("held", flush=True)
time.sleep(600)
"""


def _start_holder(path):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_second_instance_is_refused_with_the_holder(tmp_path):
    path = tmp_path / "a.sqlite3"
    Database.open(path).close()
    holder = _start_holder(path)
    try:
        with pytest.raises(DatabaseLocked) as refused:
            Database.open(path)
        message = str(refused.value)
        assert socket.gethostname() in message
        assert str(holder.pid) in message
        # Read-only is still allowed while the other instance works.
        with Database.open(path, readonly=True) as viewer:
            assert viewer.readonly
    finally:
        holder.terminate()
        holder.wait()


def test_lock_of_a_killed_instance_is_taken_over(tmp_path):
    path = tmp_path / "a.sqlite3"
    Database.open(path).close()
    holder = _start_holder(path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert lock_path_for(path).exists()  # the crash left its lock behind
    with Database.open(path) as database:
        assert database.lock.took_over is not None
        assert database.lock.took_over.pid == holder.pid
        info = json.loads(lock_path_for(path).read_text())
        assert info["pid"] == os.getpid()
    assert not lock_path_for(path).exists()


def test_lock_from_another_pc_is_respected_until_stale(tmp_path):
    path = tmp_path / "a.sqlite3"
    Database.open(path).close()
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    lock_path_for(path).write_text(json.dumps(
        {"host": "MAY-KE-TOAN", "user": "ketoan", "pid": 4242, "started": now, "heartbeat": now}))
    with pytest.raises(DatabaseLocked) as refused:
        Database.open(path)
    assert "MAY-KE-TOAN" in str(refused.value) and "ketoan" in str(refused.value)
    old = "2020-01-01T00:00:00+00:00"
    lock_path_for(path).write_text(json.dumps(
        {"host": "MAY-KE-TOAN", "user": "ketoan", "pid": 4242, "started": old, "heartbeat": old}))
    with Database.open(path) as database:
        assert database.lock.took_over.host == "MAY-KE-TOAN"


def test_network_share_is_refused(tmp_path):
    from handbook_desktop.store.location import DatabaseLocationError

    with pytest.raises(DatabaseLocationError) as refused:
        Database.open("//fileserver/chibo/handbook.sqlite3", lock=False)
    assert "ổ mạng" in str(refused.value)
