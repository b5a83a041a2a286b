"""Days off and make-up working days as data with their source (issue 15 §5).

The program ships the days it knows (``resources/calendar/*.toml``); opening a database adds the
shipped days it lacks and corrects a shipped day the program has since corrected, but never a day
the committee entered or changed (its own origin, or a version above 1). The committee's days travel
down to the branches like rules (``calendar_day`` is committee-owned, down only).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop import paths
from handbook_desktop.store.models import CalendarDay


@dataclass(frozen=True)
class ShippedDay:
    day: date
    kind: str  # day_off | workday
    source: str
    note: str = ""


def shipped_days(folder: Path | None = None) -> list[ShippedDay]:
    folder = folder or paths.resource("calendar")
    days = []
    for file in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        with open(file, "rb") as handle:
            data = tomllib.load(handle)
        for entry in data.get("day", []):
            day = entry["day"] if isinstance(entry["day"], date) else date.fromisoformat(str(entry["day"]))
            days.append(ShippedDay(day, entry["kind"], entry["source"], entry.get("note", "")))
    return days


def refresh_shipped_days(session: Session) -> tuple[int, int]:
    """Add missing shipped days, correct untouched shipped ones; returns (added, corrected)."""
    rows = {row.day: row for row in session.scalars(select(CalendarDay))}
    added = corrected = 0
    for item in shipped_days():
        row = rows.get(item.day)
        if row is None:
            session.add(CalendarDay(day=item.day, kind=item.kind, note=item.note or None, source=item.source,
                                    origin_unit=""))
            added += 1
        elif not row.origin_unit and row.version == 1 and row.deleted_at is None and \
                (row.kind, row.source or "", row.note or "") != (item.kind, item.source, item.note or ""):
            row.kind, row.source, row.note = item.kind, item.source, item.note or None
            corrected += 1
    return added, corrected


def calendar_days(session: Session, year: int | None = None) -> list[dict]:
    """The declared days with where each came from (shown beside the day)."""
    query = select(CalendarDay).where(CalendarDay.deleted_at.is_(None)).order_by(CalendarDay.day)
    rows = [r for r in session.scalars(query) if year is None or r.day.year == year]
    return [{"day": r.day, "kind": r.kind, "note": r.note or "", "source": r.source or "",
             "origin": r.origin_unit or "chương trình"} for r in rows]
