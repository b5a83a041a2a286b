"""Reading the audit trail: filters for the Nhật ký page and the export to .xlsx.

Values of sensitive fields were masked when written (services.audit); details are masked again
on the way out, whatever wrote them. A change of a record is one line with its fields inside it
(``AuditLog.changes``, migration 0018); lines written before it have one field each. Both read
the same: ``AuditRow.changes`` lists (label, old, new).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import or_, select

from handbook_desktop.domain.text import fold
from handbook_desktop.logs import mask_personal_numbers
from handbook_desktop.store.models import AuditLog, Member, MemberEvent

ACTION_LABELS = {
    "create": "Thêm", "update": "Sửa", "delete": "Xóa", "restore": "Khôi phục", "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai", "logout": "Đăng xuất", "export": "Xuất dữ liệu", "import": "Nhập dữ liệu",
    "setup": "Thiết lập", "rules_update": "Cập nhật bảng quy định", "backup": "Sao lưu", "sync_import": "Nhập gói đồng bộ", "sync_export": "Gửi gói đồng bộ",
    "sync_hold": "Giữ gói đồng bộ", "sync_receipt": "Nhận biên nhận", "user_add": "Thêm tài khoản",
    "user_role": "Đổi vai trò", "user_enable": "Mở khóa tài khoản", "user_disable": "Khóa tài khoản",
    "password_change": "Đổi mật khẩu", "password_reset": "Đặt lại mật khẩu",
    "password_recovered": "Khôi phục mật khẩu bằng mã", "recovery_failed": "Nhập sai mã khôi phục",
    "recovery_code_new": "Tạo mã khôi phục mới", "setting": "Đổi cài đặt", "purge": "Xóa hẳn",
    "unlock": "Mở khóa màn hình",
}


ENTITY_LABELS = {
    "member": "Hồ sơ đảng viên", "member_event": "Sự kiện", "dues_month": "Đảng phí", "dues_basis": "Mức đảng phí",
    "meeting": "Cuộc họp", "attendance": "Điểm danh", "vote": "Biểu quyết", "agenda_item": "Nội dung họp",
    "speech": "Phát biểu", "candidate": "Kết nạp", "rating": "Xếp loại", "user": "Tài khoản", "backup": "Sao lưu",
    "setting": "Cài đặt", "unit": "Đơn vị", "issued_document": "Văn bản", "sync_inbox": "Gói đồng bộ",
    "sync_outbox": "Gói đồng bộ", "audit_log": "Nhật ký", "calendar_day": "Lịch làm việc", "rule": "Quy định",
}
FIELD_LABELS = {
    "status": "Trạng thái", "role": "Vai trò", "paid": "Đã nộp", "paid_on": "Ngày nộp", "method": "Hình thức nộp",
    "amount": "Số tiền", "attendance": "Điểm danh", "score": "Xếp loại", "stage": "Giai đoạn",
    "idle_lock_minutes": "Khóa màn hình sau (phút)", "backup_second_folder": "Thư mục sao lưu thứ hai",
    "large_font": "Chữ lớn", "birth_year": "Năm sinh",
}
DETAIL_KEYS = {
    "file": "tệp", "reason": "lý do", "backup": "bản sao", "before": "bản trước khi khôi phục", "rows": "số dòng",
    "username": "tài khoản", "month": "tháng", "member": "đảng viên", "kind": "loại", "date": "ngày",
    "from": "từ", "sequence": "số gói", "code": "mã", "level": "cấp", "migrated_from": "nâng cấp từ",
    "created_at": "tạo lúc", "lines": "số dòng", "added": "thêm", "corrected": "sửa",
    "amendment_reason": "lý do sửa", "backups_encrypted": "bản sao đã mã hóa", "choice": "lựa chọn",
    "concerns": "liên quan", "counts": "số bản ghi", "form": "mẫu", "issued_on": "ngày ban hành",
    "key_id": "mã khóa", "keys": "khóa", "meeting": "cuộc họp", "missing": "còn thiếu", "number": "số",
    "old_number": "số cũ", "origin": "nơi tạo", "past": "đã qua", "peer": "đơn vị", "personal": "dữ liệu cá nhân",
    "seconds": "số giây", "sync_keys": "khóa đồng bộ", "to": "đến", "unit": "đơn vị", "where": "nơi",
    "years": "số năm", "account": "tài khoản", "at": "lúc", "attempts": "số lần thử", "decision_date": "ngày quyết định",
    "denominator": "mẫu số", "detail": "chi tiết", "door": "nơi đăng nhập", "how": "cách", "relation": "quan hệ",
    "vote_date": "ngày biểu quyết", "votes_for": "số phiếu tán thành", "demo": "dữ liệu mẫu", "members": "số đảng viên",
}
HIDDEN_DETAIL_KEYS = {"member", "meeting_uuid", "vote_uuid"}  # ids: the line names the member or meeting already
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def field_label(field: str) -> str:
    if not field:
        return ""
    try:
        from handbook_desktop.services.members.fields import FIELD_BY_KEY

        spec = FIELD_BY_KEY.get(field)
        if spec is not None:
            return spec.label
    except ImportError:
        pass
    return FIELD_LABELS.get(field, field)


def _code_labels() -> dict[str, str]:
    from handbook_desktop.domain.dues import BASIS_LABELS, METHOD_LABELS
    from handbook_desktop.domain.states import STATUS_LABELS, Gender, PartyPosition

    labels = {**METHOD_LABELS, **BASIS_LABELS}
    labels.update({status.value: label for status, label in STATUS_LABELS.items()})
    from handbook_desktop.services.levels import level_labels

    labels.update(level_labels())
    labels.update({kind.value: kind.label for kind in (*Gender, *PartyPosition)})
    return labels


def display_value(text: str | None) -> str:
    """What a secretary reads: Có/Không, dd/mm/yyyy, personal numbers masked."""
    if not text:
        return ""
    if text in {"True", "False"}:
        return "Có" if text == "True" else "Không"
    label = _code_labels().get(text)
    if label is not None:  # a stored code (cash, official, chi-bo …) reads as its label
        return label
    match = _ISO_DATE.match(text)
    if match:
        return f"{match.group(3)}/{match.group(2)}/{match.group(1)}"
    return mask_personal_numbers(text)


def display_detail(text: str | None) -> str:
    if not text:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        return mask_personal_numbers(text)
    if not isinstance(data, dict):
        return mask_personal_numbers(str(data))
    parts = []
    for key, value in data.items():
        if value is None or key in HIDDEN_DETAIL_KEYS:
            continue
        parts.append(f"{DETAIL_KEYS.get(key, key)}: {display_value(str(value))}")
    return "; ".join(parts)


@dataclass
class AuditFilter:
    member_text: str = ""  # a member's name (without diacritics) or words of the line
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 2000
    entity: str = ""  # the kind of record: member, dues_month, candidate…
    unit_id: int | None = None  # at a committee: lines about one branch's members, meetings and records


@dataclass
class AuditRow:
    at: datetime
    username: str
    action: str
    action_label: str
    entity: str
    entity_label: str
    member_name: str
    member_uuid: str | None
    field: str  # the field's label; for a line of several fields, their labels joined
    old: str
    new: str
    detail: str
    changes: list[tuple[str, str, str]] = dc_field(default_factory=list)  # (label, old, new) of each field


def _local_day_bounds(day: date, end: bool) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min).astimezone()
    return moment.astimezone(timezone.utc)


def query_audit(database, flt: AuditFilter | None = None) -> list[AuditRow]:
    flt = flt or AuditFilter()
    with database.read() as session:
        query = select(AuditLog)
        if flt.username:
            query = query.where(AuditLog.username == flt.username)
        if flt.action:
            query = query.where(AuditLog.action == flt.action)
        if flt.date_from:
            query = query.where(AuditLog.at >= _local_day_bounds(flt.date_from, False))
        if flt.date_to:
            query = query.where(AuditLog.at < _local_day_bounds(flt.date_to, True))
        if flt.entity:
            query = query.where(AuditLog.entity == flt.entity)
        if flt.unit_id is not None:
            query = query.where(AuditLog.entity_uuid.in_(_uuids_of(Member.unit_id == flt.unit_id, flt.unit_id)))
        if flt.member_text.strip():
            # What the list shows: the member's name on the line of any record that points at a
            # member (dues, candidates, ratings, events…), or the words of the line itself.
            pattern = f"%{fold(flt.member_text)}%"
            words = f"%{flt.member_text.strip()}%"
            query = query.where(or_(AuditLog.entity_uuid.in_(_uuids_of(Member.name_fold.like(pattern))),
                                    AuditLog.detail.like(words), AuditLog.new_value.like(words),
                                    AuditLog.old_value.like(words), AuditLog.changes.like(words)))
        entries = session.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(flt.limit)).all()
        names = _member_names(session, entries)
        rows = []
        for entry in entries:
            name, member_uuid = names.get(entry.entity_uuid or "", ("", None))
            rows.append(AuditRow(  # field, values and detail put in words by make_readable below
                at=entry.at, username=entry.username, action=entry.action, action_label=action_label(entry.action),
                entity=entry.entity or "", entity_label=ENTITY_LABELS.get(entry.entity or "", entry.entity or ""),
                member_name=name, member_uuid=member_uuid, field=field_label(entry.field or ""),
                old=display_value(entry.old_value), new=display_value(entry.new_value),
                detail=display_detail(entry.detail),
            ))
        from handbook_desktop.services.audit_values import make_readable

        make_readable(session, entries, rows)
        return rows


def _uuids_of(member_condition, unit_id: int | None = None):
    """uuids of the members meeting ``member_condition`` and of every record pointing at one of
    them; with ``unit_id`` also the unit itself, its meetings and what points at those."""
    from sqlalchemy import union

    from handbook_desktop.store.models import Base, Meeting, Unit

    parts = [select(Member.uuid).where(member_condition)]
    for table in Base.metadata.tables.values():
        if "uuid" not in table.c or table.name == "member":
            continue
        if "member_id" in table.c:
            parts.append(select(table.c.uuid).join(Member, table.c.member_id == Member.id).where(member_condition))
        if unit_id is not None and "unit_id" in table.c:
            parts.append(select(table.c.uuid).where(table.c.unit_id == unit_id))
        if unit_id is not None and "meeting_id" in table.c:
            parts.append(select(table.c.uuid).join(Meeting, table.c.meeting_id == Meeting.id)
                         .where(Meeting.unit_id == unit_id))
    if unit_id is not None:
        parts.append(select(Unit.uuid).where(Unit.id == unit_id))
    return union(*parts)


def _member_names(session, entries) -> dict[str, tuple[str, str]]:
    """entity uuid -> (member name, member uuid), for members and every table that points at one."""
    from handbook_desktop.store.models import Base

    by_entity: dict[str, set[str]] = {}
    for entry in entries:
        if entry.entity and entry.entity_uuid:
            by_entity.setdefault(entry.entity, set()).add(entry.entity_uuid)
    names: dict[str, tuple[str, str]] = {}
    for entity, uuids in by_entity.items():
        table = Base.metadata.tables.get(entity)
        if table is None or "uuid" not in table.c:
            continue
        for chunk_start in range(0, len(uuids), 500):
            chunk = sorted(uuids)[chunk_start:chunk_start + 500]
            if entity == "member":
                query = select(Member.uuid, Member.full_name, Member.uuid).where(Member.uuid.in_(chunk))
            elif "member_id" in table.c:
                query = select(table.c.uuid, Member.full_name, Member.uuid) \
                    .join(Member, table.c.member_id == Member.id).where(table.c.uuid.in_(chunk))
            else:
                continue
            for uuid, name, member_uuid in session.execute(query):
                names[uuid] = (name, member_uuid)
    return names


def audit_entities(database) -> list[tuple[str, str]]:
    """(label, entity) of the kinds of record present in the log, by label, for the page's filter."""
    with database.read() as session:
        found = [e for e in session.scalars(select(AuditLog.entity).distinct()) if e]
    return sorted(((ENTITY_LABELS.get(e, e), e) for e in found), key=lambda pair: fold(pair[0]))


def audit_choices(database) -> tuple[list[str], list[str]]:
    """(usernames, actions) present in the log, for the filter lists."""
    with database.read() as session:
        users = sorted(session.scalars(select(AuditLog.username).distinct()).all())
        actions = sorted(session.scalars(select(AuditLog.action).distinct()).all(), key=action_label)
    return users, actions


def export_audit(database, actor, flt: AuditFilter, path: Path | str) -> int:
    """Write the filtered log to .xlsx (marked as holding personal data); the export is itself logged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from handbook_desktop.services.audit import record
    from handbook_desktop.services.privacy import mark_workbook

    actor.require("read")
    rows = query_audit(database, flt)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhật ký"
    headers = ["Thời điểm", "Người dùng", "Việc", "Đối tượng", "Đảng viên", "Thông tin", "Giá trị cũ", "Giá trị mới",
               "Chi tiết"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.at.astimezone().strftime("%d/%m/%Y %H:%M:%S"), row.username, row.action_label, row.entity_label,
                      row.member_name, row.field, row.old, row.new, row.detail])
    for letter, width in zip("ABCDEFGHI", (20, 14, 22, 14, 26, 18, 24, 24, 50)):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
    mark_workbook(path)
    with database.session() as session:
        record(session, actor, "export", entity="audit_log", detail={"file": Path(path).name, "rows": len(rows)})
    return len(rows)
