"""Members with a given party history, for the worked cases of tests/records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handbook_desktop.store.models import Member, Unit


def member(session, name, decision, status="official", born=date(1950, 1, 1), **extra) -> Member:
    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
    unit_id = extra.pop("unit_id", unit.id)
    row = Member(unit_id=unit_id, status=status, full_name=name, date_of_birth=born, decision_date=decision,
                 ceremony_date=decision, official_date=date(decision.year + 1, decision.month, decision.day),
                 origin_unit=unit.code, **extra)
    session.add(row)
    session.flush()
    return row
