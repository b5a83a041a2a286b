"""What every meeting service shares: finding rows by uuid, the rule book, and the edit guard.

Once the minutes are finalised they are locked (Hướng dẫn 16-HD/VPTW: minutes are kept long-term
as written); a later correction is still possible, but only as an amendment that records who made
it, when, why, and what it changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.meetings import MeetingState
from handbook_desktop.domain.rules import RuleBook, RuleNotFound
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import clean
from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.rules import rule_book, shipped_rules
from handbook_desktop.store.models import Meeting, MeetingAmendment, Member, Unit

# Who is on a meeting's roll call: the branch's headcount and members attending here temporarily.
ROSTER_STATES = (
    MemberStatus.OFFICIAL.value,
    MemberStatus.PROBATIONARY.value,
    MemberStatus.EXEMPT.value,
    MemberStatus.TEMPORARILY_AWAY.value,
    MemberStatus.VISITING.value,
)


class MinutesLocked(UserError):
    pass


def book_for(session: Session) -> RuleBook:
    book = rule_book(session)
    return book if book.keys() else RuleBook.of(shipped_rules())


def rule_value(book: RuleBook, key: str, on: date):
    try:
        return book.value(key, on)
    except RuleNotFound as error:
        raise UserError(str(error)) from None


def get_meeting(session: Session, meeting_uuid: str) -> Meeting:
    meeting = session.scalars(select(Meeting).where(Meeting.uuid == meeting_uuid)).first()
    if meeting is None or meeting.deleted_at is not None:
        raise UserError("Không tìm thấy buổi sinh hoạt này; có thể đã bị xóa.")
    return meeting


def get_member(session: Session, member_uuid: str | None) -> Member | None:
    if not member_uuid:
        return None
    member = session.scalars(select(Member).where(Member.uuid == member_uuid)).first()
    if member is None or member.deleted_at is not None:
        raise UserError("Không tìm thấy đảng viên đã chọn trong sổ.")
    return member


def home_unit(session: Session) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if unit is None:
        raise UserError("Cơ sở dữ liệu chưa được thiết lập đơn vị.")
    return unit


def text_or_none(value) -> str | None:
    if value is None:
        return None
    return clean(str(value)) or None


@dataclass
class Edit:
    """One change to a meeting by one actor; an amendment when the minutes are finalised."""

    session: Session
    actor: object
    meeting: Meeting
    reason: str | None

    @property
    def amending(self) -> bool:
        return self.meeting.state == MeetingState.FINALISED.value

    def note(self, what: str, old, new, *, entity: str = "meeting", entity_uuid: str | None = None) -> bool:
        old_text = None if old is None else str(old)
        new_text = None if new is None else str(new)
        if old_text == new_text:
            return False
        record(self.session, self.actor, "update", entity=entity, entity_uuid=entity_uuid or self.meeting.uuid,
               field=what, old=old_text, new=new_text,
               detail={"meeting": self.meeting.uuid, "amendment_reason": self.reason} if self.amending else None)
        if self.amending:
            self.session.add(MeetingAmendment(
                meeting=self.meeting, username=self.actor.username, reason=self.reason, what=what,
                old_value=old_text, new_value=new_text, origin_unit=self.meeting.origin_unit,
            ))
            self.meeting.version = (self.meeting.version or 0) + 1  # the minutes changed: travel again
        return True


def begin_edit(session: Session, actor, meeting: Meeting, reason: str | None = None) -> Edit:
    actor.require("write")
    reason = clean(reason)
    if meeting.state == MeetingState.FINALISED.value and not reason:
        raise MinutesLocked(
            "Biên bản đã chốt nên không sửa trực tiếp được; hãy ghi lý do đính chính để lưu thành một lần sửa đổi."
        )
    return Edit(session, actor, meeting, reason)
