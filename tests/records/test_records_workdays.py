"""Working days as published (issue 15 §5), the April 2025 case worked by hand.

For 30/4–1/5/2025 the Government moved the working day of Friday 02/05 to Saturday 26/04
(Thông báo 6150/TB-BNV). A decision received on Friday 14/03/2025 must be followed by the ceremony
within 30 working days: 17/03–25/04 holds 29 working days (Giỗ Tổ on Monday 07/04 is off), so the 30th
is Saturday 26/04 — the program said Monday 28/04, one day late, when it counted the day off but
not the make-up Saturday. From 18/03 the 30th is 29/04, then 05/05 without it (30/04–04/05 are off).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.domain import workdays
from handbook_desktop.services.calendar_days import calendar_days
from handbook_desktop.services.procedures.common import set_calendar_day, work_calendar
from handbook_desktop.services.rules import refresh_shipped_rules
from handbook_desktop.store.models import AuditLog, CalendarDay


@pytest.mark.parametrize("from_package", [True, False])
def test_the_april_2025_make_up_saturday_counts(db, monkeypatch, from_package):
    if not from_package:  # the shipped data alone carries it (a package that does not know the swap)
        monkeypatch.setattr(workdays, "_package_makeup_days", lambda year: frozenset())
    with db.read() as session:
        calendar = work_calendar(session)
        days = {d["day"]: d for d in calendar_days(session, 2025)}
    assert days[date(2025, 4, 26)]["kind"] == "workday" and "6150/TB-BNV" in days[date(2025, 4, 26)]["source"]
    assert days[date(2025, 4, 26)]["origin"] == "chương trình"
    assert calendar.is_working_day(date(2025, 4, 26)) and not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.add_working_days(date(2025, 3, 14), 30) == date(2025, 4, 26)
    assert calendar.add_working_days(date(2025, 3, 18), 30) == date(2025, 4, 29)
    assert not workdays.WorkCalendar(workdays=()).is_working_day(date(2025, 4, 19))  # other Saturdays stay off


def test_the_committee_corrects_a_shipped_day_and_a_newer_program_leaves_it(db, secretary):
    with db.session() as session:
        set_calendar_day(session, secretary, date(2026, 8, 22), "day_off", "Không làm bù",
                         source="Công văn 12-CV/ĐU (check)")
    with db.session() as session:  # the program's files are read again when the database opens
        refresh_shipped_rules(session)
    with db.read() as session:
        row = session.scalars(select(CalendarDay).where(CalendarDay.day == date(2026, 8, 22))).one()
        assert (row.kind, row.source, row.origin_unit) == ("day_off", "Công văn 12-CV/ĐU (check)", "CB-TEST")
        assert not work_calendar(session).is_working_day(date(2026, 8, 22))
        assert session.scalars(select(AuditLog).where(AuditLog.entity == "calendar_day")).first() is not None


def test_an_older_database_gets_the_shipped_days(db):
    with db.session() as session:
        for row in session.scalars(select(CalendarDay)):
            session.delete(row)
    with db.session() as session:
        refresh_shipped_rules(session)
    with db.read() as session:
        assert date(2025, 4, 26) in {d["day"] for d in calendar_days(session)}
        line = session.scalars(select(AuditLog).where(AuditLog.action == "calendar_update")).one()
        assert '"added": 6' in line.detail
