"""Branch meetings: the meeting, its roll call, agenda and speeches, votes, amendments, attachments.

The roll call keeps each member's state as it was at the meeting, so that later changes to the
register never rewrite old minutes; votes keep the denominator and threshold they were judged by.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from handbook_desktop.store.base import Base, Synced, UTCDateTime, utcnow
from handbook_desktop.store.models.core import Member, Unit


class Meeting(Synced, Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_unit_date", "unit_id", "meeting_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(20))  # domain.meetings.MeetingKind
    state: Mapped[str] = mapped_column(String(20), default="planned")  # domain.meetings.MeetingState
    meeting_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str | None] = mapped_column(String(5), default=None)  # HH:MM
    end_time: Mapped[str | None] = mapped_column(String(5), default=None)
    place: Mapped[str | None] = mapped_column(String(250), default=None)
    topic: Mapped[str | None] = mapped_column(String(500), default=None)  # theme of a thematic meeting
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)  # thematic talk
    chair_name: Mapped[str | None] = mapped_column(String(120), default=None)  # when not a member here
    recorder_name: Mapped[str | None] = mapped_column(String(120), default=None)
    guests: Mapped[str | None] = mapped_column(Text, default=None)  # one guest per line: name — position
    quality_rating: Mapped[str | None] = mapped_column(String(20), default=None)  # QUALITY_RATINGS code
    rating_votes: Mapped[str | None] = mapped_column(String(200), default=None)  # e.g. "Tốt: 12, Khá: 3"
    rating_note: Mapped[str | None] = mapped_column(Text, default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    finalised_by: Mapped[str | None] = mapped_column(String(60), default=None)

    unit: Mapped[Unit] = relationship()
    chair: Mapped[Member | None] = relationship(foreign_keys=[chair_id])
    recorder: Mapped[Member | None] = relationship(foreign_keys=[recorder_id])
    presenter: Mapped[Member | None] = relationship(foreign_keys=[presenter_id])
    attendances: Mapped[list["MeetingAttendance"]] = relationship(back_populates="meeting")
    agenda: Mapped[list["AgendaItem"]] = relationship(back_populates="meeting", order_by="AgendaItem.position")
    votes: Mapped[list["Vote"]] = relationship(back_populates="meeting", order_by="Vote.position")
    amendments: Mapped[list["MeetingAmendment"]] = relationship(
        back_populates="meeting", order_by="MeetingAmendment.at"
    )
    attachments: Mapped[list["MeetingAttachment"]] = relationship(back_populates="meeting")


class MeetingAttendance(Synced, Base):
    """One member at one meeting: state at the time, and present / absent with or without reason."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_attendance_meeting_member"),
        Index("ix_attendance_member", "member_id"),
        # the activity report's roll-call count reads only these (migration 0016)
        Index("ix_attendance_roll", "meeting_id", "member_status", "attendance", "deleted_at"),
        # the to-do's attendance screening reads marks first (migration 0019)
        Index("ix_attendance_mark", "attendance", "member_id", "meeting_id", "member_status", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    member_status: Mapped[str] = mapped_column(String(30))  # MemberStatus code at the meeting
    attendance: Mapped[str | None] = mapped_column(String(20), default=None)  # domain.votes.Attendance
    reason: Mapped[str | None] = mapped_column(String(300), default=None)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    arrived_at: Mapped[str | None] = mapped_column(String(5), default=None)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    member: Mapped[Member] = relationship()


class AgendaItem(Synced, Base):
    """One section of the minutes: what was on the agenda, what was said, what the chair concluded."""

    __tablename__ = "agenda_item"
    __table_args__ = (Index("ix_agenda_item_meeting", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    content: Mapped[str | None] = mapped_column(Text, default=None)
    conclusion: Mapped[str | None] = mapped_column(Text, default=None)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    speeches: Mapped[list["Speech"]] = relationship(back_populates="agenda_item", order_by="Speech.position")


class Speech(Synced, Base):
    __tablename__ = "speech"
    __table_args__ = (Index("ix_speech_item", "agenda_item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"))
    position: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    speaker_name: Mapped[str] = mapped_column(String(200))  # a member's name, or a guest's
    content: Mapped[str] = mapped_column(Text, default="")

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="speeches")
    member: Mapped[Member | None] = relationship()


class Vote(Synced, Base):
    __tablename__ = "vote"
    __table_args__ = (Index("ix_vote_meeting", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    position: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(30))  # domain.votes.VoteKind
    method: Mapped[str] = mapped_column(String(20), default="cards")  # domain.votes.VoteMethod
    subject_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), default=None)
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    # Judged when recorded (and again when the roll call changes), kept as the minutes state them.
    denominator: Mapped[int] = mapped_column(Integer, default=0)
    eligible_present: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="votes")
    subject_member: Mapped[Member | None] = relationship()


class MeetingAmendment(Synced, Base):
    """A correction made after the minutes were finalised: who, when, why, what changed."""

    __tablename__ = "meeting_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    what: Mapped[str] = mapped_column(String(200))  # which part of the minutes
    old_value: Mapped[str | None] = mapped_column(Text, default=None)
    new_value: Mapped[str | None] = mapped_column(Text, default=None)

    meeting: Mapped[Meeting] = relationship(back_populates="amendments")


class MeetingAttachment(Synced, Base):
    """A document of the meeting, copied into the attachments folder (never linked to where it was)."""

    __tablename__ = "meeting_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(250))
    stored_name: Mapped[str] = mapped_column(String(300))  # relative to paths.attachments_dir()
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="attachments")
