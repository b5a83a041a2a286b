"""The window for ten minutes (issue 11, "done when"): every page, tab, year, branch box and dialog,
round after round, on a committee's database, under a real display.

    cp /work/data/demo50k.sqlite3 /tmp/soak.sqlite3
    xvfb-run -s "-screen 0 1366x768x24" python bench/soak_window.py --db /tmp/soak.sqlite3 --minutes 10

Prints one line per round (time, steps, memory, longest freeze of the round and where) and a last
line with the verdict; exits 1 if a step never got its data, a round walked fewer steps than the
first, the idle lock engaged (the walk moves the mouse between steps, as a person does, so it must
not), or memory grew more than --limit-mb after the warm-up (--warm-up rounds: the heap fills over the first
rounds, each page's rows being built on the worker, then holds — 475 → 601 MB in rounds 1–4 on the 50,000
demo, +14 MB over rounds 4–30). A crash ends the process: the caller sees no verdict line and a non-zero code.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a copy: the walk may write the day's backup")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--limit-mb", type=float, default=50.0)
    parser.add_argument("--warm-up", type=int, default=4, help="rounds before memory is compared")
    args = parser.parse_args()

    from page_walk import Heartbeat, settle, walk  # not tests/foundation/window_walk (same name, other module)

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application, open_window

    app = application([])
    print(f"platform {app.platformName()}, screen {app.primaryScreen().size().width()}×"
          f"{app.primaryScreen().size().height()}", flush=True)
    heartbeat = Heartbeat()
    from handbook_desktop.services import access

    if access.needs_key(Path(args.db)):  # an encrypted database (issue 13): sign in as the window would
        access.unlock(Path(args.db), "admin", os.environ.get("HANDBOOK_PASSWORD", "demo1234"))
    database = Database.open(Path(args.db))
    started = time.perf_counter()
    window = open_window(database, Actor("admin", "secretary"))
    window.show()
    settle(window)
    print(f"opened in {time.perf_counter() - started:.1f} s, {rss_mb():.0f} MB", flush=True)
    end = started + args.minutes * 60
    round_no, first, worst_all, unfinished, short, locked = 0, None, (0.0, ""), [], [], False
    steps_first = None
    while time.perf_counter() < end and window.isVisible():
        round_no += 1
        figures = walk(window, heartbeat)
        gc.collect()
        memory = rss_mb()
        if first is None and round_no >= args.warm_up:
            first = memory
        freeze, where = max((f, label) for label, _s, f, _c in figures)
        worst_all = max(worst_all, (freeze, where))
        unfinished += [figure[0] for figure in figures if figure[0].endswith("(không xong)")]
        steps_first = steps_first or len(figures)
        if len(figures) < steps_first:
            short.append(round_no)
        lock = getattr(window, "idle_lock", None)
        locked = locked or bool(lock is not None and lock.locked)
        print(f"round {round_no}: {time.perf_counter() - started:6.0f} s, {len(figures)} steps, {memory:.0f} MB, "
              f"longest freeze {freeze * 1000:.0f} ms ({where})", flush=True)
    growth = rss_mb() - first if first is not None else 0.0
    up = window.isVisible()
    ok = up and not unfinished and not short and not locked and growth < args.limit_mb
    print(f"{'OK' if ok else 'FAILED'}: {round_no} rounds in {(time.perf_counter() - started) / 60:.1f} min, window "
          f"{'still up' if up else 'closed'}, memory +{growth:.1f} MB after round {args.warm_up}, longest freeze "
          f"{worst_all[0] * 1000:.0f} ms ({worst_all[1]}), unfinished steps: {len(unfinished)}, rounds with fewer "
          f"steps: {short or 'none'}, idle lock {'ENGAGED' if locked else 'never engaged'}", flush=True)
    window.context.runner.shutdown()
    database.close()
    sys.stdout.flush()
    os._exit(0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
