"""The minutes: sections that follow the agenda, each speaker and what they said, the conclusion;
closing the meeting and finalising (locking) the minutes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.meetings import MeetingState, minutes_between
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import clean
from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.meetings.common import begin_edit, get_meeting, get_member, text_or_none
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import AgendaItem, Speech


def _item(session: Session, item_uuid: str) -> AgendaItem:
    item = session.scalars(select(AgendaItem).where(AgendaItem.uuid == item_uuid,
                                                    AgendaItem.deleted_at.is_(None))).first()
    if item is None:
        raise UserError("Không tìm thấy mục này trong chương trình buổi sinh hoạt.")
    return item


def add_agenda_item(session: Session, actor, meeting_uuid: str, title: str, *, reason: str | None = None) -> str:
    meeting = get_meeting(session, meeting_uuid)
    edit = begin_edit(session, actor, meeting, reason)
    title = clean(title)
    if not title:
        raise UserError("Hãy ghi tên mục trong chương trình.")
    position = max((i.position for i in meeting.agenda), default=0) + 1
    item = AgendaItem(meeting=meeting, position=position, title=title, origin_unit=meeting.origin_unit)
    session.add(item)
    session.flush()
    edit.note(f"Chương trình: mục {position}", None, title, entity="agenda_item", entity_uuid=item.uuid)
    return item.uuid


def update_agenda_item(session: Session, actor, item_uuid: str, *, reason: str | None = None, **changes) -> int:
    """Change a section's title, content (text of the minutes) or the chair's conclusion."""
    item = _item(session, item_uuid)
    edit = begin_edit(session, actor, item.meeting, reason)
    labels = {"title": "tên mục", "content": "nội dung", "conclusion": "kết luận của chủ trì"}
    count = 0
    for key, value in changes.items():
        if key not in labels:
            raise ValueError(f"unknown agenda field {key}")
        value = text_or_none(value) if key != "content" else (value.strip() if value and value.strip() else None)
        if key == "title" and not value:
            raise UserError("Tên mục không được để trống.")
        if edit.note(f"Mục {item.position}: {labels[key]}", getattr(item, key), value,
                     entity="agenda_item", entity_uuid=item.uuid):
            setattr(item, key, value)
            count += 1
    return count


def remove_agenda_item(session: Session, actor, item_uuid: str, *, reason: str | None = None) -> None:
    item = _item(session, item_uuid)
    edit = begin_edit(session, actor, item.meeting, reason)
    if any(s.deleted_at is None for s in item.speeches) or item.content:
        raise UserError("Mục này đã có nội dung hoặc ý kiến phát biểu; hãy xóa nội dung trước khi bỏ mục.")
    edit.note(f"Chương trình: mục {item.position}", item.title, "(đã bỏ)", entity="agenda_item",
              entity_uuid=item.uuid)
    item.deleted_at = utcnow()


def add_speech(
    session: Session,
    actor,
    item_uuid: str,
    *,
    content: str,
    member_uuid: str | None = None,
    speaker_name: str | None = None,
    reason: str | None = None,
) -> str:
    """A member (by uuid) or a guest (by name, e.g. 'Đ/c Trần Văn B — Đảng ủy phường') speaks."""
    item = _item(session, item_uuid)
    edit = begin_edit(session, actor, item.meeting, reason)
    member = get_member(session, member_uuid)
    name = member.full_name if member else clean(speaker_name)
    if not name:
        raise UserError("Hãy chọn người phát biểu (đảng viên hoặc khách mời).")
    content = (content or "").strip()
    if not content:
        raise UserError(f"Hãy ghi nội dung phát biểu của {name}.")
    position = max((s.position for s in item.speeches), default=0) + 1
    speech = Speech(agenda_item=item, position=position, member=member, speaker_name=name, content=content,
                    origin_unit=item.meeting.origin_unit)
    session.add(speech)
    session.flush()
    edit.note(f"Mục {item.position}: phát biểu của {name}", None, content, entity="speech", entity_uuid=speech.uuid)
    return speech.uuid


def update_speech(session: Session, actor, speech_uuid: str, content: str, *, reason: str | None = None) -> None:
    speech = session.scalars(select(Speech).where(Speech.uuid == speech_uuid, Speech.deleted_at.is_(None))).first()
    if speech is None:
        raise UserError("Không tìm thấy ý kiến phát biểu này.")
    edit = begin_edit(session, actor, speech.agenda_item.meeting, reason)
    content = (content or "").strip()
    if not content:
        raise UserError("Nội dung phát biểu không được để trống; muốn bỏ thì hãy xóa ý kiến.")
    if edit.note(f"Phát biểu của {speech.speaker_name}", speech.content, content, entity="speech",
                 entity_uuid=speech.uuid):
        speech.content = content


def delete_speech(session: Session, actor, speech_uuid: str, *, reason: str | None = None) -> None:
    speech = session.scalars(select(Speech).where(Speech.uuid == speech_uuid, Speech.deleted_at.is_(None))).first()
    if speech is None:
        raise UserError("Không tìm thấy ý kiến phát biểu này.")
    edit = begin_edit(session, actor, speech.agenda_item.meeting, reason)
    edit.note(f"Phát biểu của {speech.speaker_name}", speech.content, "(đã xóa)", entity="speech",
              entity_uuid=speech.uuid)
    speech.deleted_at = utcnow()


def finalise_problems(meeting) -> list[str]:
    """What must be complete before the minutes can be locked."""
    problems = []
    if meeting.state == MeetingState.PLANNED.value:
        problems.append("chưa điểm danh")
    lines = [a for a in meeting.attendances if a.deleted_at is None]
    unmarked = [a for a in lines if a.attendance is None
                and a.member_status not in (MemberStatus.TEMPORARILY_AWAY.value, MemberStatus.EXEMPT.value)]
    if unmarked:
        problems.append(f"còn {len(unmarked)} đảng viên chưa điểm danh")
    if not meeting.start_time:
        problems.append("chưa ghi giờ bắt đầu")
    if not meeting.end_time:
        problems.append("chưa ghi giờ kết thúc")
    elif meeting.start_time and (minutes_between(meeting.start_time, meeting.end_time) or 0) <= 0:
        problems.append("giờ kết thúc phải sau giờ bắt đầu")
    if not meeting.chair and not meeting.chair_name:
        problems.append("chưa chọn người chủ trì")
    if not meeting.recorder and not meeting.recorder_name:
        problems.append("chưa chọn thư ký")
    if not meeting.quality_rating:
        problems.append("chưa ghi kết quả đánh giá chất lượng buổi sinh hoạt")
    return problems


def finalise(session: Session, actor, meeting_uuid: str) -> None:
    """Lock the minutes: from now on every change is an amendment with who and why."""
    actor.require("write")
    meeting = get_meeting(session, meeting_uuid)
    if meeting.state == MeetingState.FINALISED.value:
        raise UserError("Biên bản buổi sinh hoạt này đã được chốt.")
    problems = finalise_problems(meeting)
    if problems:
        raise UserError("Chưa chốt được biên bản: " + "; ".join(problems) + ".")
    meeting.state = MeetingState.FINALISED.value
    meeting.finalised_at = utcnow()
    meeting.finalised_by = actor.username
    record(session, actor, "finalise", entity="meeting", entity_uuid=meeting.uuid)
