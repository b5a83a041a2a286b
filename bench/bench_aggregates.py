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


def plain_insert(database, month: date):
    """The floor of making a month: the same lines written by one plain INSERT … SELECT (constant
    amounts, no basis, no rules), rolled back — what writing the rows costs by itself."""
    from sqlalchemy import String, cast, exists, insert, literal, select

    from handbook_desktop.services.procedures.dues import PAYING_STATES
    from handbook_desktop.store.base import utcnow
    from handbook_desktop.store.models import DuesMonth, Member

    def run():
        with database.read() as session:
            table = DuesMonth.__table__
            chosen = select(Member.id, literal(month), literal("flat"), literal(0), literal(False), literal(False),
                            literal(False), literal("bench-floor-") + cast(Member.id, String),
                            Member.origin_unit, literal(1), literal(utcnow())).where(
                Member.deleted_at.is_(None), Member.status.in_(PAYING_STATES),
                ~exists().where(table.c.member_id == Member.id, table.c.month == month))
            result = session.execute(insert(table).from_select(
                [table.c.member_id, table.c.month, table.c.basis_kind, table.c.amount, table.c.exempt, table.c.paid,
                 table.c.excused, table.c.uuid, table.c.origin_unit, table.c.version, table.c.updated_at], chosen))
            session.rollback()
            return result.rowcount
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
                if key == "dues_month_make":  # a write: its own floor too, the same rows written plainly
                    written, rows = median(plain_insert(database, date(on.year, 12, 1)), args.runs)
                    print(f"  {'  plain insert of them':<24} {written:6.2f} s  → ours {seconds / written:4.1f}× "
                          f"a plain insert ({rows} rows)", flush=True)
                    print(bench_line("aggregate_dues_month_make_vs_insert_s", seconds, written, "2×"))
            print(f"after: {load()}")


if __name__ == "__main__":
    main()
