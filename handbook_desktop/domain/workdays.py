"""Working days: Mondays–Fridays that are not Vietnamese public holidays (DOMAIN.md §13).

Public holidays, the lunar ones included (Tết Nguyên Đán, Giỗ Tổ Hùng Vương), come from the
maintained ``holidays`` package; the committee's own announcements (an extra day off, a Saturday
worked to make up for a bridge day) arrive as data and win over the package. Where the package knows
a bridge day "substituted from" a Saturday, that Saturday is worked (the April 2025 case: 02/05 off,
26/04 worked) — counting only the day off made deadlines one day late.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable

import holidays


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Vietnam(years=year).keys())


_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=64)
def _package_makeup_days(year: int) -> frozenset[date]:
    """Weekend days worked in exchange for a bridge day off, as the package records them."""
    found = set()
    for name in holidays.Vietnam(years=[year - 1, year, year + 1]).values():
        for part in str(name).split("; "):
            match = _SUBSTITUTED.search(part)
            if match:
                month, day, in_year = (int(g) for g in match.groups())
                found.add(date(in_year, month, day))
    return frozenset(d for d in found if d.year == year)


def public_holiday_name(day: date) -> str | None:
    return holidays.Vietnam(years=day.year).get(day)


class WorkCalendar:
    """Decides whether a day is a working day and counts deadlines in working days.

    ``days_off``: days the committee declared off (beyond the public holidays);
    ``workdays``: days declared worked although they fall on a weekend or a holiday (make-up days).
    """

    def __init__(self, days_off: Iterable[date] = (), workdays: Iterable[date] = ()):
        self.days_off = frozenset(days_off)
        self.workdays = frozenset(workdays)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        if day in _package_makeup_days(day.year):
            return True
        return day.weekday() < 5 and day not in _public_holidays(day.year)

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself is not counted).

        A deadline "within 30 working days of the decision" is ``add_working_days(decision, 30)``.
        """
        if count < 0:
            raise ValueError("count must be >= 0")
        day = start
        left = count
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


DEFAULT_CALENDAR = WorkCalendar()
