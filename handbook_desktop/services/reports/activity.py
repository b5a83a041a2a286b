"""Branch activity: the review the seed describes (DOMAIN.md §4, §14).

For each branch over the period: months that needed a regular meeting and how many had one,
quarters that needed a thematic meeting and how many had one, meetings held, the attendance rate
(present of the summoned — official and probationary members — the rate the minutes, the meetings
window and BC-THÁNG print, from ``domain.meetings.summoned_tally``'s definition), minutes
finalised and minutes complete; then a ranking, best first, and the grid of meetings per month.

A month counts when it lies wholly inside the period and has ended by the period's end (or is the
current month with its meeting already held). Minutes are *complete* when finalised with every own
member marked in the roll call, the chair's conclusion written (on at least one agenda item), and
the meeting's own quality rating recorded.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from handbook_desktop.domain.meetings import SUMMONED_STATES, HeldMeeting, MeetingState, compliance
from handbook_desktop.domain.votes import Attendance
from handbook_desktop.services.procedures.common import rules
from handbook_desktop.services.reports.branches import branches
from handbook_desktop.services.reports.model import Chart, Column, Report, Series, Table, percent, total_row
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.models import AgendaItem, Meeting, MeetingAttendance

@dataclass(frozen=True)
class RollCounts:
    """One meeting's roll call as the minutes count it (``domain.meetings.attendance_block``):
    ``expected`` is the summoned (``block.summoned``), ``present`` those of them present
    (``block.present_summoned``), ``unmarked`` the summoned with no mark yet."""

    expected: int
    present: int
    unmarked: int


EMPTY = RollCounts(0, 0, 0)


def roll_call_counts(session, meeting_ids) -> dict[int, RollCounts]:
    """Counted in the database, with the minutes' definitions (``SUMMONED_STATES``): expected = the
    summoned (official and probationary; exempt members and those temporarily away are not summoned),
    present = the summoned who came, unmarked = the summoned with no mark. One rate for every place
    that shows or prints attendance (issue 14, point 1); a test checks these against
    ``attendance_block`` meeting by meeting.

    ``meeting_ids``: a list, or a SELECT of the ids — one statement then, served by the covering
    index ``ix_attendance_roll`` (a period of a 50,000-member committee is 600,000 roll-call rows)."""
    status, mark = MeetingAttendance.member_status, MeetingAttendance.attendance
    summoned = tuple(sorted(SUMMONED_STATES))
    is_present = and_(mark.is_not(None), mark == Attendance.PRESENT.value)
    expected = func.sum(case((status.in_(summoned), 1), else_=0))
    result: dict[int, RollCounts] = {}
    parts = [meeting_ids] if not isinstance(meeting_ids, list) else [
        meeting_ids[chunk:chunk + 900] for chunk in range(0, len(meeting_ids), 900)]
    for ids in parts:
        for meeting_id, exp, pres, unmarked in session.execute(
            select(MeetingAttendance.meeting_id, expected,
                   func.sum(case((and_(status.in_(summoned), is_present), 1), else_=0)),
                   func.sum(case((and_(status.in_(summoned), mark.is_(None)), 1), else_=0)))
            .where(MeetingAttendance.meeting_id.in_(ids), MeetingAttendance.deleted_at.is_(None))
            .group_by(MeetingAttendance.meeting_id)
        ):
            result[meeting_id] = RollCounts(int(exp or 0), int(pres or 0), int(unmarked or 0))
    return result


COLUMNS = [
    Column("months_due", "Số tháng phải sinh hoạt", "Sinh hoạt thường kỳ"),
    Column("months_met", "Số tháng có sinh hoạt", "Sinh hoạt thường kỳ"),
    Column("months_missed", "Số tháng thiếu", "Sinh hoạt thường kỳ"),
    Column("missed_list", "Các tháng thiếu", "Sinh hoạt thường kỳ", "text"),
    Column("quarters_due", "Số quý phải có", "Sinh hoạt chuyên đề"),
    Column("quarters_met", "Số quý có chuyên đề", "Sinh hoạt chuyên đề"),
    Column("held", "Buổi đã họp", "Buổi họp"),
    Column("expected", "Lượt phải dự", "Dự họp"),
    Column("present", "Lượt có mặt", "Dự họp"),
    Column("attendance_pct", "Tỉ lệ dự họp", "Dự họp", "percent"),
    Column("finalised", "Biên bản đã chốt", "Biên bản"),
    Column("complete", "Biên bản đủ nội dung", "Biên bản"),
    Column("rank", "Xếp thứ", "", "text"),
]


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def activity(session, start: date, end: date) -> Report:
    book = rules(session)
    meetings = session.execute(
        select(Meeting.id, Meeting.unit_id, Meeting.kind, Meeting.state, Meeting.meeting_date, Meeting.finalised_at,
               Meeting.quality_rating)
        .where(Meeting.deleted_at.is_(None), in_scope(Meeting.unit_id), Meeting.meeting_date >= date(start.year, 1, 1),
               Meeting.meeting_date <= end)
    ).all()
    held_ids = [m.id for m in meetings if m.state != MeetingState.PLANNED.value and start <= m.meeting_date <= end]
    held_query = select(Meeting.id).where(Meeting.deleted_at.is_(None), in_scope(Meeting.unit_id),
                                          Meeting.state != MeetingState.PLANNED.value, Meeting.meeting_date >= start,
                                          Meeting.meeting_date <= end)
    counts = roll_call_counts(session, held_query)
    # Meetings whose chair wrote a conclusion on at least one agenda item (blank text is none).
    concluded_ids = {meeting_id for meeting_id, conclusion in session.execute(
        select(AgendaItem.meeting_id, AgendaItem.conclusion).where(
            AgendaItem.meeting_id.in_(held_query), AgendaItem.deleted_at.is_(None), AgendaItem.conclusion.is_not(None),
            AgendaItem.conclusion != "")) if conclusion.strip()}

    held_set = set(held_ids)
    # A month is over once its last day has passed: a period ending 31/03 judges March; months after
    # today are not yet missed.
    judged_on = min(end + timedelta(days=1), date.today())
    home, lines = branches(session, None)
    by_unit: dict[int, list] = defaultdict(list)
    for m in meetings:
        by_unit[m.unit_id].append(m)
    if home.level != "chi-bo":
        extra = {u for u, ms in by_unit.items() if any(x.state != MeetingState.PLANNED.value for x in ms)}
        home, lines = branches(session, {b.unit_id for b in lines} | extra)
    months = [(y, m) for y, m in _months(start, end)]
    grid_rows, grid_series, rows = [], [], []
    for line in lines:
        unit_meetings = by_unit.get(line.unit_id, [])
        row = {"label": line.name, "code": line.code}
        months_due = months_met = 0
        missed: list[str] = []
        quarters_due = quarters_met = 0
        per_month = []
        for year in sorted({y for y, _ in months}):
            state = compliance([HeldMeeting(m.meeting_date, m.kind, m.state) for m in unit_meetings], year, judged_on, book)
            for period in state.months:
                if (year, period.index) not in months or date(year, period.index, 1) < date(start.year, start.month, 1):
                    continue
                # a month not yet due (the current one, meeting still to come): None, drawn apart from a missed one
                per_month.append(period.count if period.count or period.status in ("ok", "missing") else None)
                if period.status in ("ok", "missing"):
                    months_due += 1
                    if period.status == "ok":
                        months_met += 1
                    else:
                        missed.append(f"{period.index:02d}/{year}")
            for period in state.quarters:
                first_month = 3 * period.index - 2
                if (year, first_month) not in months or (year, first_month + 2) not in months:
                    continue  # a quarter only partly inside the period is not judged
                if period.status in ("ok", "missing"):
                    quarters_due += 1
                    quarters_met += period.status == "ok"
        held = [m for m in unit_meetings if m.id in held_set]
        expected = present = finalised = complete = 0
        for m in held:
            block = counts.get(m.id, EMPTY)
            expected += block.expected
            present += block.present
            if m.state == MeetingState.FINALISED.value:
                finalised += 1
                if not block.unmarked and m.id in concluded_ids and m.quality_rating:
                    complete += 1
        row.update(months_due=months_due, months_met=months_met, months_missed=months_due - months_met,
                   missed_list=", ".join(missed), quarters_due=quarters_due, quarters_met=quarters_met,
                   held=len(held), expected=expected, present=present,
                   attendance_pct=percent(present, expected), finalised=finalised, complete=complete)
        rows.append(row)
        grid_rows.append(line.name)
        grid_series.append(Series(line.name, per_month))
    ranked = sorted(rows, key=lambda r: (r["months_missed"], r["quarters_due"] - r["quarters_met"],
                                         -(r["attendance_pct"] or 0.0), r["code"]))
    for position, row in enumerate(ranked, 1):
        row["rank"] = position
    total = total_row(rows, COLUMNS)
    total["attendance_pct"] = percent(total["present"], total["expected"])
    total["missed_list"] = ""
    total["rank"] = ""
    behind = [r for r in rows if r["months_missed"]]
    no_thematic = [r for r in rows if r["quarters_due"] and r["quarters_met"] < r["quarters_due"]]
    table = Table("activity", f"Sinh hoạt chi bộ từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}", COLUMNS, rows, total,
                  note="Biên bản đủ nội dung: đã chốt, điểm danh đủ, có kết luận của chủ trì và có xếp loại buổi họp.")
    month_labels = [f"{m:02d}/{y}" for y, m in months]
    monthly_present = defaultdict(int)
    monthly_expected = defaultdict(int)
    for m in meetings:
        if m.id in counts:
            block = counts[m.id]
            key = f"{m.meeting_date.month:02d}/{m.meeting_date.year}"
            monthly_present[key] += block.present
            monthly_expected[key] += block.expected
    charts = [
        Chart("attendance", "Tỉ lệ dự họp theo tháng", "line", month_labels,
              [Series("Tỉ lệ dự họp (%)", [percent(monthly_present[k], monthly_expected[k]) or 0.0 for k in month_labels])],
              "%"),
        Chart("grid", "Số buổi sinh hoạt thường kỳ theo chi bộ và tháng", "grid", month_labels, grid_series,
              "buổi", rows=grid_rows),
        Chart("behind", "Chi bộ thiếu sinh hoạt thường kỳ theo tháng", "bar", month_labels,
              [Series("Số chi bộ thiếu", [sum(1 for r in rows if label in r["missed_list"].split(", "))
                                          for label in month_labels])], "chi bộ"),
    ]
    figures = {"branches": len(rows), "branches_meeting_every_month": sum(1 for r in rows if r["months_due"] and not r["months_missed"]),
               "branches_behind": len(behind), "branches_missing_thematic": len(no_thematic),
               "held": total["held"], "attendance_pct": total["attendance_pct"], "finalised": total["finalised"],
               "complete": total["complete"]}
    return Report("activity", "Báo cáo tình hình sinh hoạt chi bộ", home.name, start, end, [table], charts,
                  figures=figures)
