"""What every bench in bench/ shares (issue 18 §7): the median of runs, the demo to measure on (a copy
of ``--db``, a PostgreSQL URL, or one made here), unlocking an encrypted demo, the load average and
the ``BENCH`` line ``run_all.py`` collects.

    from _common import bench_line, demo_url, load, median

A bench run as ``python bench/bench_x.py`` finds this module beside it (the script's folder is first on
``sys.path``) and the project's tree above it (put first on ``sys.path`` here, so that a worktree
measures its own code).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEMO_ACCOUNT = "admin"


def peak_mb() -> float:
    """This process's own peak memory (VmHWM: ru_maxrss keeps the parent's peak across fork and exec)."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def password() -> str:
    """The demo administrator's password (``HANDBOOK_PASSWORD``, else the demo's own)."""
    return os.environ.get("HANDBOOK_PASSWORD", "demo1234")


def median(fn, runs: int = 3) -> tuple[float, object]:
    """Median wall seconds of ``runs`` calls of ``fn``, and the last call's result."""
    times, result = [], None
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def load() -> str:
    """The machine's load, to print beside every figure (a shared machine says so)."""
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} / {five:.1f} on {os.cpu_count()} cores"


def bench_line(name: str, ours: float, floor: float, bound: str | float | None = None, digits: int = 3) -> str:
    """The line ``run_all.py`` collects: ``BENCH <name> ours=<value> floor=<value> [bound=<value>]``.
    ``bound``: the issue's bound — ``"2×"`` on ours / floor, a number on ours itself (in the unit the
    name ends with)."""
    line = f"BENCH {name} ours={ours:.{digits}f} floor={floor:.{digits}f}"
    return line + (f" bound={bound:g}" if isinstance(bound, (int, float)) else f" bound={bound}" if bound else "")


def unlock(path: Path | str) -> None:
    """An encrypted demo (SQLCipher) opens once its key is known to this process: the demo
    administrator's password unwraps it from the keyring beside the file, as signing in does."""
    from handbook_desktop.store import datakey

    path = Path(path)
    ring = datakey.load_keyring(path) if path.exists() else None
    key = datakey.unlock(ring, DEMO_ACCOUNT, password()) if ring else None
    if key is not None:
        datakey.remember(key)


def demo_url(db: str | None, folder: Path | str, members: int, today=None, seed: int = 1) -> str:
    """What to measure: a PostgreSQL URL as given; a SQLite file copied (with its keyring) into
    ``folder`` first — a bench never writes to the demo it was given; or a demo of ``members`` made in
    ``folder``."""
    from handbook_desktop.store.database import Database

    folder = Path(folder)
    if db and "://" in db:
        return db
    if db:
        from handbook_desktop.store import datakey

        copy = folder / "copy.sqlite3"
        datakey.copy_database(db, copy)
        unlock(copy)
        return str(copy)
    from datetime import date

    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain

    path = folder / "demo.sqlite3"
    with Database.open(path) as database:
        drain(generate(database, members=members, seed=seed, today=today or date(2026, 11, 15)))
    unlock(path)
    return str(path)
