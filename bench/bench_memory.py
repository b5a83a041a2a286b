"""What the window holds at committee scale (issue 18 §6: the whole window ≤ 300 MB at 50,000 members).

    python bench/bench_memory.py --db COPY.sqlite3 [--trace] [--top 30]

Opens the window as signing in does, then walks every page with its tabs and boxes (bench/page_walk.py)
and prints the resident memory (RSS) after login, after each page and after the walk, beside the
floor: the same process before the database is opened (Python, Qt and the program's modules loaded);
then once more after the hidden pages let their lists go (``--hidden-s``, the window's own delay
being five minutes out of sight).
Also printed after the walk: the Python heap (tracemalloc, with ``--trace`` where it was allocated —
slow), SQLite's own memory (page caches) and the rows each page's models hold. Give it a copy of a
demo made with ``demo --members 50000``; ``HANDBOOK_PASSWORD`` (default demo1234) opens an encrypted one.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sqlite_mb() -> float | None:
    """Memory held by the system SQLite library (plain files: the page caches of every connection)."""
    name = ctypes.util.find_library("sqlite3")
    if not name:
        return None
    try:
        library = ctypes.CDLL(name)
        library.sqlite3_memory_used.restype = ctypes.c_int64
        return library.sqlite3_memory_used() / 2**20
    except (OSError, AttributeError):
        return None


def trim() -> None:
    """Give freed heap back to the system, as the window does when idle (glibc)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def model_rows(window) -> list[tuple[str, str, int]]:
    """(page, model class, rows) for every item model of the pages built, largest first."""
    from PySide6.QtCore import QAbstractItemModel

    found = []
    for key, page in window.pages.built():
        for model in page.findChildren(QAbstractItemModel):
            rows = model.rowCount()
            if rows >= 500:
                found.append((key, type(model).__name__, rows))
    return sorted(found, key=lambda entry: -entry[2])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--trace", action="store_true", help="tracemalloc by line (slow)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--hidden-s", type=float, default=10.0,
                        help="pages out of sight for this long let their lists go (the window's own: 300 s); "
                             "measured after the walk and that wait")
    args = parser.parse_args()
    if args.trace:
        import tracemalloc

        tracemalloc.start(1)

    from page_walk import Heartbeat, settle, walk

    from handbook_desktop.services import access
    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application, open_window

    from handbook_desktop.ui.pages.procedures.widgets import LazyRefresh

    LazyRefresh.RELEASE_AFTER_MS = int(args.hidden_s * 1000)
    app = application([])
    heartbeat = Heartbeat()
    path = Path(args.db)
    if access.needs_key(path):
        access.unlock(path, "admin", os.environ.get("HANDBOOK_PASSWORD", "demo1234"))
    gc.collect()
    floor = rss_mb()
    print(f"load average {os.getloadavg()[0]:.1f}; floor (modules and Qt loaded, no database): {floor:.0f} MB",
          flush=True)
    database = Database.open(path)
    started = time.perf_counter()
    window = open_window(database, Actor("admin", "secretary"))
    window.resize(1366, 768)
    window.show()
    settle(window)
    gc.collect()
    login = rss_mb()
    print(f"after login (window and its first page, {time.perf_counter() - started:.1f} s): {login:.0f} MB",
          flush=True)

    def page_done(label, *_figure):
        if " · " not in label:
            print(f"  {label:40} {rss_mb():6.0f} MB", flush=True)

    walk(window, heartbeat, on_step=page_done)
    settle(window)
    gc.collect()
    walked = rss_mb()
    trim()
    trimmed = rss_mb()
    print(f"after walking every page: {walked:.0f} MB; after giving freed heap back: {trimmed:.0f} MB")
    from page_walk import wait_ms

    wait_ms(int(args.hidden_s * 1000) + 2000)
    settle(window)
    gc.collect()
    trim()
    rested = rss_mb()
    print(f"after the pages out of sight for {args.hidden_s:.0f} s let their lists go: {rested:.0f} MB")
    held = sqlite_mb()
    if held is not None:
        print(f"SQLite's own memory (page caches): {held:.0f} MB")
    print("\nmodels holding rows:")
    for key, name, rows in model_rows(window)[:15]:
        print(f"  {key:12} {name:24} {rows:7}")
    counts = Counter(type(item).__name__ for item in gc.get_objects())
    print("\nPython objects tracked by the collector:", sum(counts.values()))
    for name, count in counts.most_common(12):
        print(f"  {name:32} {count:9}")
    if args.trace:
        import tracemalloc

        current, _peak = tracemalloc.get_traced_memory()
        print(f"\nPython heap (tracemalloc): {current / 2**20:.0f} MB; by line:")
        for stat in tracemalloc.take_snapshot().statistics("lineno")[:args.top]:
            frame = stat.traceback[0]
            print(f"  {stat.size / 2**20:7.1f} MB {stat.count:9} {frame.filename[-60:]}:{frame.lineno}")
    print(f"BENCH window_rss_login_mb ours={login:.0f} floor={floor:.0f} bound=300")
    print(f"BENCH window_rss_walked_mb ours={trimmed:.0f} floor={floor:.0f} bound=300")
    print(f"BENCH window_rss_rested_mb ours={rested:.0f} floor={floor:.0f} bound=300")
    window.context.runner.shutdown()
    database.close()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
