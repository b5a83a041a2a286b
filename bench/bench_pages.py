"""The longest freeze of the window on every page and every change of tab, year, month, branch or
kind, at committee scale (issue 11 §3: at most 250 ms on the 50,000-member committee).

    python bench/bench_pages.py --db COPY.sqlite3 [--rounds 3]

Give it a copy of a demo made with `demo --members 50000` (the walk opens and closes dialogs but saves
nothing; the daily backup of the day may run). Each step is measured ``--rounds`` times; the table shows
the median of the longest freezes and the median time until the page had its data. A heartbeat timer
beats every 20 ms on the GUI thread; a freeze is the largest gap between two beats less the beat.
Start-up is measured once: login to the window on screen with its first page's data.

The floor is a bare Qt window's own event-loop latency measured with the same heartbeat in the same
run (what the machine's load alone costs); the last lines are ``BENCH`` lines for bench/run_all.py.
The window's resident memory (RSS) is printed after login and after each round (issue 18 §6: at most
300 MB at 50,000 members). ``HANDBOOK_PASSWORD`` (default demo1234) opens an encrypted demo.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def floor_ms(heartbeat, seconds: float = 3.0) -> tuple[float, float]:
    """The longest gap between two beats while a bare window's event loop runs with nothing to do."""
    from page_walk import wait_ms
    from PySide6.QtWidgets import QWidget

    bare = QWidget()
    bare.resize(1366, 768)
    bare.show()
    heartbeat.reset()
    wait_ms(int(seconds * 1000))
    bare.close()
    bare.deleteLater()
    return heartbeat.longest * 1000, heartbeat.busiest * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit-ms", type=float, default=250.0)
    args = parser.parse_args()

    from page_walk import Heartbeat, settle, walk  # not tests/foundation/window_walk (same name, other module)

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application, open_window

    app = application([])
    heartbeat = Heartbeat()
    floors = [floor_ms(heartbeat) for _ in range(3)]
    floor, floor_cpu = statistics.median(f[0] for f in floors), statistics.median(f[1] for f in floors)
    print(f"floor: a bare window's event loop, longest gap {floor:.0f} ms (GUI cpu {floor_cpu:.0f} ms), "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    from handbook_desktop.services import access

    if access.needs_key(Path(args.db)):  # an encrypted demo: its administrator's password opens the key
        access.unlock(Path(args.db), "admin", os.environ.get("HANDBOOK_PASSWORD", "demo1234"))
    rss_start = rss_mb()
    database = Database.open(Path(args.db))
    started = time.perf_counter()
    window = open_window(database, Actor("admin", "secretary"))
    window.resize(1366, 768)
    window.show()
    shown = time.perf_counter() - started
    # Until now the GUI thread was building the window (no window on screen yet, the login dialog
    # closed): that time is the start-up figure. A freeze is what a person feels once it is shown.
    heartbeat.reset()
    settle(window)
    print(f"window on screen {shown:.2f} s, with its first page's data {time.perf_counter() - started:.2f} s "
          f"(longest freeze once shown {heartbeat.longest * 1000:.0f} ms)", flush=True)
    freezes_start = heartbeat.longest
    rss_login = rss_mb()
    print(f"memory: {rss_start:.0f} MB before login, {rss_login:.0f} MB with the window and its first page",
          flush=True)

    freezes: dict[str, list[float]] = {}
    busy: dict[str, list[float]] = {}
    times: dict[str, list[float]] = {}
    for round_no in range(args.rounds):
        for label, seconds, freeze, cpu in walk(window, heartbeat):
            freezes.setdefault(label, []).append(freeze)
            busy.setdefault(label, []).append(cpu)
            times.setdefault(label, []).append(seconds)
        print(f"round {round_no + 1} done, memory {rss_mb():.0f} MB", flush=True)

    print(f"load average at the end: {os.getloadavg()[0]:.1f} (a shared machine stretches every freeze)")
    print(f"\n{'step':58} {'data, s':>8} {'freeze, ms':>11} {'GUI cpu, ms':>12}")
    worst = worst_cpu = (0.0, "")
    for label, values in freezes.items():
        freeze = statistics.median(values) * 1000
        cpu = statistics.median(busy[label]) * 1000
        mark = "  > limit" if freeze > args.limit_ms else ""
        print(f"{label[:58]:58} {statistics.median(times[label]):8.2f} {freeze:11.0f} {cpu:12.0f}{mark}")
        worst = max(worst, (freeze, label))
        worst_cpu = max(worst_cpu, (cpu, label))
    print(f"\nlongest freeze (median of {args.rounds}): {worst[0]:.0f} ms at {worst[1]}")
    print(f"most GUI-thread processor time between two beats: {worst_cpu[0]:.0f} ms at {worst_cpu[1]}")
    rss_walked = rss_mb()
    print(f"memory after walking every page: {rss_walked:.0f} MB (after login {rss_login:.0f} MB)")
    print(f"BENCH pages_longest_freeze_ms ours={worst[0]:.0f} floor={floor:.0f} bound={args.limit_ms:.0f}")
    print(f"BENCH pages_gui_cpu_ms ours={worst_cpu[0]:.0f} floor={floor_cpu:.0f} bound={args.limit_ms:.0f}")
    print(f"BENCH pages_start_freeze_ms ours={freezes_start * 1000:.0f} floor={floor:.0f} bound={args.limit_ms:.0f}")
    print(f"BENCH pages_rss_mb ours={rss_walked:.0f} floor={rss_start:.0f} bound=300")
    window.context.runner.shutdown()
    database.close()
    sys.stdout.flush()
    os._exit(0)  # PySide6 may trip over its own objects at interpreter exit; the figures are out


if __name__ == "__main__":
    sys.exit(main())
