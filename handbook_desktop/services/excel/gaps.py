"""Columns of an Excel member list about leaving the Party and re-admission (issue 15 §2): the date
and decision of the departure, the date and decision of the re-admission. A row with both records a
gap in the member's past (party age, badges and dues leave it out); the member's state comes from
the row as usual. The headings people write vary ("Ngày ra khỏi Đảng", "Ngày xóa tên", "Ngày kết
nạp lại", "Kết nạp lần 2" …): they are folded like every other heading.
"""

from __future__ import annotations

from datetime import date

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.text import fold
from handbook_desktop.services.excel.cells import CellProblem, parse_date_cell, text_cell

# key → (label, other headings, kind)
GAP_COLUMNS = {
    "left_on": ("Ngày ra khỏi Đảng", ("Ngày xóa tên", "Ngày bị xóa tên", "Ngày khai trừ", "Ngày ra Đảng",
                                      "Ra khỏi Đảng ngày", "Ngày quyết định xóa tên", "Ngày QĐ xóa tên"), "date"),
    "left_decision": ("Số quyết định ra khỏi Đảng", ("Số QĐ xóa tên", "Số quyết định xóa tên", "Số QĐ khai trừ",
                                                     "Số quyết định khai trừ", "QĐ xóa tên"), "text"),
    "left_how": ("Hình thức ra khỏi Đảng", ("Xóa tên hay khai trừ", "Lý do ra khỏi Đảng"), "text"),
    "readmitted_on": ("Ngày kết nạp lại", ("Ngày vào Đảng lần 2", "Ngày kết nạp lần 2", "Kết nạp lại ngày",
                                           "Ngày quyết định kết nạp lại", "Ngày QĐ kết nạp lại",
                                           "Ngày vào Đảng lần hai"), "date"),
    "readmitted_decision": ("Số quyết định kết nạp lại", ("Số QĐ kết nạp lại", "QĐ kết nạp lại"), "text"),
}
GAP_LABELS = {key: label for key, (label, _, _) in GAP_COLUMNS.items()}


def gap_headings() -> dict[str, str]:
    """Folded heading → key, for the reader's table."""
    from handbook_desktop.services.excel.headings import heading_key

    return {heading_key(name): key for key, (label, others, _) in GAP_COLUMNS.items() for name in (label, *others)}


def departure_kind(text: str | None) -> str:
    folded = fold(text or "")
    if "khai tru" in folded:
        return "expelled"
    if not folded or "xoa ten" in folded:
        return "removed"
    return "left_other"


def read_gap(cells: list, columns: dict[int, str], headings: dict[int, str], today: date) -> tuple[dict, list[str]]:
    gap, problems = {}, []
    for column, key in columns.items():
        if key not in GAP_COLUMNS:
            continue
        raw = cells[column] if column < len(cells) else None
        if GAP_COLUMNS[key][2] == "date":
            try:
                value = parse_date_cell(raw, today)
            except CellProblem as problem:
                problems.append(f"Cột '{headings[column]}': {problem}")
                continue
        else:
            value = text_cell(raw)
        if value is not None:
            gap[key] = value
    if gap.get("readmitted_on") and not gap.get("left_on"):
        problems.append("Có ngày kết nạp lại mà không có ngày ra khỏi Đảng: hãy ghi cả hai ngày.")
    if gap.get("left_on") and gap.get("readmitted_on") and gap["readmitted_on"] <= gap["left_on"]:
        problems.append("Ngày kết nạp lại phải sau ngày ra khỏi Đảng.")
    return gap, problems


def plan_gap(outcome, gap: dict, merged: dict, existing) -> None:
    """Reasons, warnings and the change line of one row's gap (nothing written)."""
    if not gap.get("left_on"):
        return
    decision = merged.get("decision_date")
    if decision is None or gap["left_on"] <= decision:
        outcome.reasons.append("Ngày ra khỏi Đảng phải sau ngày quyết định kết nạp lần đầu (cột ngày vào Đảng).")
        return
    if existing is not None:
        from handbook_desktop.services.procedures.common import live_events

        if any(e.kind in ("removed", "expelled", "left_other") and e.event_date == gap["left_on"]
               for e in live_events(existing)):
            return  # already recorded: importing the same sheet twice changes nothing
    if not gap.get("readmitted_on"):
        outcome.warnings.append("Có ngày ra khỏi Đảng mà không có ngày kết nạp lại: chỉ ghi sự kiện ra khỏi Đảng, "
                                "trạng thái theo cột Trạng thái.")
    new = format_date(gap["left_on"]) + (f" – {format_date(gap['readmitted_on'])}" if gap.get("readmitted_on") else "")
    outcome.changes.append(("party_gap", "Khoảng ra khỏi Đảng", "", new))


def apply_gap(session, actor, member_uuid: str, gap: dict) -> None:
    from handbook_desktop.services.members.events import record_past_gap
    from handbook_desktop.services.procedures.common import add_event, member_by_uuid

    kind = departure_kind(gap.get("left_how"))
    if gap.get("readmitted_on"):
        record_past_gap(session, actor, member_uuid, left_on=gap["left_on"], kind=kind,
                        left_decision=gap.get("left_decision"), readmitted_on=gap["readmitted_on"],
                        readmitted_decision=gap.get("readmitted_decision"))
    else:
        add_event(session, actor, member_by_uuid(session, member_uuid), kind, gap["left_on"],
                  decision_number=gap.get("left_decision"))
