"""Party badge (Huy hiệu Đảng): milestones of party age and the award days (DOMAIN.md §9).

Every number comes from the rules ``badge.*`` in force on the award date concerned. A member who
reaches a milestone is proposed at the first award day on or after the day they reach it;
serious illness brings it forward (``badge.early_months.ill``), as does death
(``badge.early_months.posthumous``); discipline defers it (``badge.deferral_months``).

A milestone whose round has passed without an award is not lost: it stays "chưa xét" (``overdue``)
until the badge is recorded or the milestone is dismissed with a reason (issue 15 §1). Only rounds
since the oldest badge rule the program knows count (before it, nobody can say what was due).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.party_age import Gap, date_reaching
from handbook_desktop.domain.rules import RuleBook, RuleNotFound



@dataclass(frozen=True)
class BadgeInput:
    key: str  # the member's uuid
    decision_date: date | None
    gaps: tuple[Gap, ...] = ()
    awarded_years: frozenset[int] = frozenset()
    dismissed_years: frozenset[int] = frozenset()  # milestones the branch decided not to propose
    seriously_ill: bool = False
    death_date: date | None = None
    disciplines: tuple[tuple[str, date], ...] = ()  # (kind, date)


@dataclass(frozen=True)
class BadgeDue:
    key: str
    years: int
    reach_date: date  # the day party age reaches the milestone
    award_date: date  # the round in which the member is proposed
    early: bool = False
    posthumous: bool = False
    deferred_until: date | None = None
    overdue: bool = False  # its round has passed without an award: "chưa xét"


def award_dates(rules: RuleBook, start: date, end: date) -> list[date]:
    """Award days in ``[start, end]``, each taken from the rule in force on that day."""
    result = []
    for year in range(start.year, end.year + 1):
        for month_day in rules.value("badge.award_days", date(year, 12, 31)):
            month, day = (int(p) for p in month_day.split("-"))
            candidate = date(year, month, day)
            if start <= candidate <= end and month_day in rules.value("badge.award_days", candidate):
                result.append(candidate)
    return sorted(set(result))


def first_award_on_or_after(rules: RuleBook, day: date) -> date:
    found = award_dates(rules, day, date(day.year + 1, 12, 31))
    return found[0]


class _AwardFinder:
    """First award day on or after a day, from award days computed once (a round covers thousands)."""

    def __init__(self, rules: RuleBook, start: date, end: date):
        self.rules = rules
        self.start, self.end = start, end
        self.days = award_dates(rules, start, end)

    def __call__(self, day: date) -> date:
        if self.start <= day and self.days:
            index = bisect_left(self.days, day)
            if index < len(self.days):
                return self.days[index]
        return first_award_on_or_after(self.rules, day)


def _early_months(rules: RuleBook, years: int, on: date, *, ill: bool, posthumous: bool) -> int:
    months = 0
    if ill:
        for band in rules.value("badge.early_months.ill", on):
            if band["from_years"] <= years <= band["to_years"]:
                months = max(months, int(band["months"]))
    if posthumous:
        months = max(months, int(rules.value("badge.early_months.posthumous", on)))
    return months


def deferred_until(rules: RuleBook, disciplines: Iterable[tuple[str, date]]) -> date | None:
    """The first day a disciplined member may be proposed again (None: not deferred)."""
    latest: date | None = None
    for kind, day in disciplines:
        months = rules.value("badge.deferral_months", day).get(kind)
        if months is None:
            continue
        until = add_months(day, int(months))
        if latest is None or until > latest:
            latest = until
    return latest


def _settled(person: BadgeInput) -> frozenset[int]:
    return person.awarded_years | person.dismissed_years


def _since(rules: RuleBook, records_from: date | None) -> date | None:
    since = rules.first("badge.milestones_years")
    if records_from is not None and (since is None or records_from > since):
        since = records_from
    return since


def _decision_windows(milestones, low: date | None, high: date) -> dict[int, tuple[date, date]]:
    """Per milestone, the decision dates whose plain milestone day (decision + years) can fall in
    [low, high] — a month wider each side, so that a day clamped at a month's end is never lost;
    the exact test follows for those inside."""
    return {years: (date.min if low is None else add_months(low, -12 * years - 1), add_months(high, -12 * years + 1))
            for years in milestones}


def pending_badges(rules: RuleBook, person: BadgeInput, on: date, finder=None,
                   records_from: date | None = None, _windows=None) -> list[BadgeDue]:
    """Milestones whose round came before ``on`` with no award and no dismissal ("chưa xét").
    Rounds before ``records_from`` (the day the program started keeping the records; earlier ones
    are on paper) or before the oldest badge rule known are not asked about."""
    if person.decision_date is None:
        return []
    since = _since(rules, records_from)
    simple = not (person.gaps or person.death_date or person.disciplines)
    if _windows is None:
        milestones = rules.value("badge.milestones_years", on)
        windows = _decision_windows(milestones, None if since is None else add_months(since, -25),
                                    add_months(on, 25)) if simple and finder is not None else None
    else:
        milestones, windows = _windows
    found = []
    for years in milestones:
        if years in _settled(person):
            continue
        if simple and windows is not None:
            # Without gaps, death or discipline the round is within two years around the milestone.
            low, high = windows[years]
            if not low <= person.decision_date <= high:
                continue
            plain = add_months(person.decision_date, years * 12)
            if plain > add_months(on, 25) or (since is not None and plain < add_months(since, -25)):
                continue
        due = _due_for(rules, person, years, finder)
        if due is None or due.award_date >= on or (since is not None and due.award_date < since):
            continue
        found.append(BadgeDue(due.key, due.years, due.reach_date, due.award_date, due.early, due.posthumous,
                              due.deferred_until, overdue=True))
    return found


def pending_windows(rules: RuleBook, on: date, records_from: date | None = None) -> list[tuple[date, date]]:
    """The decision dates of members without gaps, death or discipline who can have a milestone
    "chưa xét" on ``on`` (as ``pending_for_all`` judges them), one range per milestone."""
    first = _since(rules, records_from)
    windows = _decision_windows(rules.value("badge.milestones_years", on),
                                None if first is None else add_months(first, -25), add_months(on, 25))
    return sorted(windows.values())


def pending_for_all(rules: RuleBook, people: Iterable[BadgeInput], on: date,
                    records_from: date | None = None) -> list[BadgeDue]:
    """``pending_badges`` for many members, award days, milestones and their windows computed once."""
    since = rules.first("badge.milestones_years") or on
    finder = _AwardFinder(rules, add_months(min(since, on), -48), add_months(on, 24))
    first = _since(rules, records_from)
    milestones = rules.value("badge.milestones_years", on)
    windows = (milestones, _decision_windows(milestones, None if first is None else add_months(first, -25),
                                             add_months(on, 25)))
    return [due for person in people for due in pending_badges(rules, person, on, finder, records_from, windows)]


def next_milestone(rules: RuleBook, person: BadgeInput, on: date) -> BadgeDue | None:
    """The next badge the member has not received: a milestone still "chưa xét" first (its round has
    passed), otherwise the next one to come with the round it falls in."""
    if person.decision_date is None:
        return None
    pending = pending_badges(rules, person, on)
    if pending:
        return pending[0]
    for years in rules.value("badge.milestones_years", on):
        if years in _settled(person):
            continue
        due = _due_for(rules, person, years)
        if due is not None and due.award_date >= on:
            return due
    return None


def _due_for(rules: RuleBook, person: BadgeInput, years: int, finder=None) -> BadgeDue | None:
    try:
        return _due_for_unchecked(rules, person, years, finder)
    except RuleNotFound:
        return None  # a milestone from before the badge rules in the database: not ours to propose


def _due_for_unchecked(rules: RuleBook, person: BadgeInput, years: int, finder=None) -> BadgeDue | None:
    reach = date_reaching(person.decision_date, years * 12, person.gaps)
    if reach is None:
        return None
    posthumous = person.death_date is not None
    early = _early_months(rules, years, reach, ill=person.seriously_ill, posthumous=posthumous)
    eligible = add_months(reach, -early) if early else reach
    if posthumous:
        # Awarded after death only if the member died no earlier than ``early`` months before the milestone.
        if person.death_date < eligible:
            return None
        eligible = max(eligible, person.death_date)
    until = deferred_until(rules, person.disciplines)
    if until is not None and until > eligible:
        eligible = until
    else:
        until = None
    award = finder(eligible) if finder is not None else first_award_on_or_after(rules, eligible)
    return BadgeDue(person.key, years, reach, award,
                    early=eligible < reach, posthumous=posthumous, deferred_until=until)


def round_windows(rules: RuleBook, start: date, months_ahead: int = 12) -> list[tuple[date, date]]:
    """The decision dates of members without gaps, death or discipline who can be proposed in the
    rounds of ``badge_rounds(start, months_ahead)`` — one range per milestone, for the database to
    choose them (every other member is outside every range)."""
    end = add_months(start, months_ahead)
    lead = max([int(band["months"]) for band in rules.value("badge.early_months.ill", start)] or [0])
    windows = _decision_windows(rules.value("badge.milestones_years", start), add_months(start, -12),
                                add_months(end, lead + 1))
    return sorted(windows.values())


def badge_rounds(rules: RuleBook, people: Iterable[BadgeInput], start: date,
                 months_ahead: int = 12) -> dict[date, list[BadgeDue]]:
    """Who is proposed on each award day from ``start`` for the next ``months_ahead`` months."""
    end = add_months(start, months_ahead)
    rounds: dict[date, list[BadgeDue]] = {day: [] for day in award_dates(rules, start, end)}
    if not rounds:
        return rounds
    finder = _AwardFinder(rules, add_months(start, -48), add_months(end, 24))
    milestones = rules.value("badge.milestones_years", start)
    # Without gaps, death or discipline a milestone outside these bounds cannot fall in the window:
    # illness brings an award forward by at most the longest early period in force, and award days
    # come at least once a year.
    lead = max([int(band["months"]) for band in rules.value("badge.early_months.ill", start)] or [0])
    earliest, latest = add_months(start, -12), add_months(end, lead + 1)
    windows = _decision_windows(milestones, earliest, latest)
    for person in people:
        if person.decision_date is None:
            continue
        simple = not (person.gaps or person.death_date or person.disciplines)
        for years in milestones:
            if years in _settled(person):
                continue
            if simple:
                low, high = windows[years]
                if not low <= person.decision_date <= high:
                    continue
                plain = add_months(person.decision_date, years * 12)
                if plain > latest or plain < earliest:
                    continue
            due = _due_for(rules, person, years, finder)
            if due is None:
                continue
            if due.award_date in rounds:
                rounds[due.award_date].append(due)
    for dues in rounds.values():
        dues.sort(key=lambda d: (d.reach_date, d.key))
    return rounds
