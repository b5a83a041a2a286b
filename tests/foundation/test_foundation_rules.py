"""Rules as data: every shipped rule loads, and a lookup uses the version in force on the day."""

from __future__ import annotations

from datetime import date

import pytest

from handbook_desktop.domain.rules import Rule, RuleBook, RuleNotFound
from handbook_desktop.services.rules import rule_book, shipped_rules


def test_shipped_rules_have_sources_and_dates():
    rules = shipped_rules()
    assert len(rules) > 30
    for rule in rules:
        assert rule.source.strip(), rule.key
        assert isinstance(rule.effective_from, date)


def test_rule_in_force_on_the_day():
    book = RuleBook.of([
        Rule("dues.rate.pension", 0.005, date(2010, 1, 1), "342-QĐ/TW"),
        Rule("dues.rate.pension", 0.004, date(2026, 2, 3), "01-QĐ/TW"),
    ])
    assert book.value("dues.rate.pension", date(2026, 2, 2)) == 0.005
    assert book.value("dues.rate.pension", date(2026, 2, 3)) == 0.004
    with pytest.raises(RuleNotFound):
        book.value("dues.rate.pension", date(2009, 12, 31))
    with pytest.raises(RuleNotFound):
        book.value("no.such.rule", date(2026, 1, 1))


def test_setup_loads_the_rules_into_the_database(db):
    with db.read() as session:
        book = rule_book(session)
    assert book.value("meeting.min_minutes.combined", date(2026, 1, 1)) == 120
    assert book.value("vote.threshold.admission", date(2026, 1, 1)) == {"fraction": [2, 3], "strictly_more": False}
