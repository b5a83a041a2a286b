"""What an audit line says, in a secretary's words (issue 17 §0: Nhật ký shows Vietnamese values).

The log keeps what the program stored — codes (``branch_vote``, ``transfer_out_official``),
uuids of the introducer or the meeting, ISO dates. Read back, each value is named by its field
and its table: a candidate's stage by the stage's name, an event's kind by the event's, a uuid by
the member or meeting it points at. The filter lists of the page use the same names.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select

FIELD_LABELS = {
    "stage": "Bước", "introducer_1_uuid": "Người giới thiệu thứ nhất", "introducer_2_uuid": "Người giới thiệu thứ hai",
    "introducer_1_known_since": "Người giới thiệu thứ nhất biết từ",
    "introducer_2_known_since": "Người giới thiệu thứ hai biết từ",
    "course_certificate_date": "Ngày giấy chứng nhận lớp nhận thức", "application_date": "Ngày đơn xin vào Đảng",
    "background_verified_on": "Ngày thẩm tra lý lịch", "youth_union_resolution": "Nghị quyết giới thiệu của Đoàn",
    "opinions_date": "Ngày tổng hợp ý kiến", "considered_on": "Ngày chi bộ xét", "meeting_uuid": "Cuộc họp",
    "votes_for": "Số tán thành", "denominator": "Số đảng viên được tính biểu quyết",
    "decision_number": "Số quyết định", "decision_date": "Ngày quyết định",
    "decision_received_on": "Ngày nhận quyết định", "ceremony_date": "Ngày lễ kết nạp", "state": "Tình trạng",
    "kind": "Loại", "level": "Mức xếp loại", "quality_rating": "Xếp loại buổi họp", "meeting_date": "Ngày họp",
    "start_time": "Giờ bắt đầu", "end_time": "Giờ kết thúc", "topic": "Chủ đề", "conclusion": "Kết luận",
    "content": "Nội dung", "reason": "Lý do", "late": "Đến muộn", "arrived_at": "Giờ đến",
    "member_status": "Trạng thái khi họp", "chair_uuid": "Chủ trì", "secretary_uuid": "Thư ký",
    "event_date": "Ngày", "end_date": "Đến ngày", "note": "Ghi chú", "notes": "Ghi chú", "excused": "Có lý do",
    "exempt": "Miễn", "basis_kind": "Đối tượng đóng", "base_amount": "Căn cứ tính", "score": "Điểm",
}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _value_labels(entity: str, key: str) -> dict[str, str]:
    """The names of a field's stored codes, where the codes of that field are a known list."""
    from handbook_desktop.domain.admission import STAGE_LABELS
    from handbook_desktop.domain.dues import BASIS_LABELS
    from handbook_desktop.domain.meetings import MEETING_KIND_LABELS, MEETING_STATE_LABELS, QUALITY_RATINGS
    from handbook_desktop.domain.rating import LEVEL_LABELS as RATING_LEVELS
    from handbook_desktop.domain.votes import ATTENDANCE_LABELS

    def plain(labels) -> dict[str, str]:
        return {getattr(code, "value", code): label for code, label in labels.items()}

    if key == "stage":
        return STAGE_LABELS
    if key in ("attendance",):
        return plain(ATTENDANCE_LABELS)
    if key == "state" and entity == "meeting":
        return plain(MEETING_STATE_LABELS)
    if key == "quality_rating":
        return QUALITY_RATINGS
    if key == "level" and entity == "rating":
        return RATING_LEVELS
    if key in ("kind", "basis_kind") and entity in ("dues_basis", "dues_month"):
        return BASIS_LABELS
    if key == "kind" and entity == "meeting":
        return plain(MEETING_KIND_LABELS)
    if key == "kind":
        from handbook_desktop.services.procedures.common import DISCIPLINE_LABELS, EVENT_LABELS

        return {**DISCIPLINE_LABELS, **EVENT_LABELS}
    return {}


def field_text(key: str | None) -> str:
    """A field's name: the member record's own label, else the names above, else the general list."""
    from handbook_desktop.services.auditlog import field_label

    if not key:
        return ""
    label = field_label(key)
    return FIELD_LABELS.get(key, label) if label == key else label


def referenced_names(session, values) -> dict[str, str]:
    """uuid → what it points at (a member's name, a meeting's day and branch), for the uuids among ``values``."""
    from handbook_desktop.domain.dates import format_date
    from handbook_desktop.store.models import Meeting, Member, Unit

    uuids = sorted({v for v in values if isinstance(v, str) and _UUID.match(v)})
    found: dict[str, str] = {}
    for start in range(0, len(uuids), 500):
        part = uuids[start:start + 500]
        found.update(session.execute(select(Member.uuid, Member.full_name).where(Member.uuid.in_(part))).all())
        for uuid, day, branch in session.execute(select(Meeting.uuid, Meeting.meeting_date, Unit.name)
                                                 .join(Unit, Unit.id == Meeting.unit_id).where(Meeting.uuid.in_(part))):
            found[uuid] = f"Cuộc họp {format_date(day)} ({branch})"
    return found


def value_text(entity: str, key: str | None, text: str | None, names: dict[str, str]) -> str:
    """One stored value as the page shows it: a code by its name, a uuid by what it points at,
    True/False as Có/Không, an ISO date as dd/mm/yyyy, personal numbers masked."""
    from handbook_desktop.services.auditlog import display_value

    if text is None or text == "":
        return ""
    label = _value_labels(entity, key or "").get(text)
    if label is not None:
        return label
    if text in names:
        return names[text]
    return display_value(text)


def detail_text(entity: str, detail: str | None, names: dict[str, str]) -> str:
    """A line's detail (``{"kind": "admitted", "date": "2026-11-14"}``) in words: «loại: Kết nạp
    (quyết định); ngày: 14/11/2026». The member it concerns has its own column."""
    from handbook_desktop.logs import mask_personal_numbers
    from handbook_desktop.services.auditlog import DETAIL_KEYS

    if not detail:
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return mask_personal_numbers(detail)
    if not isinstance(data, dict):
        return mask_personal_numbers(str(data))
    parts = []
    for key, value in data.items():
        if value is None or key == "member":
            continue
        parts.append(f"{DETAIL_KEYS.get(key, key)}: {value_text(entity, key, str(value), names)}")
    return "; ".join(parts)


def stored_changes(entry) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) of one line: one field per line, or several in one (``AuditLog.changes``)."""
    try:
        from handbook_desktop.services.audit import read_changes
    except ImportError:
        read_changes = None
    if read_changes is not None:
        return read_changes(entry)
    return [(entry.field, entry.old_value, entry.new_value)] if entry.field else []


def make_readable(session, entries, rows) -> None:
    """Rewrite each row's field, values and detail in words (rows and entries in the same order)."""
    values = []
    for entry in entries:
        for _key, old, new in stored_changes(entry):
            values += [old, new]
        if entry.detail:
            try:
                data = json.loads(entry.detail)
            except ValueError:
                data = None
            if isinstance(data, dict):
                values += [str(v) for v in data.values() if v is not None]
    names = referenced_names(session, values)
    for entry, row in zip(entries, rows):
        entity = entry.entity or ""
        changes = [(field_text(key), value_text(entity, key, old, names), value_text(entity, key, new, names))
                   for key, old, new in stored_changes(entry)]
        if len(changes) == 1:
            row.field, row.old, row.new = changes[0]
        elif changes:  # a record changed in several fields: one line, the fields inside it
            row.field = ", ".join(label for label, _, _ in changes)
            row.old = "; ".join(f"{label}: {value}" for label, value, _ in changes if value)
            row.new = "; ".join(f"{label}: {value}" for label, _, value in changes if value)
        row.changes = changes  # (label, old, new) of each field (an AuditRow field once lines hold several)
        row.detail = detail_text(entity, entry.detail, names)
