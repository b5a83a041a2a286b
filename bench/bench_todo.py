"""How long the to-do list takes (issue 7; issue 18 §5: ≤ 2× one plain pass), on a branch and on a
committee demo, with the badge rounds and the dues month; median of 3 beside the floor measured in the
same run (one plain SELECT of the member columns the lists read, as bench_aggregates).

Usage: python bench/bench_todo.py [--members 120 5000 50000] [--db demo.sqlite3 | postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

from _common import bench_line, demo_url, load, median
from bench_aggregates import plain_pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, nargs="+", default=[120, 5_000, 50_000])
    parser.add_argument("--db", help="an existing demo (a SQLite copy is made first) instead of making them")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from handbook_desktop.services.auth import SYSTEM
        from handbook_desktop.services.procedures.badges import rounds
        from handbook_desktop.services.procedures.dues import generate_month
        from handbook_desktop.services.procedures.todo import todo
        from handbook_desktop.store.database import Database

        on = date(2026, 11, 15)
        sizes = [None] if args.db else args.members
        for size in sizes:
            place = Path(folder) / str(size)
            place.mkdir()
            url = demo_url(args.db, place, size or 0, on)
            with Database.open(url) as database:
                floor_pass = plain_pass(database)
                floor_pass()  # warm the cache
                floor, members = median(floor_pass, args.runs)

                def run_todo():
                    with database.read() as session:
                        return todo(session, on)

                def run_rounds():
                    with database.read() as session:
                        return rounds(session, on, 12)

                def run_dues():
                    with database.read() as session:  # made and rolled back: the same month each run
                        made = generate_month(session, SYSTEM, date(2026, 12, 1))
                        session.rollback()
                        return made

                run_todo()
                todo_s, items = median(run_todo, args.runs)
                badge_s, found = median(run_rounds, args.runs)
                dues_s, lines = median(run_dues, args.runs)
            print(f"{members} members ({database.engine.dialect.name}), floor {floor:.2f} s: todo {todo_s:.2f} s "
                  f"({todo_s / floor:.1f}×, {len(items)} items); badge rounds 12 months {badge_s:.2f} s "
                  f"({badge_s / floor:.1f}×, {sum(len(v) for v in found.values())} people); dues month {dues_s:.2f} s "
                  f"({dues_s / floor:.1f}×, {lines} lines); {load()}", flush=True)
            print(bench_line(f"todo_{members}_s", todo_s, floor, "2×"))
            print(bench_line(f"todo_dues_month_{members}_s", dues_s, floor, "2×"))


if __name__ == "__main__":
    main()
