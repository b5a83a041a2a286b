"""Dates as a secretary reads them (dd/mm/yyyy) and month arithmetic for party age and probation."""

from __future__ import annotations

import calendar
from datetime import date, datetime


def format_date(value: date | datetime | None) -> str:
    """``05/03/2026``; empty for no date."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M")


def parse_date(text: str | None) -> date | None:
    """Parse ``dd/mm/yyyy`` (also ``-`` and ``.``) or ISO ``yyyy-mm-dd``; ``None`` for empty.

    Raises ``ValueError`` for anything else: a date is never guessed.
    """
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    for sep in ("/", "-", "."):
        parts = value.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            day, month, year = (int(p) for p in parts)
            return date(year, month, day)
    raise ValueError(f"Không hiểu ngày '{value}': hãy viết theo dạng dd/mm/yyyy.")


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later; the last day of the month when that day does not exist."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if start.day <= 28:  # every month has the day (the common case, and this runs per member per milestone)
        return date(year, month, start.day)
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def whole_months_between(start: date, end: date) -> int:
    """Completed months from ``start`` to ``end`` (negative if ``end`` is earlier)."""
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def age_on(birth: date, on: date) -> int:
    """Age in whole years on a day."""
    return whole_months_between(birth, on) // 12
