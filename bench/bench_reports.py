"""How long each report takes (issue 17: ≤ 3 s at 50,000 members / ~300 branches), median of 3.

Usage:
  python bench/bench_reports.py --db mau.sqlite3            # an existing demo (copied first)
  python bench/bench_reports.py --members 50000             # makes the demo first
  python bench/bench_reports.py --db postgresql+psycopg://…  # a PostgreSQL demo (made with `demo --db URL`)
The floor printed beside each figure is one plain SELECT of the rows the report reads.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path


def _median(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--from", dest="start", default="2026-01-01")
    parser.add_argument("--to", dest="end", default="2026-11-30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from sqlalchemy import text

        from handbook_desktop.services.reports import make_report, report_kinds
        from handbook_desktop.store.database import Database

        if args.db and "://" in args.db:
            url = args.db
        elif args.db:
            url = str(Path(folder) / "copy.sqlite3")
            shutil.copyfile(args.db, url)
        else:
            from handbook_desktop.services.demo import generate
            from handbook_desktop.services.progress import drain

            url = str(Path(folder) / "demo.sqlite3")
            with Database.open(url) as database:
                drain(generate(database, members=args.members, seed=1, today=date(2026, 11, 15)))
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
        with Database.open(url) as database:
            with database.read() as session:
                members = session.execute(text("select count(*) from member")).scalar()
                units = session.execute(text("select count(*) from unit")).scalar()

            def floor():
                with database.read() as session:
                    session.execute(text("select * from member")).all()
                    session.execute(text("select meeting_id, member_status, attendance from attendance")).all()

            floor_s = _median(floor)
            print(f"{database.engine.dialect.name}: {members} member rows, {units} units; "
                  f"floor (all members + all roll-call rows read) {floor_s:.2f} s")
            for kind in report_kinds():
                make_report(database, kind.key, start, end)  # warm the page cache
                seconds = _median(lambda: make_report(database, kind.key, start, end))
                print(f"  {kind.key:<12} {seconds:6.2f} s   ({seconds / floor_s:.1f}× floor)")


if __name__ == "__main__":
    main()
