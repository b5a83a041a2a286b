"""Branch meetings: the attendance block, duration, quality warnings, compliance and screening.

DOMAIN.md §4: the attendance block of the minutes is computed from the roll call, never typed;
every number (minutes, rates, fractions, counts) comes from the rule tables for the meeting's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import Iterable, Sequence

from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.votes import Attendance, Participant, eligible_present, vote_denominator


class MeetingKind(str, Enum):
    REGULAR = "regular"
    THEMATIC = "thematic"
    COMBINED = "combined"  # regular and thematic one after the other in one session
    EXTRAORDINARY = "extraordinary"

    @property
    def label(self) -> str:
        return MEETING_KIND_LABELS[self]

    @property
    def counts_as_regular(self) -> bool:
        return self in (MeetingKind.REGULAR, MeetingKind.COMBINED)

    @property
    def counts_as_thematic(self) -> bool:
        return self in (MeetingKind.THEMATIC, MeetingKind.COMBINED)


MEETING_KIND_LABELS = {
    MeetingKind.REGULAR: "Thường kỳ",
    MeetingKind.THEMATIC: "Chuyên đề",
    MeetingKind.COMBINED: "Thường kỳ và chuyên đề",
    MeetingKind.EXTRAORDINARY: "Bất thường",
}


class MeetingState(str, Enum):
    PLANNED = "planned"
    HELD = "held"  # held, minutes in progress
    FINALISED = "finalised"

    @property
    def label(self) -> str:
        return MEETING_STATE_LABELS[self]


MEETING_STATE_LABELS = {
    MeetingState.PLANNED: "Dự kiến",
    MeetingState.HELD: "Đã họp, đang hoàn thiện biên bản",
    MeetingState.FINALISED: "Đã chốt biên bản",
}

QUALITY_RATINGS = {
    "good": "Tốt",
    "fair": "Khá",
    "average": "Trung bình",
    "poor": "Kém",
}

# Typical agenda of a regular meeting (DOMAIN.md §4); the secretary edits it per meeting.
DEFAULT_AGENDA = [
    "Khai mạc, điểm danh, báo cáo số đảng viên dự họp, thông qua chương trình",
    "Thông tin thời sự, phổ biến văn bản mới của cấp trên",
    "Báo cáo kết quả thực hiện nhiệm vụ tháng trước",
    "Thảo luận",
    "Nhiệm vụ, giải pháp tháng tới",
    "Kết luận và biểu quyết thông qua nghị quyết",
    "Công tác đảng viên (kết nạp, chuyển chính thức, phân công giúp đỡ)",
    "Đánh giá chất lượng buổi sinh hoạt",
    "Thông qua biên bản, bế mạc",
]


@dataclass(frozen=True)
class RollEntry:
    """A roll-call line with the names the minutes print."""

    name: str
    status: str
    attendance: str | None
    reason: str = ""
    suspended: bool = False

    def participant(self) -> Participant:
        return Participant(self.status, self.attendance, self.suspended)


# Exempt members are not summoned: one who stays home is not "absent" on the minutes.
SUMMONED_STATES = frozenset({MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value})


@dataclass(frozen=True)
class SummonedTally:
    """The summoned and how they answered: the one count behind every attendance rate shown or printed."""

    summoned: int = 0
    present: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0

    @property
    def rate(self) -> float | None:
        return self.present / self.summoned if self.summoned else None


def summoned_tally(lines: Iterable[tuple[str, str | None, int]]) -> SummonedTally:
    """Count (status, attendance, how many) roll-call lines: the minutes, the window and the list agree."""
    summoned = present = excused = unexcused = 0
    for status, attendance, number in lines:
        if status not in SUMMONED_STATES:
            continue
        summoned += number
        if attendance == Attendance.PRESENT.value:
            present += number
        elif attendance == Attendance.ABSENT_EXCUSED.value:
            excused += number
        elif attendance == Attendance.ABSENT_UNEXCUSED.value:
            unexcused += number
    return SummonedTally(summoned, present, excused, unexcused)


@dataclass(frozen=True)
class AttendanceBlock:
    total: int  # đảng số: official + probationary (exempt and temporarily away included)
    official: int
    probationary: int
    exempt: int
    away: int  # temporarily away
    visiting: int  # temporarily attending from elsewhere, counted apart
    expected: int  # who should come: headcount minus those away, minus exempt members who stay away
    present: int  # own members present
    present_official: int
    present_probationary: int
    present_visiting: int
    absent_excused: list[tuple[str, str]]  # (name, reason)
    absent_unexcused: list[str]
    unmarked: list[str]
    denominator: int
    eligible_present: int
    # The minutes' identities (issue 14): summoned = present + absent with reason + absent without
    # reason (+ not yet marked); exempt members who came and visiting members are counted apart.
    summoned: int = 0  # official (not exempt, not away) + probationary
    present_summoned: int = 0
    exempt_present: int = 0

    @property
    def summoned_rate(self) -> float | None:
        """Present as a share of the summoned: the percentage the minutes print."""
        return self.present_summoned / self.summoned if self.summoned else None


def attendance_block(entries: Sequence[RollEntry]) -> AttendanceBlock:
    def count(*states: MemberStatus) -> int:
        codes = {s.value for s in states}
        return sum(1 for e in entries if e.status in codes)

    present = [e for e in entries if e.attendance == Attendance.PRESENT.value]
    own = {MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value, MemberStatus.EXEMPT.value}
    summoned_states = SUMMONED_STATES
    tally = summoned_tally((e.status, e.attendance, 1) for e in entries)
    exempt_absent = sum(
        1 for e in entries if e.status == MemberStatus.EXEMPT.value and e.attendance != Attendance.PRESENT.value
    )
    total = count(MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT, MemberStatus.TEMPORARILY_AWAY)
    away = count(MemberStatus.TEMPORARILY_AWAY)
    participants = [e.participant() for e in entries]
    return AttendanceBlock(
        total=total,
        # Members away keep their place in the headcount; they are nearly always official members.
        official=count(MemberStatus.OFFICIAL, MemberStatus.EXEMPT, MemberStatus.TEMPORARILY_AWAY),
        probationary=count(MemberStatus.PROBATIONARY),
        exempt=count(MemberStatus.EXEMPT),
        away=away,
        visiting=count(MemberStatus.VISITING),
        expected=total - away - exempt_absent,
        present=sum(1 for e in present if e.status in own),
        present_official=sum(1 for e in present if e.status in {MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value}),
        present_probationary=sum(1 for e in present if e.status == MemberStatus.PROBATIONARY.value),
        present_visiting=sum(1 for e in present if e.status == MemberStatus.VISITING.value),
        absent_excused=[
            (e.name, e.reason) for e in entries
            if e.attendance == Attendance.ABSENT_EXCUSED.value and e.status in summoned_states
        ],
        absent_unexcused=[
            e.name for e in entries
            if e.attendance == Attendance.ABSENT_UNEXCUSED.value and e.status in summoned_states
        ],
        unmarked=[
            e.name for e in entries
            if e.attendance is None and e.status in own and e.status != MemberStatus.EXEMPT.value
        ],
        denominator=vote_denominator(participants),
        eligible_present=eligible_present(participants),
        summoned=tally.summoned,
        present_summoned=tally.present,
        exempt_present=sum(1 for e in present if e.status == MemberStatus.EXEMPT.value),
    )


def minutes_between(start: str | None, end: str | None) -> int | None:
    """Minutes from ``HH:MM`` to ``HH:MM`` (a meeting does not run past midnight)."""
    if not start or not end:
        return None
    sh, sm = (int(x) for x in start.split(":"))
    eh, em = (int(x) for x in end.split(":"))
    return (eh * 60 + em) - (sh * 60 + sm)


def parse_time(text: str | None) -> str | None:
    """``H:MM``, ``HH:MM``, ``HHhMM`` or ``HHgMM`` → ``HH:MM``; ``None`` for empty; ValueError otherwise."""
    if text is None or not text.strip():
        return None
    value = text.strip().lower().replace("h", ":").replace("g", ":").replace(".", ":")
    if value.endswith(":"):
        value += "00"
    parts = value.split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        hour, minute = int(parts[0]), int(parts[1])
        if 0 <= hour < 24 and 0 <= minute < 60:
            return f"{hour:02d}:{minute:02d}"
    raise ValueError(f"Không hiểu giờ '{text}': hãy viết theo dạng HH:MM, ví dụ 19:30.")


def required_minutes(book: RuleBook, kind: str, on: date) -> int:
    key = "meeting.min_minutes.combined" if kind == MeetingKind.COMBINED.value else "meeting.min_minutes.single"
    return int(book.value(key, on))


@dataclass(frozen=True)
class MeetingWarning:
    code: str
    text: str


def quality_warnings(
    block: AttendanceBlock, kind: str, start: str | None, end: str | None, book: RuleBook, on: date
) -> list[MeetingWarning]:
    """What the secretary should look at; warnings only, never a block (DOMAIN.md §4)."""
    result: list[MeetingWarning] = []
    if block.unmarked:
        result.append(MeetingWarning("unmarked", f"Chưa điểm danh {len(block.unmarked)} đảng viên."))
    good = Fraction(str(book.value("meeting.attendance.good_rate", on)))
    rate = block.summoned_rate  # the rate the minutes print: present of the summoned
    if rate is not None and Fraction(block.present_summoned, block.summoned) <= good and not block.unmarked:
        result.append(MeetingWarning(
            "low_rate",
            f"Tỷ lệ dự họp {rate * 100:.1f}% — chưa đạt trên {float(good) * 100:.0f}%.".replace(".", ","),
        ))
    num, den = book.value("meeting.attendance.warn_fraction", on)
    if block.denominator and block.eligible_present * int(den) < block.denominator * int(num):
        result.append(MeetingWarning(
            "few_present",
            f"Số đảng viên chính thức có mặt ({block.eligible_present}) dưới {num}/{den} "
            f"số được triệu tập ({block.denominator}).",
        ))
    if block.absent_unexcused:
        result.append(MeetingWarning(
            "unexcused", "Vắng không lý do: " + ", ".join(block.absent_unexcused) + ".",
        ))
    length = minutes_between(start, end)
    if length is not None:
        needed = required_minutes(book, kind, on)
        if length < needed:
            result.append(MeetingWarning(
                "short", f"Buổi sinh hoạt kéo dài {length} phút, chưa đủ {needed} phút theo quy định.",
            ))
    return result


# --- Compliance for a year -------------------------------------------------------------------------

@dataclass(frozen=True)
class HeldMeeting:
    on: date
    kind: str
    state: str


@dataclass(frozen=True)
class PeriodStatus:
    index: int  # month 1–12 or quarter 1–4
    status: str  # ok | missing | open (period not over, nothing yet) | future
    count: int


@dataclass(frozen=True)
class Compliance:
    year: int
    months: list[PeriodStatus]
    quarters: list[PeriodStatus]

    @property
    def missing_months(self) -> list[int]:
        return [p.index for p in self.months if p.status == "missing"]

    @property
    def missing_quarters(self) -> list[int]:
        return [p.index for p in self.quarters if p.status == "missing"]


def _period_status(count: int, needed: int, first_day: date, last_day: date, on: date) -> str:
    if count >= needed:
        return "ok"
    if on < first_day:
        return "future"
    if on <= last_day:
        return "open"
    return "missing"


def compliance(meetings: Iterable[HeldMeeting], year: int, on: date, book: RuleBook) -> Compliance:
    """Each month a regular meeting held, each quarter a thematic one (planned ones do not count)."""
    held = [m for m in meetings if m.on.year == year and m.state != MeetingState.PLANNED.value and m.on <= on]
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = date(year + (month == 12), month % 12 + 1, 1)
        last = date.fromordinal(last.toordinal() - 1)
        count = sum(1 for m in held if m.on.month == month and MeetingKind(m.kind).counts_as_regular)
        needed = int(book.value("meeting.regular.min_per_month", min(last, max(first, on))))
        months.append(PeriodStatus(month, _period_status(count, needed, first, last, on), count))
    quarters = []
    for quarter in range(1, 5):
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        last = date.fromordinal(last.toordinal() - 1)
        count = sum(
            1 for m in held if (m.on.month - 1) // 3 + 1 == quarter and MeetingKind(m.kind).counts_as_thematic
        )
        needed = int(book.value("meeting.thematic.min_per_quarter", min(last, max(first, on))))
        quarters.append(PeriodStatus(quarter, _period_status(count, needed, first, last, on), count))
    return Compliance(year, months, quarters)


# --- Screening from attendance ---------------------------------------------------------------------

@dataclass(frozen=True)
class MemberMark:
    """One member's mark at one held meeting, in date order."""

    member_key: str
    on: date
    status: str
    attendance: str | None


@dataclass
class Flag:
    member_key: str
    count: int
    dates: list[date] = field(default_factory=list)


def unexcused_months(marks: Iterable[MemberMark], year: int, on: date, book: RuleBook) -> list[Flag]:
    """Members absent without reason in ``removal.unexcused_absent_months_in_year`` months of the year.

    Điều lệ art. 8: whether the months must be consecutive is not stated, so the calendar months of
    the year are counted and people decide (DOMAIN.md §7).
    """
    limit = int(book.value("removal.unexcused_absent_months_in_year", on))
    months: dict[str, dict[int, date]] = {}
    for mark in marks:
        if mark.on.year != year or mark.on > on or mark.attendance != Attendance.ABSENT_UNEXCUSED.value:
            continue
        months.setdefault(mark.member_key, {}).setdefault(mark.on.month, mark.on)
    return [
        Flag(key, len(found), sorted(found.values())) for key, found in months.items() if len(found) >= limit
    ]


def excused_in_a_row(marks: Iterable[MemberMark], year: int, on: date, book: RuleBook) -> list[Flag]:
    """Members absent with reason more than ``meeting.excused_absence.max_in_a_row`` times in a row.

    Exempt members are left out of this count (DOMAIN.md §4); the longest run in the year is reported.
    """
    limit = int(book.value("meeting.excused_absence.max_in_a_row", on))
    by_member: dict[str, list[MemberMark]] = {}
    for mark in marks:
        if mark.on.year == year and mark.on <= on:
            by_member.setdefault(mark.member_key, []).append(mark)
    flags = []
    for key, member_marks in by_member.items():
        member_marks.sort(key=lambda m: m.on)
        run: list[date] = []
        best: list[date] = []
        for mark in member_marks:
            if mark.status == MemberStatus.EXEMPT.value or mark.attendance is None:
                continue
            if mark.attendance == Attendance.ABSENT_EXCUSED.value:
                run.append(mark.on)
                if len(run) > len(best):
                    best = list(run)
            else:
                run = []
        if len(best) > limit:
            flags.append(Flag(key, len(best), best))
    return flags
