"""The levels of the organisation as data (rule ``unit.levels``, DOMAIN.md §1, issue 15 §7): each
level's code, its name and the level usually above it. A level added to the rule table — shipped
with a release, or a version the committee writes — is a level everywhere: ``init`` and the setup
window offer it, documents, the sync preview and the Nhật ký name it. ``domain.states.UnitLevel``
names only the levels the code itself must tell apart (a branch, above all); nothing else needs a
member there.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from handbook_desktop.domain.rules import RuleBook, RuleNotFound

KEY = "unit.levels"


@lru_cache(maxsize=1)
def _shipped_book() -> RuleBook:
    from handbook_desktop.services.rules import shipped_rules

    return RuleBook.of(shipped_rules())


def unit_levels(on: date | None = None, book: RuleBook | None = None) -> list[dict]:
    """[{code, label, above}] in force on the day: from ``book`` (a database's rules, with what the
    committee wrote) or, before a database has rules, the shipped table."""
    on = on or date.today()
    for source in ((book,) if book is not None else ()) + (_shipped_book(),):
        try:
            return [dict(item) for item in source.value(KEY, on)]
        except RuleNotFound:
            continue
    return []


def level_codes(on: date | None = None, book: RuleBook | None = None) -> list[str]:
    return [item["code"] for item in unit_levels(on, book)]


def level_labels(on: date | None = None, book: RuleBook | None = None) -> dict[str, str]:
    """code -> name, every version's levels included (an old unit keeps its name after a change)."""
    if on is None and book is None:
        return dict(_shipped_labels())
    return _labels(on, book)


@lru_cache(maxsize=1)
def _shipped_labels() -> dict[str, str]:
    return _labels(None, None)


def _labels(on: date | None, book: RuleBook | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    sources = [_shipped_book()] + ([book] if book is not None else [])
    for source in sources:
        for rule in source.all():
            if rule.key == KEY:
                labels.update({item["code"]: item["label"] for item in rule.value})
    labels.update({item["code"]: item["label"] for item in unit_levels(on, book)})
    return labels


def level_label(code: str | None, book: RuleBook | None = None) -> str:
    """The level's name; an unknown code is shown as it is rather than refused."""
    if not code:
        return ""
    return level_labels(book=book).get(code, code)


def level_above(code: str, on: date | None = None, book: RuleBook | None = None) -> str | None:
    """The level usually above ``code`` (None at the top or for an unknown level)."""
    for item in unit_levels(on, book):
        if item["code"] == code:
            return item.get("above") or None
    return None


def issues_decisions(code: str | None, on: date | None = None, book: RuleBook | None = None) -> bool:
    """Whether a unit of this level decides for the branches under it (the rule's ``decides``). A
    version written before the flag existed falls back on the levels the code knows; a level known
    only as data and without the flag decides nothing (the safe answer at trust)."""
    for item in unit_levels(on, book):
        if item["code"] == code and "decides" in item:
            return bool(item["decides"])
    from handbook_desktop.domain.states import UnitLevel

    try:
        return UnitLevel(code).issues_decisions
    except ValueError:
        return False
