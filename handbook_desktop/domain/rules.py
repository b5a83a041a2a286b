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
    """No version of a rule covers the day asked: a message a secretary can act on, never a crash."""

    def __init__(self, key: str, on: date | None = None, first: date | None = None):
        self.key, self.on, self.first = key, on, first
        if on is None:
            text = f"Chương trình chưa có quy tắc '{key}'"
        elif first is None:
            text = f"Chương trình chưa có quy tắc '{key}' áp dụng cho ngày {on:%d/%m/%Y}"
        else:
            text = (f"Quy tắc '{key}' chỉ có từ ngày {first:%d/%m/%Y}, chưa có phiên bản áp dụng cho ngày "
                    f"{on:%d/%m/%Y}")
        super().__init__(text + "; hãy đề nghị cấp ủy bổ sung quy tắc này (lệnh 'rules add' hoặc trang "
                         "Quy tắc) rồi mở lại.")


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
            raise RuleNotFound(key, on)
        index = bisect_right([r.effective_from for r in versions], on) - 1
        if index < 0:
            raise RuleNotFound(key, on, versions[0].effective_from)
        return versions[index]

    def value(self, key: str, on: date) -> Any:
        return self.rule(key, on).value

    def first(self, key: str) -> date | None:
        """The day the oldest known version of ``key`` takes effect (None: the rule is unknown)."""
        versions = self._by_key.get(key)
        return versions[0].effective_from if versions else None

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def all(self) -> list[Rule]:
        return [r for key in self.keys() for r in self._by_key[key]]
