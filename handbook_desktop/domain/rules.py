"""Rule tables: every threshold, rate, deadline and milestone as data with an effective date.

Regulations change (three times in 2025–2026); a record is judged by the rule in force on its own
date, so a lookup always names the day it concerns (DOMAIN.md, introduction).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable


@dataclass(frozen=True)
class Rule:
    key: str
    value: Any
    effective_from: date
    source: str
    note: str = ""


class RuleNotFound(LookupError):
    pass


@dataclass
class RuleBook:
    """The rules known to the program, looked up by key and day."""

    _by_key: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, rules: Iterable[Rule]) -> "RuleBook":
        book = cls()
        for rule in rules:
            book.add(rule)
        return book

    def add(self, rule: Rule) -> None:
        versions = self._by_key[rule.key]
        versions[:] = [r for r in versions if r.effective_from != rule.effective_from]
        versions.append(rule)
        versions.sort(key=lambda r: r.effective_from)

    def rule(self, key: str, on: date) -> Rule:
        versions = self._by_key.get(key)
        if not versions:
            raise RuleNotFound(f"Thiếu quy tắc '{key}'.")
        index = bisect_right([r.effective_from for r in versions], on) - 1
        if index < 0:
            raise RuleNotFound(f"Quy tắc '{key}' chưa có hiệu lực vào ngày {on:%d/%m/%Y}.")
        return versions[index]

    def value(self, key: str, on: date) -> Any:
        return self.rule(key, on).value

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def all(self) -> list[Rule]:
        return [r for key in self.keys() for r in self._by_key[key]]
