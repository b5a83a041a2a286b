"""Party age (tuổi đảng) in months: from the decision date, minus the gaps (DOMAIN.md §6).

Gaps are periods outside the Party: removed (xóa tên) or expelled and later re-admitted, lost
contact, the time between leaving one organisation and joining the next on a transfer. A
re-admitted member counts from the *first* decision, minus the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from handbook_desktop.domain.dates import add_months, whole_months_between

# Event kinds (MemberEvent.kind) that open and close a gap in party age.
GAP_START_KINDS = frozenset({"removed", "expelled", "left_other", "lost_contact"})
GAP_END_KINDS = frozenset({"readmitted", "contact_restored"})
GAP_KIND = "party_age_gap"  # an explicit gap with event_date and end_date (e.g. between transfers)


@dataclass(frozen=True)
class Gap:
    start: date
    end: date | None  # None: still outside the Party

    def months_until(self, on: date) -> int:
        if on <= self.start:
            return 0
        end = min(self.end, on) if self.end else on
        return max(0, whole_months_between(self.start, end))


def gaps_from_events(events: Iterable[tuple[str, date, date | None]]) -> list[Gap]:
    """Gaps from a member's history, given as (kind, event_date, end_date) in any order."""
    gaps: list[Gap] = []
    open_start: date | None = None
    for kind, day, end in sorted(events, key=lambda e: e[1]):
        if kind == GAP_KIND:
            gaps.append(Gap(day, end))
        elif kind in GAP_START_KINDS and open_start is None:
            open_start = day
        elif kind in GAP_END_KINDS and open_start is not None:
            gaps.append(Gap(open_start, day))
            open_start = None
    if open_start is not None:
        gaps.append(Gap(open_start, None))
    return gaps


def party_age_months(decision_date: date | None, on: date, gaps: Iterable[Gap] = ()) -> int:
    """Completed months of party age on ``on``; 0 before the decision or without one."""
    if decision_date is None or on < decision_date:
        return 0
    total = whole_months_between(decision_date, on)
    total -= sum(gap.months_until(on) for gap in gaps)
    return max(0, total)


def date_reaching(decision_date: date, months: int, gaps: Iterable[Gap] = ()) -> date | None:
    """The day party age reaches ``months``; ``None`` if a gap is still open before then."""
    gaps = list(gaps)
    candidate = add_months(decision_date, months)
    for _ in range(len(gaps) + 2):
        lost = 0
        for gap in gaps:
            if gap.start < candidate:
                if gap.end is None:
                    return None
                lost += gap.months_until(candidate)
        nxt = add_months(decision_date, months + lost)
        if nxt == candidate:
            return candidate
        candidate = nxt
    return candidate
