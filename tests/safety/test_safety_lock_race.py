"""One instance: 1,000 races of four processes for one database lock, none won twice (issue 13, point 7).

Each round starts from one of the states two copies meet after a crash: no lock, a lock left by a dead
process, a lock file left empty by a crash in the middle of writing it. Four processes then ask at the
same moment (a barrier); exactly one may hold the lock, the others must be told who holds it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time

from handbook_desktop.store.lock import DatabaseLocked, InstanceLock, lock_path_for

ROUNDS = 1000
RACERS = 4


def _racer(path, start, done, results, index, rounds):
    lock = InstanceLock(path)
    for round_number in range(rounds):
        start.wait()
        try:
            lock.acquire()
            results[index] = 1
        except DatabaseLocked:
            results[index] = 0
        done.wait()  # the referee counts while the winner still holds
        done.wait()
        lock.release()
        done.wait()  # all released before the referee sets up the next round


def _dead_pid() -> int:
    child = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
    child.start()
    child.join()
    return child.pid


def _leave_state(path, round_number: int, dead: int) -> None:
    lock_file = lock_path_for(path)
    kind = round_number % 3
    if kind == 1:  # a crashed instance's lock
        lock_file.write_text(json.dumps({"host": socket.gethostname(), "user": "x", "pid": dead,
                                         "started": "2026-01-01T00:00:00+00:00",
                                         "heartbeat": "2026-01-01T00:00:00+00:00"}), encoding="utf-8")
    elif kind == 2:  # a crash between creating the lock file and writing it, long ago
        lock_file.write_bytes(b"")
        old = time.time() - 3600
        os.utime(lock_file, (old, old))


def test_no_two_processes_ever_hold_the_lock(tmp_path):
    context = multiprocessing.get_context("fork")
    path = tmp_path / "handbook.sqlite3"
    path.write_bytes(b"")
    start, done = context.Barrier(RACERS + 1), context.Barrier(RACERS + 1)
    results = context.Array("i", RACERS)
    dead = _dead_pid()
    racers = [context.Process(target=_racer, args=(path, start, done, results, i, ROUNDS)) for i in range(RACERS)]
    for racer in racers:
        racer.start()
    winners, lost = [], []
    began = time.monotonic()
    try:
        for round_number in range(ROUNDS):
            assert not lock_path_for(path).exists()  # the winner removed its own lock
            _leave_state(path, round_number, dead)
            start.wait(timeout=30)
            done.wait(timeout=30)
            winners.append(sum(results))
            if winners[-1] == 1:  # the file must still name the one who holds it
                try:
                    holder = json.loads(lock_path_for(path).read_text(encoding="utf-8"))["pid"]
                except (OSError, ValueError):
                    holder = None
                if holder != racers[list(results).index(1)].pid:
                    lost.append((round_number, holder, racers[list(results).index(1)].pid))
            done.wait(timeout=30)
            done.wait(timeout=30)
    finally:
        for racer in racers:
            racer.join(timeout=10)
            if racer.is_alive():
                racer.kill()
    elapsed = time.monotonic() - began
    assert len(winners) == ROUNDS
    doubles = sum(1 for w in winners if w > 1)
    assert (doubles, winners.count(0), len(lost)) == (0, 0, 0), (
        f"double locks: {doubles}, rounds nobody won: {winners.count(0)}, lock file lost under its holder: {len(lost)} {lost[:5]}")
    print(f"{ROUNDS} races of {RACERS} processes in {elapsed:.1f} s")


def test_a_lock_file_still_being_written_is_not_taken_over(tmp_path):
    path = tmp_path / "handbook.sqlite3"
    lock_path_for(path).write_bytes(b"")  # created this instant, its writer not done yet
    try:
        InstanceLock(path).acquire()
        raise AssertionError("a lock in the middle of its write was taken over")
    except DatabaseLocked:
        pass
    old = time.time() - 3600  # the same file, an hour old: a crash left it empty
    os.utime(lock_path_for(path), (old, old))
    lock = InstanceLock(path)
    lock.acquire()
    assert lock.held and json.loads(lock_path_for(path).read_text(encoding="utf-8"))["pid"] == os.getpid()
    lock.release()
