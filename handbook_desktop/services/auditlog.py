"""Reading the audit trail: filters for the Nhật ký page and the export to .xlsx.

Values of sensitive fields were masked when written (services.audit); details are masked again
on the way out, whatever wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import distinct, or_, select

from handbook_desktop.domain.text import fold
from handbook_desktop.logs import mask_personal_numbers
from handbook_desktop.store.models import AuditLog, Member, MemberEvent

ACTION_LABELS = {
    "create": "Thêm", "update": "Sửa", "delete": "Xóa", "restore": "Khôi phục", "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai", "logout": "Đăng xuất", "export": "Xuất dữ liệu", "import": "Nhập dữ liệu",
    "setup": "Thiết lập", "backup": "Sao lưu", "sync_import": "Nhập gói đồng bộ", "sync_export": "Gửi gói đồng bộ",
    "sync_hold": "Giữ gói đồng bộ", "sync_receipt": "Nhận biên nhận", "user_add": "Thêm tài khoản",
    "user_role": "Đổi vai trò", "user_enable": "Mở khóa tài khoản", "user_disable": "Khóa tài khoản",
    "password_change": "Đổi mật khẩu", "password_reset": "Đặt lại mật khẩu",
    "password_recovered": "Khôi phục mật khẩu bằng mã", "recovery_failed": "Nhập sai mã khôi phục",
    "recovery_code_new": "Tạo mã khôi phục mới", "setting": "Đổi cài đặt", "purge": "Xóa hẳn",
    "unlock": "Mở khóa màn hình",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@dataclass
class AuditFilter:
    member_text: str = ""
    username: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 2000


@dataclass
class AuditRow:
    at: datetime
    username: str
    action: str
    action_label: str
    entity: str
    member_name: str
    member_uuid: str | None
    field: str
    old: str
    new: str
    detail: str


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
        if flt.member_text.strip():
            pattern = f"%{fold(flt.member_text)}%"
            member_uuids = select(Member.uuid).where(Member.name_fold.like(pattern))
            event_uuids = select(MemberEvent.uuid).join(Member, MemberEvent.member_id == Member.id) \
                .where(Member.name_fold.like(pattern))
            query = query.where(or_(AuditLog.entity_uuid.in_(member_uuids), AuditLog.entity_uuid.in_(event_uuids)))
        entries = session.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(flt.limit)).all()
        uuids = {entry.entity_uuid for entry in entries if entry.entity_uuid}
        names: dict[str, tuple[str, str]] = {}
        if uuids:
            for uuid, name in session.execute(select(Member.uuid, Member.full_name).where(Member.uuid.in_(uuids))):
                names[uuid] = (name, uuid)
            for uuid, name, member_uuid in session.execute(
                    select(MemberEvent.uuid, Member.full_name, Member.uuid)
                    .join(Member, MemberEvent.member_id == Member.id).where(MemberEvent.uuid.in_(uuids))):
                names[uuid] = (name, member_uuid)
        rows = []
        for entry in entries:
            name, member_uuid = names.get(entry.entity_uuid or "", ("", None))
            rows.append(AuditRow(
                at=entry.at, username=entry.username, action=entry.action, action_label=action_label(entry.action),
                entity=entry.entity or "", member_name=name, member_uuid=member_uuid, field=entry.field or "",
                old=mask_personal_numbers(entry.old_value or ""), new=mask_personal_numbers(entry.new_value or ""),
                detail=mask_personal_numbers(entry.detail or ""),
            ))
        return rows


def audit_choices(database) -> tuple[list[str], list[str]]:
    """(usernames, actions) present in the log, for the filter lists."""
    with database.read() as session:
        users = sorted(session.scalars(select(distinct(AuditLog.username))).all())
        actions = sorted(session.scalars(select(distinct(AuditLog.action))).all(), key=action_label)
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
    headers = ["Thời điểm", "Người dùng", "Việc", "Đối tượng", "Đảng viên", "Trường", "Giá trị cũ", "Giá trị mới",
               "Chi tiết"]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.at.astimezone().strftime("%d/%m/%Y %H:%M:%S"), row.username, row.action_label, row.entity,
                      row.member_name, row.field, row.old, row.new, row.detail])
    for letter, width in zip("ABCDEFGHI", (20, 14, 22, 14, 26, 18, 24, 24, 50)):
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
    mark_workbook(path)
    with database.session() as session:
        record(session, actor, "export", entity="audit_log", detail={"file": Path(path).name, "rows": len(rows)})
    return len(rows)
