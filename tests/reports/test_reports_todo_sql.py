"""The to-do chosen in the database (issue 18 §5) equals the to-do read from every member.

``todo`` no longer reads the committee's 50,000 members: each kind of item asks the database for
the members it can concern, and badge milestones of members whose history moves nothing are chosen by
ranges of decision dates (``badge_sql``). The second path is the to-do as it was computed before
(``todo_reference``: every member's light row and events read, every rule run per member). A committee
demo is varied at random (seeded): badges awarded and dismissed, gaps, deaths, illness, discipline,
official and temporary transfers, lost and reissued cards, ratings, unpaid months, namesakes —
and both lists are compared item by item, member by member, in order, on several days."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from handbook_desktop.services.auth import SYSTEM
from handbook_desktop.services.procedures import badges as badge_service
from handbook_desktop.services.procedures import dues as dues_service
from handbook_desktop.services.procedures.common import add_event
from handbook_desktop.services.procedures.todo import todo
from handbook_desktop.store.models import DuesMonth, Member, Rating

import ratings_reference  # noqa: E402  (tests/reports/ratings_reference.py: the summary as computed before)
import todo_reference  # noqa: E402  (tests/reports/todo_reference.py: the to-do as computed before issue 18 §5)

DAYS = (date(2026, 11, 15), date(2026, 12, 20), date(2027, 3, 1))


def _vary(database, seed: int) -> None:
    rng = random.Random(seed)
    with database.session() as session:
        people = list(session.scalars(select(Member).where(Member.deleted_at.is_(None)).order_by(Member.id)))
        decided = [p for p in people if p.decision_date is not None]
        for person in rng.sample(decided, 60):
            kind = rng.choice(["badge", "badge_dismissed", "removed", "lost_contact", "death", "seriously_ill",
                               "discipline", "transfer_out_official", "transfer_presented", "card_lost",
                               "card_reissued", "party_age_gap", "transfer_out_temporary"])
            day = date(rng.randint(1995, 2026), rng.randint(1, 12), rng.randint(1, 28))
            if kind in ("badge", "badge_dismissed"):
                add_event(session, SYSTEM, person, kind, day, detail={"years": rng.choice([30, 40, 45, 50, 55, 60])})
            elif kind == "discipline":
                add_event(session, SYSTEM, person, kind, date(2026, rng.randint(1, 10), 3),
                          detail={"kind": rng.choice(["reprimand", "warning"])})
            elif kind in ("removed", "lost_contact"):
                add_event(session, SYSTEM, person, kind, day)
                if rng.random() < 0.7:
                    add_event(session, SYSTEM, person, "readmitted" if kind == "removed" else "contact_restored",
                              day + timedelta(days=rng.randint(40, 900)))
            elif kind == "party_age_gap":
                add_event(session, SYSTEM, person, kind, day, end_date=day + timedelta(days=rng.randint(30, 400)))
            elif kind == "transfer_out_official":
                add_event(session, SYSTEM, person, kind, date(2026, rng.randint(1, 11), 2))
            elif kind == "transfer_out_temporary":
                add_event(session, SYSTEM, person, kind, date(2026, 6, 1), end_date=date(2026, rng.randint(7, 12), 1))
                person.status = "temporarily_away"
            elif kind == "death":
                add_event(session, SYSTEM, person, kind, date(2026, rng.randint(1, 10), 5))
                person.status = "deceased"
            else:
                add_event(session, SYSTEM, person, kind, date(2026, rng.randint(1, 10), 5))
        for person in rng.sample(decided, 30):  # milestones at the ranges' edges, and namesakes
            person.decision_date = rng.choice([date(1996, 11, 7), date(1996, 11, 8), date(1986, 2, 28),
                                               date(1976, 2, 29), date(1966, 9, 2), date(1996, 2, 3),
                                               date(1995, 11, 8), date(1981, 5, 19)])
            if rng.random() < 0.3:
                person.name_sort = decided[0].name_sort
        for person in rng.sample(decided, 20):
            session.add(Rating(unit_id=person.unit_id, member_id=person.id, year=2026, level="good", score=80,
                               origin_unit=person.origin_unit))
        for month in (7, 8, 9):
            dues_service.generate_month(session, SYSTEM, date(2026, month, 1))
        late = {p.id for p in rng.sample(people, 40)}
        for line in session.scalars(select(DuesMonth).where(DuesMonth.month >= date(2026, 7, 1))):
            line.paid = line.member_id not in late or rng.random() < 0.2


@pytest.mark.parametrize("seed", [2, 9])
def test_the_todo_chosen_in_the_database_equals_the_todo_over_every_member(committee_db, seed):
    _vary(committee_db, seed)
    for on in DAYS:
        with committee_db.read() as session:
            ours = [item.as_json() for item in todo(session, on)]
        with committee_db.read() as session:
            plain = [item.as_json() for item in todo_reference.todo(session, on)]
        assert ours == plain, on
        kinds = {item["kind"] for item in ours}
        assert {"badge_round", "badge_pending", "probation_vote_due"} <= kinds, kinds
        if on.year == 2026:  # the varied months' dues; ratings are due in December
            assert "unpaid_dues" in kinds and (on.month < 12 or "ratings_due" in kinds), kinds
        assert sum(item["count"] for item in ours) > 50


@pytest.mark.parametrize("seed", [4])
def test_badge_rounds_and_milestones_chosen_by_ranges_equal_the_rule_for_everyone(committee_db, seed):
    _vary(committee_db, seed)
    for on in DAYS:
        with committee_db.read() as session:
            everyone = badge_service.light_members(session)
            for months in (0, 1, 12):
                fast = badge_service.round_people(session, on, months)
                plain = badge_service.rounds(session, on, months, everyone)
                assert {d: [(m.uuid, due) for m, due in v] for d, v in fast.items()} == \
                    {d: [(m.uuid, due) for m, due in v] for d, v in plain.items()}, (on, months)
            records = badge_service.rounds(session, on, 12)
            assert {d: [(m.uuid, due) for m, due in v] for d, v in records.items()} == \
                {d: [(m.uuid, due) for m, due in v] for d, v in badge_service.rounds(session, on, 12, everyone).items()}
            fast = badge_service.pending(session, None, on)
            plain = badge_service.pending(session, everyone, on)
            assert [(m.uuid, due) for m, due in fast] == [(m.uuid, due) for m, due in plain], on
            assert len(plain) > 20


@pytest.mark.parametrize("seed", [6])
def test_the_ratings_summary_read_in_the_database_equals_the_summary_over_every_member(committee_db, seed):
    from handbook_desktop.services.procedures.ratings import summary
    from handbook_desktop.store.base import utcnow
    from handbook_desktop.store.models import MemberEvent

    _vary(committee_db, seed)
    with committee_db.session() as session:  # disciplines this year and last, one deleted
        people = list(session.scalars(select(Member).where(Member.status == "official").order_by(Member.id)))[:6]
        for index, person in enumerate(people):
            add_event(session, SYSTEM, person, "discipline", date(2025 + index % 2, 6, 1), detail={"kind": "warning"})
        session.flush()
        session.scalars(select(MemberEvent).where(MemberEvent.member_id == people[0].id,
                                                  MemberEvent.kind == "discipline")).first().deleted_at = utcnow()
    with committee_db.read() as session:
        units = sorted(set(session.scalars(select(Member.unit_id))))[:3]
        for year in (2025, 2026):
            for unit_id in (None, *units):
                ours = summary(session, year, unit_id)
                plain = ratings_reference.summary(session, year, unit_id)
                assert ours == plain, (year, unit_id)
        assert any(row["disciplined"] for row in summary(session, 2026)["rows"])
        assert summary(session, 2025)["counts"] != {level: 0 for level in summary(session, 2025)["counts"]}
