"""Planning a meeting: date, time, place, topic, agenda, chair and recorder, guests, documents."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop import paths
from handbook_desktop.domain.meetings import DEFAULT_AGENDA, MeetingKind, MeetingState, parse_time
from handbook_desktop.domain.text import clean
from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.meetings.common import (
    ROSTER_STATES,
    begin_edit,
    get_meeting,
    get_member,
    home_unit,
    text_or_none,
)
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import AgendaItem, Meeting, MeetingAttachment, MeetingAttendance, Member, Unit


def _kind(kind: str) -> str:
    try:
        return MeetingKind(kind).value
    except ValueError:
        raise UserError("Loại buổi sinh hoạt phải là thường kỳ, chuyên đề, kết hợp hoặc bất thường.") from None


def _time(value: str | None, what: str) -> str | None:
    try:
        return parse_time(value)
    except ValueError:
        raise UserError(f"Giờ {what} '{value}' không hợp lệ: hãy viết theo dạng giờ:phút, ví dụ 19:30.") from None


def _unit(session: Session, unit_code: str | None) -> Unit:
    if not unit_code:
        return home_unit(session)
    unit = session.scalars(select(Unit).where(Unit.code == unit_code)).first()
    if unit is None:
        raise UserError(f"Không có đơn vị mã '{unit_code}'.")
    return unit


def create_meeting(
    session: Session,
    actor,
    *,
    kind: str,
    meeting_date: date,
    start_time: str | None = None,
    place: str | None = None,
    topic: str | None = None,
    agenda: list[str] | None = None,
    chair_uuid: str | None = None,
    recorder_uuid: str | None = None,
    presenter_uuid: str | None = None,
    guests: str | None = None,
    unit_code: str | None = None,
) -> str:
    """Plan a meeting; its roll call lists every member who belongs to it. Returns its uuid."""
    actor.require("write")
    kind = _kind(kind)
    if not isinstance(meeting_date, date):
        raise UserError("Hãy nhập ngày họp theo dạng ngày/tháng/năm, ví dụ 05/03/2026.")
    if kind in (MeetingKind.THEMATIC.value, MeetingKind.COMBINED.value) and not clean(topic):
        raise UserError("Buổi sinh hoạt chuyên đề cần ghi rõ chuyên đề.")
    unit = _unit(session, unit_code)
    titles = [clean(t) for t in (DEFAULT_AGENDA if agenda is None else agenda)]
    titles = [t for t in titles if t]
    meeting = Meeting(
        unit=unit, kind=kind, state=MeetingState.PLANNED.value, meeting_date=meeting_date,
        start_time=_time(start_time, "bắt đầu"), place=text_or_none(place), topic=text_or_none(topic),
        chair=get_member(session, chair_uuid), recorder=get_member(session, recorder_uuid),
        presenter=get_member(session, presenter_uuid), guests=text_or_none(guests), origin_unit=unit.code,
    )
    session.add(meeting)
    for position, title in enumerate(titles, start=1):
        session.add(AgendaItem(meeting=meeting, position=position, title=title, origin_unit=unit.code))
    session.flush()
    sync_roster(session, meeting)
    record(session, actor, "create", entity="meeting", entity_uuid=meeting.uuid,
           detail={"kind": kind, "date": meeting_date.isoformat(), "unit": unit.code})
    return meeting.uuid


def sync_roster(session: Session, meeting: Meeting) -> int:
    """Add members who now belong to the meeting; drop unmarked lines of those who left. Returns added."""
    if meeting.state == MeetingState.FINALISED.value:
        return 0
    members = session.scalars(
        select(Member).where(Member.unit_id == meeting.unit_id, Member.status.in_(ROSTER_STATES),
                             Member.deleted_at.is_(None))
    ).all()
    current = {line.member_id: line for line in meeting.attendances}
    wanted = {m.id: m for m in members}
    added = 0
    for member_id, member in wanted.items():
        line = current.get(member_id)
        if line is None:
            session.add(MeetingAttendance(meeting=meeting, member=member, member_status=member.status,
                                          origin_unit=meeting.origin_unit))
            added += 1
        elif line.attendance is None and line.member_status != member.status:
            line.member_status = member.status
    for member_id, line in current.items():
        if member_id not in wanted and line.attendance is None and line.deleted_at is None:
            line.deleted_at = utcnow()
    return added


PLAN_FIELDS = {
    "meeting_date": "Ngày họp",
    "start_time": "Giờ bắt đầu",
    "end_time": "Giờ kết thúc",
    "place": "Địa điểm",
    "topic": "Chuyên đề / nội dung chính",
    "kind": "Loại buổi sinh hoạt",
    "guests": "Khách mời",
    "notes": "Ghi chú",
    "quality_rating": "Xếp loại chất lượng buổi sinh hoạt",
    "rating_votes": "Kết quả biểu quyết xếp loại",
    "rating_note": "Nhận xét chất lượng buổi sinh hoạt",
}


def update_meeting(session: Session, actor, meeting_uuid: str, *, reason: str | None = None, **changes) -> int:
    """Change planning fields (and end time, rating); an amendment when finalised. Returns changes made."""
    from handbook_desktop.domain.meetings import QUALITY_RATINGS

    meeting = get_meeting(session, meeting_uuid)
    edit = begin_edit(session, actor, meeting, reason)
    count = 0
    for key, value in changes.items():
        if key in ("chair_uuid", "recorder_uuid", "presenter_uuid"):
            attr = key[: -len("_uuid")]
            member = get_member(session, value)
            old = getattr(meeting, attr)
            label = {"chair": "Chủ trì", "recorder": "Thư ký", "presenter": "Người trình bày chuyên đề"}[attr]
            if edit.note(label, old.full_name if old else None, member.full_name if member else None):
                setattr(meeting, attr, member)
                count += 1
            continue
        if key not in PLAN_FIELDS:
            raise ValueError(f"unknown meeting field {key}")
        if key == "kind":
            value = _kind(value)
        elif key in ("start_time", "end_time"):
            value = _time(value, "bắt đầu" if key == "start_time" else "kết thúc")
        elif key == "meeting_date":
            if not isinstance(value, date):
                raise UserError("Hãy nhập ngày họp theo dạng ngày/tháng/năm, ví dụ 05/03/2026.")
        elif key == "quality_rating":
            if value is not None and value not in QUALITY_RATINGS:
                raise UserError("Xếp loại buổi sinh hoạt phải là Tốt, Khá, Trung bình hoặc Kém.")
        else:
            value = text_or_none(value)
        old = getattr(meeting, key)
        if edit.note(PLAN_FIELDS[key], _show(key, old), _show(key, value)):
            setattr(meeting, key, value)
            count += 1
    if meeting.kind in (MeetingKind.THEMATIC.value, MeetingKind.COMBINED.value) and not meeting.topic:
        raise UserError("Buổi sinh hoạt chuyên đề cần ghi rõ chuyên đề.")
    return count


def _show(key: str, value):
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def delete_meeting(session: Session, actor, meeting_uuid: str) -> None:
    """Only a meeting still being planned can be removed (a tombstone, so the deletion travels)."""
    actor.require("write")
    meeting = get_meeting(session, meeting_uuid)
    if meeting.state != MeetingState.PLANNED.value:
        raise UserError("Chỉ xóa được buổi sinh hoạt chưa họp; buổi đã họp phải giữ biên bản.")
    meeting.deleted_at = utcnow()
    record(session, actor, "delete", entity="meeting", entity_uuid=meeting.uuid)


def add_attachment(session: Session, actor, meeting_uuid: str, source: str | Path,
                   reason: str | None = None) -> str:
    """Copy a document into the attachments folder and list it with the meeting."""
    meeting = get_meeting(session, meeting_uuid)
    edit = begin_edit(session, actor, meeting, reason)
    source = Path(source)
    if not source.is_file():
        raise UserError(f"Không tìm thấy tệp '{source.name}'.")
    folder = paths.attachments_dir() / "meetings" / meeting.uuid
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    stored = folder / f"{digest[:12]}-{source.name}"
    if not stored.exists():
        temporary = stored.with_suffix(stored.suffix + ".partial")
        shutil.copyfile(source, temporary)
        temporary.replace(stored)
    attachment = MeetingAttachment(
        meeting=meeting, file_name=clean(source.name) or source.name,
        stored_name=stored.relative_to(paths.attachments_dir()).as_posix(), size=stored.stat().st_size,
        sha256=digest, origin_unit=meeting.origin_unit,
    )
    session.add(attachment)
    session.flush()
    edit.note("Tài liệu kèm theo", None, attachment.file_name, entity="meeting_attachment",
              entity_uuid=attachment.uuid)
    return attachment.uuid


def attachment_path(stored_name: str) -> Path:
    return paths.attachments_dir() / stored_name
