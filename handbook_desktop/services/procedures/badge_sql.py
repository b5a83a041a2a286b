"""Badge milestones of a committee chosen by the database (issue 18 §5).

For a member whose history holds nothing that moves a milestone (no gap in party age, no death, no
discipline, no serious illness: "simple"), the domain's rule comes down to this: the milestone of
``years`` is reached ``12 × years`` months after the decision date, and the member is proposed at the
first award day on or after it. So the simple members proposed on the award days ``days`` (consecutive
award days, as ``domain.badges.award_dates`` gives them) are exactly those whose milestone falls after
the award day before ``days[0]`` and on or before ``days[-1]``: for each milestone, one range of
decision dates, computed here in Python from the same ``add_months`` and handed to the database. The
database returns only those members; the award day of each is a binary search in ``days``. Members with
a moving event go through the domain's own rule (``_due_for``), as before; milestones already awarded or
dismissed are taken off from their events. The tests compare both paths with every member through the
rule itself.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from handbook_desktop.domain.badges import BadgeDue
from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.party_age import GAP_END_KINDS, GAP_KIND, GAP_START_KINDS
from handbook_desktop.store.models import Member, MemberEvent

# Events after which the domain's rule, not the plain milestone, decides.
COMPLEX_KINDS = sorted(GAP_START_KINDS | GAP_END_KINDS | {GAP_KIND, "death", "discipline", "seriously_ill"})
SETTLING_KINDS = ("badge", "badge_dismissed")
_DAY = timedelta(days=1)


def last_decision_reaching(years: int, upto: date) -> date:
    """The latest decision date whose milestone of ``years`` (plain: no gaps) is on or before ``upto``."""
    months = 12 * years
    day = add_months(upto, -months)
    while add_months(day + _DAY, months) <= upto:
        day += _DAY
    while add_months(day, months) > upto:
        day -= _DAY
    return day


def decision_range(years: int, after: date | None, upto: date) -> tuple[date | None, date]:
    """Decision dates whose plain milestone of ``years`` falls in (``after``, ``upto``]."""
    low = None if after is None else last_decision_reaching(years, after) + _DAY
    return low, last_decision_reaching(years, upto)


def complex_members():
    return select(MemberEvent.member_id).where(MemberEvent.kind.in_(COMPLEX_KINDS), MemberEvent.deleted_at.is_(None))


def simple_dues(session: Session, milestones, days: list[date], before: date | None, conditions: tuple,
                reach_low: date | None = None, reach_high: date | None = None,
                overdue: bool = False) -> list[tuple[SimpleNamespace, BadgeDue, int]]:
    """(light row without events, due, index of the milestone) of every simple member chosen by
    ``conditions`` whose unsettled milestone falls after ``before`` (the award day before ``days[0]``)
    and on or before ``days[-1]``, and inside [``reach_low``, ``reach_high``] — in name order."""
    if not days:
        return []
    ranges = {}
    for years in milestones:
        after = before if reach_low is None else max(before, reach_low - _DAY) if before else reach_low - _DAY
        upto = days[-1] if reach_high is None else min(days[-1], reach_high)
        if after is not None and upto <= after:
            continue
        ranges[years] = decision_range(years, after, upto)
    if not ranges:
        return []
    within = [Member.decision_date <= high if low is None else Member.decision_date.between(low, high)
              for low, high in ranges.values()]
    rows = session.execute(select(Member.id, Member.uuid, Member.full_name, Member.name_sort, Member.status,
                                  Member.decision_date, Member.ceremony_date)
                           .where(*conditions, Member.deleted_at.is_(None), Member.decision_date.is_not(None),
                                  or_(*within), Member.id.not_in(complex_members()))).all()
    rows.sort(key=lambda row: (row[3], row[0]))  # name order (sorting here is cheaper than in the query)
    found = []
    index_of = {years: index for index, years in enumerate(milestones)}
    for row in rows:
        person = None
        decided = row.decision_date
        for years, (low, high) in ranges.items():
            if decided > high or (low is not None and decided < low):
                continue
            reach = add_months(decided, 12 * years)
            award = days[bisect_left(days, reach)]
            if person is None:
                person = SimpleNamespace(id=row[0], uuid=row[1], full_name=row[2], name_sort=row[3], status=row[4],
                                         decision_date=decided, ceremony_date=row[6], deleted_at=None, events=[])
            found.append((person, BadgeDue(row.uuid, years, reach, award, overdue=overdue), index_of[years]))
    return _unsettled(session, found)


def _unsettled(session: Session, found: list) -> list:
    """Without the milestones already awarded or dismissed (the member's badge events say which)."""
    from handbook_desktop.services.procedures.common import event_detail

    if not found:
        return found
    settled = {(member_id, int(event_detail(SimpleNamespace(detail=detail)).get("years", 0)))
               for member_id, detail in session.execute(select(MemberEvent.member_id, MemberEvent.detail).where(
                   MemberEvent.kind.in_(SETTLING_KINDS), MemberEvent.deleted_at.is_(None)))}
    if not settled:
        return found
    return [item for item in found if (item[0].id, item[1].years) not in settled]


def award_day_before(book, day: date) -> date | None:
    """The last award day before ``day`` (``None``: none in the 30 years before)."""
    from handbook_desktop.domain.badges import award_dates

    earlier = award_dates(book, date(day.year - 30, 1, 1), day - _DAY)
    return earlier[-1] if earlier else None


def may_move(where) -> tuple:
    """Conditions for the members the domain's rule must see: chosen by ``where``, with a moving event."""
    return (and_(where, Member.id.in_(complex_members())),)
