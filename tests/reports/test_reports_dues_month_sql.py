"""The dues month made in the database (issue 18 §5) equals the month computed member by member.

``generate_month`` writes a committee's month with one INSERT … SELECT. Here every line is compared with
the plainest second path, the one the ledger used before: each member record with its events, its
latest basis in force read by the ORM, its party age through ``domain.party_age`` and the amount through
``domain.dues.monthly_dues``. The demo is varied at random (seeded) with every kind of basis, reductions
running and ended, exemptions with and without a reason, members' own amounts, deleted and same-day
bases, members 50 years in the Party with and without a gap, a ceremony after the 28th and a line
already made — before and after 03/02/2026, when the rules change."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import delete, select

from handbook_desktop.domain.dues import DuesBasisValue, monthly_dues
from handbook_desktop.services.auth import SYSTEM
from handbook_desktop.services.procedures import dues as dues_service
from handbook_desktop.services.procedures.common import add_event, member_party_age, rules
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import DuesBasis, DuesMonth, Member

PAYING = dues_service.PAYING_STATES


def _vary(database, seed: int) -> None:
    rng = random.Random(seed)
    with database.session() as session:
        # the demo keeps every branch's book up to its today: the months measured are made again here,
        # but for one branch (whose lines are kept, as generate_month keeps existing lines)
        kept = session.scalar(select(Member.unit_id).order_by(Member.id))
        session.execute(delete(DuesMonth).where(DuesMonth.month.in_([date(2026, 1, 1), date(2026, 3, 1)]),
                                                DuesMonth.member_id.not_in(select(Member.id).where(
                                                    Member.unit_id == kept))))
        people = list(session.scalars(select(Member).where(Member.deleted_at.is_(None)).order_by(Member.id)))
        for person in rng.sample(people, min(len(people), 160)):
            choice = rng.random()
            start = rng.choice([date(2025, 1, 1), date(2026, 1, 1), date(2026, 3, 1), date(2026, 12, 1)])
            kind = rng.choice(["insured_salary", "pension", "student", "flat", "abroad", "exempt"])
            row = DuesBasis(member_id=person.id, effective_from=start, kind=kind, origin_unit=person.origin_unit,
                            base_amount=rng.choice([None, 0, 4_680_000, 5_850_001, 7_020_150, 12_636_333])
                            if kind in ("insured_salary", "pension") or choice < 0.1 else None,
                            flat_amount=rng.choice([None, 20_000, 7_777]) if kind in ("flat", "abroad") else None,
                            reduction_percent=rng.choice([0, 0, 30, 50, 70])  # reductions came with 01-QĐ/TW
                            if kind != "exempt" and start >= date(2026, 3, 1) else 0,
                            reduction_until=rng.choice([None, date(2026, 6, 30), date(2026, 12, 31)]),
                            exempt_reason=rng.choice([None, "", "Ốm đau dài ngày"]) if kind == "exempt" else None)
            session.add(row)
            if choice < 0.15:  # a second basis on the same day: the later row wins
                session.add(DuesBasis(member_id=person.id, effective_from=start, kind="flat", flat_amount=9_000,
                                      origin_unit=person.origin_unit))
            elif choice < 0.25:  # a deleted later basis counts for nothing
                session.add(DuesBasis(member_id=person.id, effective_from=start, kind="student",
                                      origin_unit=person.origin_unit, deleted_at=utcnow()))
            if choice > 0.9:
                person.dues_category = rng.choice(["Hưu trí", "Sinh viên", "Miễn", "lương", None])
                person.occupation = rng.choice(["Cán bộ hưu trí", "Sinh viên", "Tự do", None, "Học sinh"])
        olds = [p for p in people if p.status in PAYING][:12]
        for index, person in enumerate(olds):
            # 50 years in the Party around the first of the months measured, some with a gap in it
            person.decision_date = date(1976, 12, 1 + index % 3) if index < 6 else date(1976, 2, index - 5)
            if index % 4 == 0:
                add_event(session, SYSTEM, person, "lost_contact", date(1990, 1, 1))
                add_event(session, SYSTEM, person, "contact_restored", date(1990, 1 + index, 2))
        late = [p for p in people if p.status in PAYING][20:23]
        for person in late:
            person.ceremony_date = date(2026, 12, 29)


def _expected(session, month: date) -> dict[int, tuple]:
    """Member by member, through the ORM and the domain rules: nothing chosen in SQL."""
    book = rules(session)
    made = set(session.scalars(select(DuesMonth.member_id).where(DuesMonth.month == month)))
    found = {}
    for member in session.scalars(select(Member).order_by(Member.id)):
        if member.deleted_at is not None or member.status not in PAYING or member.id in made:
            continue
        if member.ceremony_date and member.ceremony_date > month.replace(day=28):
            continue
        rows = [r for r in member_bases(session, member) if r.effective_from <= month]
        if rows:
            row = max(rows, key=lambda r: (r.effective_from, r.id))
            basis = DuesBasisValue(row.kind, row.base_amount, row.flat_amount, row.reduction_percent,
                                   row.reduction_until, row.exempt_reason)
        else:
            basis = dues_service.default_basis(member)
        due = monthly_dues(book, basis, month, member_party_age(member, month))
        found[member.id] = (basis.kind, basis.base_amount, due.amount, due.exempt, due.explanation, member.origin_unit)
    return found


def member_bases(session, member) -> list[DuesBasis]:
    return list(session.scalars(select(DuesBasis).where(DuesBasis.member_id == member.id,
                                                        DuesBasis.deleted_at.is_(None))))


def _made(session, month: date, before: set[int]) -> dict[int, tuple]:
    return {line.member_id: (line.basis_kind, line.base_amount, line.amount, line.exempt, line.note, line.origin_unit)
            for line in session.scalars(select(DuesMonth).where(DuesMonth.month == month))
            if line.id not in before}


@pytest.mark.parametrize("seed", [3, 17])
def test_a_month_made_in_the_database_equals_the_month_member_by_member(committee_db, seed):
    _vary(committee_db, seed)
    every = {}
    for month in (date(2026, 1, 1), date(2026, 3, 1), date(2026, 12, 1)):
        with committee_db.session() as session:
            expected = _expected(session, month)
            before = set(session.scalars(select(DuesMonth.id)))
            added = dues_service.generate_month(session, SYSTEM, month)
            made = _made(session, month, before)
            lines = list(session.scalars(select(DuesMonth).where(DuesMonth.month == month,
                                                                 DuesMonth.id.not_in(before))))
        assert added == len(expected) == len(made)
        assert made == expected and len(made) > 100
        every.update({(month, k): v for k, v in made.items()})
        assert all(not line.paid and not line.excused and line.paid_on is None and line.version == 1 for line in lines)
        assert len({line.uuid for line in lines}) == len(lines) and all(len(line.uuid) == 36 for line in lines)
    assert any(v[3] for v in every.values()) and any(v[2] for v in every.values())  # exempt lines and amounts
    assert {v[0] for v in every.values()} >= {"insured_salary", "pension", "student", "flat", "abroad", "exempt"}
    # made again: nothing new (the lines are kept)
    with committee_db.session() as session:
        assert dues_service.generate_month(session, SYSTEM, date(2026, 12, 1)) == 0


def test_the_month_of_one_branch_only_its_members(committee_db):
    with committee_db.session() as session:
        unit_id = session.scalars(select(Member.unit_id).where(Member.status == "official")
                                  .order_by(Member.unit_id.desc())).first()
        month = date(2026, 12, 1)
        expected = {k: v for k, v in _expected(session, month).items()
                    if session.get(Member, k).unit_id == unit_id}
        before = set(session.scalars(select(DuesMonth.id)))
        assert dues_service.generate_month(session, SYSTEM, month, unit_ids=[unit_id]) == len(expected) > 0
        assert _made(session, month, before) == expected


def test_a_reduction_the_rules_do_not_allow_refuses_the_month_and_writes_nothing(committee_db):
    with committee_db.session() as session:
        person = session.scalars(select(Member).where(Member.status == "official")).first()
        session.add(DuesBasis(member_id=person.id, effective_from=date(2026, 3, 1), kind="insured_salary",
                              base_amount=5_000_000, reduction_percent=40, origin_unit=person.origin_unit))
    with committee_db.read() as session:
        before = session.scalars(select(DuesMonth.id)).all()
    with pytest.raises(ValueError, match="reduction 40"):
        with committee_db.session() as session:
            dues_service.generate_month(session, SYSTEM, date(2026, 12, 1))
    with committee_db.read() as session:
        assert session.scalars(select(DuesMonth.id)).all() == before
