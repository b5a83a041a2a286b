"""The status a sheet row gives a member, and why: the status column, the notes column ("Dự bị"),
the group heading above the row ("II. ĐẢNG VIÊN DỰ BỊ"), the sheet ("Đã chuyển đi"), or, failing
all of these, the row's dates — each but the column said on the row as an assumption.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.dates import format_date as _format_date
from handbook_desktop.domain.states import MemberStatus


def row_status(values: dict, from_notes: str | None, group: str | None, group_status: str | None,
               sheet: str | None, sheet_status: str | None, book, today: date) -> tuple[str | None, str | None, str]:
    """(status, what to say on the row, where it came from: column | notes | group | sheet | dates)."""
    if values.get("status"):
        return values["status"], None, "column"
    for status, source, said in ((from_notes, "notes", "ô Ghi chú"), (group_status, "group", f"nhóm '{group}'"),
                                 (sheet_status, "sheet", f"trang '{sheet}'")):
        if status:
            return status, f"trạng thái '{MemberStatus(status).label}' theo {said}", source
    official, decided = values.get("official_date"), values.get("decision_date") or values.get("ceremony_date")
    if official:
        return MemberStatus.OFFICIAL.value, f"đảng viên chính thức (có ngày chính thức {format_date(official)})", "dates"
    if decided:
        months = int(book.value("probation.months", today))
        if add_months(decided, months + 3) < today:
            return (MemberStatus.OFFICIAL.value,
                    f"đảng viên chính thức (vào Đảng {format_date(decided)}, đã quá {months} tháng dự bị) — bảng "
                    "không ghi ngày chính thức: hãy bổ sung", "dates")
        return (MemberStatus.PROBATIONARY.value,
                f"đảng viên dự bị (vào Đảng {format_date(decided)}, chưa có ngày chính thức)", "dates")
    return MemberStatus.OFFICIAL.value, "đảng viên chính thức (bảng không ghi trạng thái, ngày vào Đảng)", "dates"


@lru_cache(maxsize=8192)
def format_date(value: date) -> str:
    """dd/mm/yyyy, each day of a sheet worked out once (a sheet repeats its admission days)."""
    return _format_date(value)
