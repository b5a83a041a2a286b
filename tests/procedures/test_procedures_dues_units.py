"""A committee's database: a branch's dues book is generated for that branch's members only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from handbook_desktop.services.auth import SYSTEM
from handbook_desktop.services.demo import generate
from handbook_desktop.services.procedures import dues
from handbook_desktop.services.progress import drain
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Member, Unit
from handbook_desktop.store.models.procedures import DuesMonth


def test_generate_month_for_one_branch(tmp_path):
    with Database.open(tmp_path / "committee.sqlite3") as database:
        drain(generate(database, members=700, seed=2, today=date(2026, 11, 15)))
        with database.session() as session:
            branches = session.scalars(select(Unit.id).where(Unit.level == "chi-bo").order_by(Unit.id)).all()
            second = branches[1]
            added = dues.generate_month(session, SYSTEM, date(2026, 12, 1), unit_ids=[second])
        with database.read() as session:
            units = set(session.scalars(
                select(Member.unit_id).join(DuesMonth, DuesMonth.member_id == Member.id)
                .where(DuesMonth.month == date(2026, 12, 1))))
            lines = session.scalar(select(func.count()).select_from(DuesMonth).where(DuesMonth.month == date(2026, 12, 1)))
    assert len(branches) >= 3
    assert units == {second}
    assert added == lines > 0
