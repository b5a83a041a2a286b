"""The committee's per-member lists chosen in the database (issue 18 §5) equal a full pass.

Badge rounds and milestones "chưa xét" now look only at members the database picks (a decision
date in a milestone's range, or an event that moves the milestone); the dues totals are summed in
SQL. Each is compared here with the plainest second path: every member record with all its events
through the domain rules, every dues line added up in Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from handbook_desktop.domain.badges import _due_for, award_dates, pending_badges
from handbook_desktop.domain.dates import add_months
from handbook_desktop.services.auth import SYSTEM
from handbook_desktop.services.procedures import badges as badge_service
from handbook_desktop.services.procedures import dues as dues_service
from handbook_desktop.services.procedures.common import add_event, rules
from handbook_desktop.services.start import records_start
from handbook_desktop.store.models import DuesMonth, Member

ON = date(2026, 11, 15)


def _unusual_members(database) -> None:
    """Members whose milestone a gap, death, illness or discipline moves, and some at a range's edge."""
    with database.session() as session:
        people = list(session.scalars(select(Member).where(Member.status == "official",
                                                           Member.decision_date.is_not(None)).order_by(Member.id)))
        gap, dead, ill, punished = people[1], people[2], people[3], people[4]
        add_event(session, SYSTEM, gap, "removed", date(1990, 3, 1))
        add_event(session, SYSTEM, gap, "readmitted", date(1993, 3, 1))
        add_event(session, SYSTEM, dead, "death", date(2026, 6, 1))
        dead.status = "deceased"
        add_event(session, SYSTEM, ill, "seriously_ill", date(2026, 1, 10))
        add_event(session, SYSTEM, punished, "discipline", date(2026, 2, 1), detail={"kind": "reprimand"})
        for person, decided in zip(people[5:15], (
                date(1996, 11, 15), date(1996, 11, 16), date(1985, 10, 31), date(1976, 12, 31), date(1987, 2, 28),
                date(1986, 2, 28), date(1981, 11, 14), date(1995, 12, 20), date(1966, 3, 2), date(1971, 2, 3))):
            person.decision_date = decided  # 30, 40, 45, 50… years on, either side of the rounds' limits
        # Seriously ill, proposed up to 12 (30 years) or 24 months (70 years) before the milestone: the
        # last round of the year ahead (07/11/2027) takes those reaching it nearly two years later.
        for person, decided in zip(people[15:17], (date(1959, 11, 1), date(1998, 11, 1))):
            person.decision_date = decided
            add_event(session, SYSTEM, person, "seriously_ill", date(2026, 9, 1))


def _plain_rounds(book, people, start, months=12) -> dict:
    """Every member, every milestone not yet settled, through the rule itself: no range, no shortcut."""
    days = award_dates(book, start, add_months(start, months))
    found = {day: [] for day in days}
    for person in people:
        if person.decision_date is None:
            continue
        for years in book.value("badge.milestones_years", start):
            if years in person.awarded_years | person.dismissed_years:
                continue
            due = _due_for(book, person, years)
            if due is not None and due.award_date in found:
                found[due.award_date].append(due)
    for dues in found.values():
        dues.sort(key=lambda d: (d.reach_date, d.key))
    return found


def _everyone(session):
    """Every member as a full record with every event (the ORM's relationships), nothing chosen."""
    return [m for m in session.scalars(select(Member)) if m.deleted_at is None]


def test_badge_rounds_and_pending_chosen_in_the_database_equal_a_full_pass(committee_db):
    _unusual_members(committee_db)
    with committee_db.read() as session:
        book = rules(session)
        chosen = badge_service.rounds(session, ON, 12)
        people = [m for m in _everyone(session) if m.decision_date is not None
                  and m.status not in badge_service._NOT_PROPOSED]
        full = _plain_rounds(book, [badge_service._badge_input(m) for m in people], ON, 12)
        assert {day: [(m.uuid, d) for m, d in found] for day, found in chosen.items()} == \
            {day: [(d.key, d) for d in dues] for day, dues in full.items()}
        assert sum(len(v) for v in full.values()) > 10
        # … and with the to-do's light rows given, the same again
        light = badge_service.light_members(session)
        given = badge_service.rounds(session, ON, 12, light)
        assert {day: [d for _, d in found] for day, found in given.items()} == full
        waiting = badge_service.pending(session, None, ON)
        since = records_start(session)
        everything = [due for m in people for due in pending_badges(book, badge_service._badge_input(m), ON,
                                                                    records_from=since)]
        order = lambda pair: (pair[0], pair[1].years, pair[1].award_date)  # noqa: E731
        assert sorted(((m.uuid, d) for m, d in waiting), key=order) == sorted(((d.key, d) for d in everything), key=order)
        assert len(everything) > 10


def test_dues_totals_summed_in_the_database_equal_the_lines(committee_db):
    with committee_db.session() as session:
        dues_service.generate_month(session, SYSTEM, date(2026, 10, 1))
        for index, line in enumerate(session.scalars(select(DuesMonth).order_by(DuesMonth.id))):
            line.paid = index % 3 == 0
    with committee_db.read() as session:
        units = {m.id: m.unit_id for m in session.scalars(select(Member))}
        lines = [d for d in session.scalars(select(DuesMonth)) if d.deleted_at is None]
        for unit_id in (None, *sorted({units[d.member_id] for d in lines})[:3]):
            want: dict = defaultdict(lambda: {"lines": 0, "due": 0, "paid": 0, "unpaid_lines": 0})
            for d in lines:
                if d.month.year == 2026 and (unit_id is None or units[d.member_id] == unit_id):
                    entry = want[d.month]
                    entry["lines"] += 1
                    entry["due"] += d.amount
                    entry["paid"] += d.amount if d.paid else 0
                    entry["unpaid_lines"] += 1 if not d.paid and d.amount > 0 else 0
            got = dues_service.month_totals(session, 2026, unit_id)
            assert got == [{"month": m, **want[m]} for m in sorted(want)], unit_id
            assert got and got[-1]["paid"] > 0
            ledger = dues_service.ledger(session, date(2026, 10, 1), unit_id)
            assert len(ledger) == sum(1 for d in lines if d.month == date(2026, 10, 1)
                                      and (unit_id is None or units[d.member_id] == unit_id))
