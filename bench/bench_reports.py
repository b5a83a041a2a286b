"""How long each report takes (issue 17: ≤ 3 s at 50,000 members / ~300 branches), median of 3.

Usage:
  python bench/bench_reports.py --db mau.sqlite3            # an existing demo (copied first)
  python bench/bench_reports.py --members 50000             # makes the demo first
  python bench/bench_reports.py --db postgresql+psycopg://…  # a PostgreSQL demo (made with `demo --db URL`)
The floor printed beside each figure is one plain SELECT of the rows the reports read (every member
row, every roll-call line), measured in the same run; each report prints a ``BENCH report_<kind>_s``
line (bound: 3 s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date

from _common import bench_line, demo_url, load, median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--from", dest="start", default="2026-01-01")
    parser.add_argument("--to", dest="end", default="2026-11-30")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from sqlalchemy import text

        from handbook_desktop.services.reports import make_report, report_kinds
        from handbook_desktop.store.database import Database

        url = demo_url(args.db, folder, args.members, date(2026, 11, 15))
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
        with Database.open(url) as database:
            with database.read() as session:
                members = session.execute(text("select count(*) from member")).scalar()
                units = session.execute(text("select count(*) from unit")).scalar()

            def floor():
                with database.read() as session:
                    session.execute(text("select * from member")).all()
                    session.execute(text("select meeting_id, member_status, attendance from attendance")).all()

            floor()  # warm the page cache
            floor_s, _ = median(floor, args.runs)
            print(f"{database.engine.dialect.name}: {members} member rows, {units} units; "
                  f"floor (all members + all roll-call rows read) {floor_s:.2f} s; {load()}")
            for kind in report_kinds():
                make_report(database, kind.key, start, end)  # warm the page cache
                seconds, _ = median(lambda: make_report(database, kind.key, start, end), args.runs)
                print(f"  {kind.key:<12} {seconds:6.2f} s   ({seconds / floor_s:.1f}× floor)", flush=True)
                print(bench_line(f"report_{kind.key}_s", seconds, floor_s, 3))
            print(f"after: {load()}")


if __name__ == "__main__":
    main()
