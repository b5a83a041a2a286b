"""Votes of a branch: who may vote, the denominator, and the threshold each kind of decision needs.

Quy định 24-QĐ/TW §9.3.2 (carried into 294-QĐ/TW): a branch decision is measured against the
official members summoned, minus those temporarily transferred away, exempt members who are absent,
members suspended, prosecuted or detained, and official members absent the whole meeting with an
accepted reason — never against those present (DOMAIN.md §5). The fraction and whether it must be
exceeded strictly come from the rule ``vote.threshold.<kind>`` in force on the meeting's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import Iterable

from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.states import MemberStatus


class Attendance(str, Enum):
    PRESENT = "present"
    ABSENT_EXCUSED = "absent_excused"
    ABSENT_UNEXCUSED = "absent_unexcused"

    @property
    def label(self) -> str:
        return ATTENDANCE_LABELS[self]


ATTENDANCE_LABELS = {
    Attendance.PRESENT: "Có mặt",
    Attendance.ABSENT_EXCUSED: "Vắng có lý do",
    Attendance.ABSENT_UNEXCUSED: "Vắng không lý do",
}


class VoteKind(str, Enum):
    RESOLUTION = "resolution"
    ADMISSION = "admission"
    OFFICIAL_RECOGNITION = "official_recognition"
    DISCIPLINE = "discipline"
    EXPULSION = "expulsion"

    @property
    def label(self) -> str:
        return VOTE_KIND_LABELS[self]


VOTE_KIND_LABELS = {
    VoteKind.RESOLUTION: "Thông qua nghị quyết",
    VoteKind.ADMISSION: "Kết nạp đảng viên",
    VoteKind.OFFICIAL_RECOGNITION: "Công nhận đảng viên chính thức",
    VoteKind.DISCIPLINE: "Kỷ luật (khiển trách, cảnh cáo, cách chức)",
    VoteKind.EXPULSION: "Đề nghị khai trừ",
}


class VoteMethod(str, Enum):
    CARDS = "cards"
    SECRET_BALLOT = "secret_ballot"

    @property
    def label(self) -> str:
        return "Giơ thẻ đảng viên" if self is VoteMethod.CARDS else "Bỏ phiếu kín"


# Official members and exempt members (who are official members freed from activity) hold the vote.
VOTING_STATES = frozenset({MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value})


@dataclass(frozen=True)
class Participant:
    """One line of the roll call as the vote arithmetic needs it."""

    status: str  # MemberStatus code at the meeting
    attendance: str | None  # Attendance code; None = not yet marked
    suspended: bool = False  # suspended from activity, prosecuted, indicted or detained


@dataclass(frozen=True)
class Threshold:
    fraction: Fraction
    strictly_more: bool

    def describe(self) -> str:
        words = "quá" if self.strictly_more else "ít nhất"
        return f"{words} {self.fraction.numerator}/{self.fraction.denominator} số đảng viên được triệu tập"


def threshold_for(book: RuleBook, kind: str, on: date) -> Threshold:
    value = book.value(f"vote.threshold.{VoteKind(kind).value}", on)
    numerator, denominator = value["fraction"]
    return Threshold(Fraction(int(numerator), int(denominator)), bool(value["strictly_more"]))


def vote_denominator(participants: Iterable[Participant]) -> int:
    """Official members summoned minus those §9.3.2 takes out."""
    count = 0
    for person in participants:
        if person.status not in VOTING_STATES or person.suspended:
            continue
        if person.status == MemberStatus.EXEMPT.value and person.attendance != Attendance.PRESENT.value:
            continue  # exempt members count only when they come
        if person.attendance == Attendance.ABSENT_EXCUSED.value:
            continue  # the accepted reason takes them out
        count += 1
    return count


def eligible_present(participants: Iterable[Participant]) -> int:
    """Members present who hold a vote here: official (and exempt) members, not suspended."""
    return sum(
        1
        for person in participants
        if person.status in VOTING_STATES and not person.suspended and person.attendance == Attendance.PRESENT.value
    )


def required_votes(denominator: int, threshold: Threshold) -> int:
    """The fewest votes in favour that carry the decision (never fewer than one)."""
    needed = threshold.fraction * denominator
    if threshold.strictly_more:
        result = int(needed) + 1  # floor + 1 is the least integer strictly above
    else:
        result = -((-needed.numerator) // needed.denominator)  # ceiling
    return max(1, result)


@dataclass(frozen=True)
class VoteResult:
    denominator: int
    eligible_present: int
    required: int
    passed: bool
    threshold: Threshold


class VoteCountError(ValueError):
    """The counts cannot be right; the message is for the secretary."""


def check_counts(votes_for: int, votes_against: int, abstain: int, eligible: int) -> None:
    for value, name in ((votes_for, "tán thành"), (votes_against, "không tán thành"), (abstain, "không biểu quyết")):
        if value is None or value < 0:
            raise VoteCountError(f"Số phiếu {name} phải là số không âm.")
    total = votes_for + votes_against + abstain
    if total > eligible:
        raise VoteCountError(
            f"Tổng số phiếu ({total}) lớn hơn số đảng viên có quyền biểu quyết có mặt ({eligible}); "
            "hãy kiểm tra lại điểm danh hoặc số phiếu."
        )


def decide(
    participants: Iterable[Participant],
    kind: str,
    votes_for: int,
    votes_against: int,
    abstain: int,
    book: RuleBook,
    on: date,
) -> VoteResult:
    """Check the counts against who is present and say whether the decision passed."""
    people = list(participants)
    denominator = vote_denominator(people)
    eligible = eligible_present(people)
    check_counts(votes_for, votes_against, abstain, eligible)
    threshold = threshold_for(book, kind, on)
    required = required_votes(denominator, threshold)
    passed = denominator > 0 and votes_for >= required
    return VoteResult(denominator, eligible, required, passed, threshold)
