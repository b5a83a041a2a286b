"""Probation (dự bị) and official recognition (DOMAIN.md §6).

Probation runs ``probation.months`` from the ceremony; the branch must vote within
``probation.vote_within_working_days`` working days after it ends; the official date is the end of
probation whatever the date of the vote or of the decision.
"""

from __future__ import annotations

from datetime import date

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.workdays import WorkCalendar

FORMS = ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ")


def probation_end(rules: RuleBook, ceremony: date) -> date:
    return add_months(ceremony, int(rules.value("probation.months", ceremony)))


def official_date(rules: RuleBook, ceremony: date) -> date:
    """The official date is the end of probation, even when the vote or the decision is late."""
    return probation_end(rules, ceremony)


def vote_due(rules: RuleBook, calendar: WorkCalendar, ceremony: date) -> date:
    end = probation_end(rules, ceremony)
    days = int(rules.value("probation.vote_within_working_days", end))
    return calendar.add_working_days(end, days)
