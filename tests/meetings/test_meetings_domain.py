"""Attendance block, duration, warnings, compliance and screening rules (pure functions, rule tables)."""

from datetime import date

import pytest

from handbook_desktop.domain.meetings import (
    HeldMeeting,
    MemberMark,
    RollEntry,
    attendance_block,
    compliance,
    excused_in_a_row,
    parse_time,
    quality_warnings,
    required_minutes,
    unexcused_months,
)
from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.services.rules import shipped_rules

ON = date(2026, 11, 15)


@pytest.fixture(scope="module")
def book():
    return RuleBook.of(shipped_rules())


def test_attendance_block_counts_and_names():
    entries = [RollEntry(f"Đảng viên {i}", "official", "present") for i in range(6)]
    entries += [
        RollEntry("Bùi Thị Hoa", "official", "absent_excused", "Ốm"),
        RollEntry("Vũ Văn Giang", "official", "absent_unexcused"),
        RollEntry("Ngô Thị Lan", "exempt", None),
        RollEntry("Trần Văn Tâm", "exempt", "present"),
        RollEntry("Đỗ Văn Khánh", "temporarily_away", None),
        RollEntry("Dương Văn Minh", "probationary", "present"),
        RollEntry("Lý Thị Nga", "visiting", "present"),
    ]
    block = attendance_block(entries)
    assert (block.total, block.official, block.probationary, block.exempt, block.away, block.visiting) == (
        12, 11, 1, 2, 1, 1)
    assert block.expected == 12 - 1 - 1  # away and the exempt member who stayed home
    assert (block.present, block.present_official, block.present_probationary, block.present_visiting) == (
        8, 7, 1, 1)
    assert block.absent_excused == [("Bùi Thị Hoa", "Ốm")]
    assert block.absent_unexcused == ["Vũ Văn Giang"]
    assert block.unmarked == []
    assert block.denominator == 8  # 6 + Giang + the exempt member who came
    # the rate is of the summoned (official + probationary, not exempt, not away): 6 + Minh of 6 + Hoa + Giang + Minh
    assert (block.summoned, block.present_summoned, block.exempt_present) == (9, 7, 1)
    assert block.summoned_rate == pytest.approx(7 / 9)


def test_parse_time():
    assert parse_time("7:30") == "07:30"
    assert parse_time("19h30") == "19:30"
    assert parse_time("14g") == "14:00"
    assert parse_time("") is None
    with pytest.raises(ValueError):
        parse_time("25:00")


def test_duration_rule_and_warnings(book):
    assert required_minutes(book, "regular", ON) == 90
    assert required_minutes(book, "combined", ON) == 120
    entries = [RollEntry(f"Đ/c {i}", "official", "present") for i in range(9)]
    entries.append(RollEntry("Đ/c vắng", "official", "absent_excused", "Ốm"))
    block = attendance_block(entries)
    assert quality_warnings(block, "regular", "19:30", "21:00", book, ON) == []  # 90 %, 90 minutes
    codes = {w.code for w in quality_warnings(block, "combined", "19:30", "21:00", book, ON)}
    assert codes == {"short"}
    entries[-1] = RollEntry("Đ/c vắng", "official", "absent_unexcused")
    entries[0] = RollEntry("Đ/c 0", "official", "absent_unexcused")
    codes = {w.code for w in quality_warnings(attendance_block(entries), "regular", None, None, book, ON)}
    assert codes == {"low_rate", "unexcused"}  # 8/10 = 80 %, not above 85 %


def test_compliance_periods(book):
    meetings = [
        HeldMeeting(date(2026, 1, 6), "regular", "finalised"),
        HeldMeeting(date(2026, 2, 6), "combined", "finalised"),  # counts for the month and Q1
        HeldMeeting(date(2026, 3, 6), "thematic", "finalised"),  # a thematic meeting is not the regular one
        HeldMeeting(date(2026, 4, 6), "extraordinary", "finalised"),
        HeldMeeting(date(2026, 11, 6), "regular", "held"),
        HeldMeeting(date(2026, 11, 20), "thematic", "planned"),  # planned does not count
    ]
    strip = compliance(meetings, 2026, ON, book)
    status = {p.index: p.status for p in strip.months}
    assert status[1] == status[2] == status[11] == "ok"
    assert status[3] == status[4] == status[10] == "missing"
    assert status[12] == "future"
    assert strip.missing_months == [3, 4, 5, 6, 7, 8, 9, 10]
    quarters = {p.index: p.status for p in strip.quarters}
    assert quarters == {1: "ok", 2: "missing", 3: "missing", 4: "open"}


def test_screening_rules(book):
    days = [date(2026, m, 5) for m in range(1, 11)]
    marks = []
    # A: absent without reason in January, March and July -> 3 months in the year
    for day in days:
        marks.append(MemberMark("A", day, "official",
                                "absent_unexcused" if day.month in (1, 3, 7) else "present"))
    # B: twice in one month and once more: only 2 months
    marks += [MemberMark("B", date(2026, 2, 5), "official", "absent_unexcused"),
              MemberMark("B", date(2026, 2, 20), "official", "absent_unexcused"),
              MemberMark("B", date(2026, 5, 5), "official", "absent_unexcused")]
    # C: excused 4 times in a row; D: exactly 3 in a row; E: exempt, excused 6 times
    for i, day in enumerate(days):
        marks.append(MemberMark("C", day, "official", "absent_excused" if 2 <= i <= 5 else "present"))
        marks.append(MemberMark("D", day, "official", "absent_excused" if 2 <= i <= 4 else "present"))
        marks.append(MemberMark("E", day, "exempt", "absent_excused" if i < 6 else None))
    # last year's absences do not count this year
    marks.append(MemberMark("B", date(2025, 12, 5), "official", "absent_unexcused"))
    flags = unexcused_months(marks, 2026, ON, book)
    assert [(f.member_key, f.count) for f in flags] == [("A", 3)]
    assert flags[0].dates == [date(2026, 1, 5), date(2026, 3, 5), date(2026, 7, 5)]
    row = excused_in_a_row(marks, 2026, ON, book)
    assert [(f.member_key, f.count) for f in row] == [("C", 4)]
