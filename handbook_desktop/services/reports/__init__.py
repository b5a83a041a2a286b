"""Reports a committee (and a branch, for itself) sends upward: figures computed from the records.

Each report is a function ``(session, start, end) -> Report`` returning plain figures per branch and
in total (``model.py``); the window, ``reports make``, Excel and Word lay out the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.reports.model import Report


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str
    about: str
    make: Callable


def _kinds() -> list[ReportKind]:
    from handbook_desktop.services.reports.activity import activity
    from handbook_desktop.services.reports.admissions import admissions
    from handbook_desktop.services.reports.dues import dues
    from handbook_desktop.services.reports.membership import membership
    from handbook_desktop.services.reports.movements import movements
    from handbook_desktop.services.reports.ratings import ratings

    return [
        ReportKind("membership", "Số lượng, chất lượng đảng viên",
                   "Đảng số theo giới tính, tuổi, dân tộc, tôn giáo, trình độ, lý luận chính trị, tuổi đảng — "
                   "đến ngày cuối kỳ", membership),
        ReportKind("movements", "Biến động đảng viên",
                   "Kết nạp, công nhận chính thức, chuyển đến, chuyển đi, từ trần, xóa tên, khai trừ, thẻ — trong kỳ",
                   movements),
        ReportKind("activity", "Tình hình sinh hoạt chi bộ",
                   "Chi bộ họp đủ hằng tháng, chuyên đề hằng quý, tỉ lệ dự họp, biên bản — xếp thứ các chi bộ",
                   activity),
        ReportKind("dues", "Thu, nộp đảng phí", "Phải thu, đã thu theo chi bộ và tháng; đảng viên chưa nộp nhiều tháng",
                   dues),
        ReportKind("ratings", "Đánh giá, xếp loại đảng viên",
                   "Số đảng viên theo mức xếp loại của năm cuối kỳ, kiểm tra tỉ lệ xuất sắc", ratings),
        ReportKind("admissions", "Công tác phát triển đảng viên",
                   "Hồ sơ kết nạp đang xét theo bước, các bước quá hạn", admissions),
    ]


def report_kinds() -> list[ReportKind]:
    return _kinds()


def report_kind(key: str) -> ReportKind:
    for kind in _kinds():
        if kind.key == key:
            return kind
    names = ", ".join(k.key for k in _kinds())
    raise UserError(f"Không có báo cáo '{key}'. Các báo cáo: {names}.")


def make_report(database, key: str, start: date, end: date) -> Report:
    if end < start:
        raise UserError(f"Ngày cuối kỳ ({end:%d/%m/%Y}) trước ngày đầu kỳ ({start:%d/%m/%Y}): hãy chọn lại kỳ báo cáo.")
    kind = report_kind(key)
    with database.read() as session:
        return kind.make(session, start, end)
