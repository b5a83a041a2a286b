"""How long the to-do list takes (issue 7), on a branch and on a committee demo, plus the dues month.

Usage: python bench/bench_todo.py [--members 120 5000 50000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[120, 5_000, 50_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from handbook_desktop.services.auth import SYSTEM
        from handbook_desktop.services.demo import generate
        from handbook_desktop.services.procedures.badges import rounds
        from handbook_desktop.services.procedures.dues import generate_month
        from handbook_desktop.services.procedures.todo import todo
        from handbook_desktop.services.progress import drain
        from handbook_desktop.store.database import Database

        on = date(2026, 11, 15)
        for members in args.members:
            path = Path(folder) / f"bench{members}.sqlite3"
            with Database.open(path) as database:
                drain(generate(database, members=members, seed=1, today=on))
                started = time.perf_counter()
                with database.read() as session:
                    items = todo(session, on)
                todo_s = time.perf_counter() - started
                started = time.perf_counter()
                with database.read() as session:
                    found = rounds(session, on, 12)
                badge_s = time.perf_counter() - started
                started = time.perf_counter()
                with database.session() as session:
                    lines = generate_month(session, SYSTEM, date(2026, 12, 1))
                dues_s = time.perf_counter() - started
            print(f"{members} members: todo {todo_s:.2f} s ({len(items)} items); badge rounds 12 months "
                  f"{badge_s:.2f} s ({sum(len(v) for v in found.values())} people); dues month {dues_s:.2f} s "
                  f"({lines} lines)")


if __name__ == "__main__":
    main()
