"""Meetings at committee scale: the demo's year of meetings for 50,000 members, then the queries.

Usage: python bench/bench_meetings.py [--members 50000] [--seed 1]
Prints the time of each demo step (members, meetings, the other areas), and of list_meetings,
meeting_detail of the largest meeting, compliance_for every branch and screening for the year.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 15)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["HANDBOOK_HOME"] = folder
        from sqlalchemy import func, select

        from handbook_desktop.services import demo
        from handbook_desktop.services import meetings as svc
        from handbook_desktop.services.progress import drain
        from handbook_desktop.store.database import Database
        from handbook_desktop.store.models import Meeting, MeetingAttendance

        demo._load_extensions()
        timings: dict[str, float] = {}

        def timed(function):
            def run(context):
                started = time.perf_counter()
                work = function(context)
                result = (yield from work) if work is not None else None
                timings[function.__module__.rsplit(".", 1)[-1]] = time.perf_counter() - started
                return result
            return run

        demo.EXTENSIONS[:] = [timed(f) for f in demo.EXTENSIONS]
        path = Path(folder) / "bench.sqlite3"
        started = time.perf_counter()
        with Database.open(path) as database:
            drain(demo.generate(database, members=args.members, seed=args.seed, today=TODAY))
            total = time.perf_counter() - started
            with database.read() as session:
                meetings = session.scalar(select(func.count()).select_from(Meeting))
                lines = session.scalar(select(func.count()).select_from(MeetingAttendance))
                t = time.perf_counter()
                rows = svc.list_meetings(session, year=2026)
                t_list = time.perf_counter() - t
                biggest = max(rows, key=lambda m: m.summoned).uuid
                t = time.perf_counter()
                svc.meeting_detail(session, biggest)
                t_detail = time.perf_counter() - t
                t = time.perf_counter()
                strips = svc.compliance_for(session, 2026, TODAY)
                t_strip = time.perf_counter() - t
                t = time.perf_counter()
                result = svc.screening(session, 2026, TODAY)
                t_screen = time.perf_counter() - t
            import sqlite3

            connection = sqlite3.connect(path)  # the floor: one plain pass over the year's roll call
            for _ in range(2):  # the second time, with the pages in cache as the program's queries had them
                t = time.perf_counter()
                connection.execute(
                    "SELECT a.meeting_id, a.member_id, a.attendance, m.unit_id, m.meeting_date FROM attendance a "
                    "JOIN meeting m ON m.id = a.meeting_id WHERE m.meeting_date >= '2026-01-01'").fetchall()
                t_floor = time.perf_counter() - t
            connection.close()
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    print(f"demo --members {args.members}: {total:.1f} s in all ({steps}); {meetings} meetings, {lines} roll-call lines")
    print(f"list_meetings(2026): {len(rows)} in {t_list:.2f} s; meeting_detail (largest): {t_detail:.2f} s; "
          f"compliance_for {len(strips)} branches: {t_strip:.2f} s; screening: {t_screen:.2f} s "
          f"({len(result.unexcused)} unexcused, {len(result.excused_in_a_row)} in a row, "
          f"{len(result.missing_regular)} months, {len(result.missing_thematic)} quarters)")
    print(f"floor: one plain SELECT of the year's roll-call lines with their meetings: {t_floor:.2f} s")
    print(f"BENCH meetings_compliance_s ours={t_strip:.3f} floor={t_floor:.3f}")
    print(f"BENCH meetings_screening_s ours={t_screen:.3f} floor={t_floor:.3f}")


if __name__ == "__main__":
    main()
