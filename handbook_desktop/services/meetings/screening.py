"""Screening from attendance, for the to-do list and the committee's review (DOMAIN.md §4, §7).

- members absent without reason in ``removal.unexcused_absent_months_in_year`` months of the year
  (Điều lệ art. 8: grounds for proposing removal — flagged, people decide);
- members absent with reason more than ``meeting.excused_absence.max_in_a_row`` times in a row
  (exempt members excluded);
- months without a regular meeting, quarters without a thematic one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.meetings import MeetingState, MemberMark, excused_in_a_row, unexcused_months
from handbook_desktop.domain.votes import Attendance
from handbook_desktop.services.meetings.common import book_for
from handbook_desktop.services.meetings.queries import compliance_for, meeting_units
from handbook_desktop.store.models import Meeting, MeetingAttendance, Member, Unit


@dataclass
class MemberFlag:
    member_uuid: str
    name: str
    unit_code: str
    count: int
    dates: list[date]
    rule: str


@dataclass
class MissingPeriod:
    unit_code: str
    unit_name: str
    period: int  # month 1–12 or quarter 1–4
    rule: str


@dataclass
class ScreeningResult:
    year: int
    on: date
    unexcused: list[MemberFlag] = field(default_factory=list)
    excused_in_a_row: list[MemberFlag] = field(default_factory=list)
    missing_regular: list[MissingPeriod] = field(default_factory=list)
    missing_thematic: list[MissingPeriod] = field(default_factory=list)
    unexcused_limit: int = 0  # months in the year (rule removal.unexcused_absent_months_in_year)
    excused_limit: int = 0  # times in a row (rule meeting.excused_absence.max_in_a_row)

    @property
    def total(self) -> int:
        return len(self.unexcused) + len(self.excused_in_a_row) + len(self.missing_regular) + len(
            self.missing_thematic)


def screening(session: Session, year: int, on: date) -> ScreeningResult:
    """Everything the attendance of ``year`` (up to ``on``) gives cause to look at. Plain values."""
    book = book_for(session)
    in_year = (
        Meeting.deleted_at.is_(None), MeetingAttendance.deleted_at.is_(None),
        Meeting.state != MeetingState.PLANNED.value,
        Meeting.meeting_date >= date(year, 1, 1), Meeting.meeting_date <= min(on, date(year, 12, 31)),
    )
    columns = (MeetingAttendance.member_id, Meeting.meeting_date, MeetingAttendance.member_status,
               MeetingAttendance.attendance)
    joined = select(*columns).join(Meeting, Meeting.id == MeetingAttendance.meeting_id).where(*in_year)
    # A committee holds hundreds of thousands of roll-call lines a year: read only the absences
    # without reason, and the full history only of members with enough absences with reason to matter.
    marks = [MemberMark(str(r[0]), r[1], r[2], r[3]) for r in session.execute(
        joined.where(MeetingAttendance.attendance == Attendance.ABSENT_UNEXCUSED.value))]
    limit_row_now = int(book.value("meeting.excused_absence.max_in_a_row", on))
    often = (select(MeetingAttendance.member_id).join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
             .where(*in_year, MeetingAttendance.attendance == Attendance.ABSENT_EXCUSED.value)
             .group_by(MeetingAttendance.member_id).having(func.count() > limit_row_now))
    excused_marks = [MemberMark(str(r[0]), r[1], r[2], r[3]) for r in session.execute(
        joined.where(MeetingAttendance.member_id.in_(often)))]
    unexcused = unexcused_months(marks, year, on, book)
    in_a_row = excused_in_a_row(excused_marks, year, on, book)
    ids = {int(flag.member_key) for flag in unexcused + in_a_row}
    people = {}
    if ids:
        people = {row.id: row for row in session.execute(
            select(Member.id, Member.uuid, Member.full_name, Member.name_sort, Unit.code)
            .join(Unit, Unit.id == Member.unit_id).where(Member.id.in_(ids))
        )}
    limit_unexcused = book.value("removal.unexcused_absent_months_in_year", on)
    limit_row = book.value("meeting.excused_absence.max_in_a_row", on)

    def flags(found, rule):
        result = []
        for flag in found:
            person = people[int(flag.member_key)]
            result.append(MemberFlag(person.uuid, person.full_name, person.code, flag.count, flag.dates, rule))
        return sorted(result, key=lambda f: (f.unit_code, people_sort(f)))

    sort_keys = {p.uuid: p.name_sort for p in people.values()}

    def people_sort(flag):
        return sort_keys.get(flag.member_uuid, "")

    result = ScreeningResult(year, on, unexcused_limit=int(limit_unexcused), excused_limit=int(limit_row))
    result.unexcused = flags(unexcused, f"Vắng không lý do {limit_unexcused} tháng trong năm (Điều lệ Đảng điều 8)")
    result.excused_in_a_row = flags(in_a_row, f"Vắng có lý do quá {limit_row} lần liên tiếp")
    names = {u.code: u.name for u in meeting_units(session)}
    for code, strip in compliance_for(session, year, on).items():
        for month in strip.missing_months:
            result.missing_regular.append(MissingPeriod(code, names[code], month, "Ít nhất mỗi tháng một lần sinh hoạt thường kỳ"))
        for quarter in strip.missing_quarters:
            result.missing_thematic.append(MissingPeriod(code, names[code], quarter, "Ít nhất mỗi quý một lần sinh hoạt chuyên đề"))
    return result


def export_screening_xlsx(result: ScreeningResult, path: str | Path) -> Path:
    """The screening lists as an Excel workbook, one sheet per list."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    book = Workbook()
    bold = Font(bold=True)

    def sheet(title, heading, header, rows, first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append([heading])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([f"Năm {result.year}, tính đến ngày {format_date(result.on)}"])
        ws.append([])
        ws.append(header)
        for cell in ws[4]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for number, row in enumerate(rows, start=1):
            ws.append([number, *row])
        if not rows:
            ws.append(["", "Không có"])
        for column, width in zip("ABCDEF", (6, 30, 14, 12, 40, 45)):
            ws.column_dimensions[column].width = width
        ws.freeze_panes = "A5"

    member_header = ["STT", "Họ và tên", "Đơn vị", "Số lần/tháng", "Các ngày", "Căn cứ"]
    sheet("Vắng không lý do", f"Đảng viên vắng sinh hoạt không lý do từ {result.unexcused_limit} tháng trong năm",
          member_header,
          [[f.name, f.unit_code, f.count, ", ".join(format_date(d) for d in f.dates), f.rule] for f in result.unexcused],
          first=True)
    sheet("Vắng có lý do liên tiếp", f"Đảng viên vắng có lý do quá {result.excused_limit} lần liên tiếp",
          member_header,
          [[f.name, f.unit_code, f.count, ", ".join(format_date(d) for d in f.dates), f.rule]
           for f in result.excused_in_a_row])
    sheet("Thiếu SH thường kỳ", "Tháng không sinh hoạt thường kỳ", ["STT", "Chi bộ", "Mã", "Tháng", "Căn cứ"],
          [[m.unit_name, m.unit_code, f"{m.period:02d}/{result.year}", m.rule] for m in result.missing_regular])
    sheet("Thiếu SH chuyên đề", "Quý không sinh hoạt chuyên đề", ["STT", "Chi bộ", "Mã", "Quý", "Căn cứ"],
          [[m.unit_name, m.unit_code, f"Quý {m.period}/{result.year}", m.rule] for m in result.missing_thematic])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    book.save(temporary)
    temporary.replace(path)
    return path
