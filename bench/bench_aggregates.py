"""The committee's per-member computations against one plain pass (issue 18 §5: ≤ 2× the floor).

For each — the to-do list, the dues month (making it, and the Đảng phí page reading it), the badge
rounds of the next 12 months, the ratings summary — the median of 3 runs, beside its floor measured
in the same run: one plain SELECT of every member row the computation must look at (the member
columns of ``light_members``), fetched to the end.

Usage:
  python bench/bench_aggregates.py --db demo.sqlite3              # a copy is made first
  python bench/bench_aggregates.py --db postgresql+psycopg://…    # a PostgreSQL demo (demo --db URL)
  python bench/bench_aggregates.py --members 20000                # makes a SQLite demo first
  python bench/bench_aggregates.py --only to-do,dues              # some of the cases
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date

from _common import bench_line, demo_url, load, median


def plain_pass(database):
    """The floor: one plain SELECT of the member columns the lists read, fetched to the end."""
    from sqlalchemy import select

    from handbook_desktop.store.models import Member

    def run():
        with database.read() as session:
            return len(session.execute(select(
                Member.id, Member.uuid, Member.full_name, Member.name_sort, Member.status,
                Member.decision_date, Member.ceremony_date, Member.unit_id)
                .where(Member.deleted_at.is_(None)).order_by(Member.name_sort)).all())
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--on", default="2026-11-15")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated case names (prefixes: to-do, badge, dues, ratings)")
    args = parser.parse_args()
    on = date.fromisoformat(args.on)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("HANDBOOK_HOME", folder)
        from handbook_desktop.services.auth import SYSTEM
        from handbook_desktop.services.procedures.badges import pending, rounds
        from handbook_desktop.services.procedures.dues import generate_month, ledger, month_totals, unpaid_months
        from handbook_desktop.services.procedures.ratings import summary
        from handbook_desktop.services.procedures.todo import todo
        from handbook_desktop.store.database import Database

        url = demo_url(args.db, folder, args.members, on)
        with Database.open(url) as database:
            def read(fn):
                def run():
                    with database.read() as session:
                        return fn(session)
                return run

            def make_month():
                with database.read() as session:  # written and rolled back: the same month each run
                    made = generate_month(session, SYSTEM, date(on.year, 12, 1))
                    session.rollback()
                    return made

            def dues_page(session):
                month = date(on.year, on.month, 1)
                return len(ledger(session, month)) + len(month_totals(session, on.year)) + len(unpaid_months(session, on.year, on))

            floor_pass = plain_pass(database)
            median(floor_pass, 1)  # warm the cache
            floor, members = median(floor_pass, args.runs)
            print(f"{database.engine.dialect.name}: {members} members; floor (one plain pass) {floor:.2f} s; {load()}")
            cases = [
                ("to-do", "todo", read(lambda s: len(todo(s, on))), "items"),
                ("badge rounds 12 months", "badge_rounds", read(lambda s: sum(len(v) for v in rounds(s, on, 12).values())),
                 "people"),
                ("badges chưa xét", "badges_pending", read(lambda s: len(pending(s, None, on))), "milestones"),
                ("dues month (make)", "dues_month_make", make_month, "lines"),
                ("dues page (read)", "dues_page", read(dues_page), "rows"),
                ("ratings summary", "ratings_summary", read(lambda s: len(summary(s, on.year)["rows"])), "rows"),
            ]
            wanted = args.only.split(",") if args.only else None
            for name, key, fn, unit in cases:
                if wanted and not any(name.startswith(w) or key.startswith(w) for w in wanted):
                    continue
                fn()  # warm: the first run of each reads pages the floor did not
                seconds, result = median(fn, args.runs)
                print(f"  {name:<24} {seconds:6.2f} s  {seconds / floor:5.1f}× floor   ({result} {unit})", flush=True)
                print(bench_line(f"aggregate_{key}_s", seconds, floor, "2×"))
            print(f"after: {load()}")


if __name__ == "__main__":
    main()
