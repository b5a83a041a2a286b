"""Meetings as plain values for the window, the command line and the documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from handbook_desktop.domain.meetings import (
    AttendanceBlock,
    Compliance,
    HeldMeeting,
    MeetingWarning,
    RollEntry,
    attendance_block,
    compliance,
    minutes_between,
    quality_warnings,
    required_minutes,
    summoned_tally,
)
from handbook_desktop.domain.states import MemberStatus, UnitLevel
from handbook_desktop.domain.votes import threshold_for
from handbook_desktop.services.meetings.common import book_for, get_meeting
from handbook_desktop.store.models import AgendaItem, Meeting, MeetingAttendance, Member, Unit


@dataclass
class MeetingSummary:
    uuid: str
    unit_code: str
    unit_name: str
    meeting_date: date
    kind: str
    state: str
    start_time: str | None
    end_time: str | None
    topic: str | None
    # The summoned and how they answered, counted by domain.meetings.summoned_tally as the minutes are.
    present: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    summoned: int = 0
    votes: int = 0

    @property
    def rate(self) -> float | None:
        return self.present / self.summoned if self.summoned else None

    @property
    def date(self) -> date:
        return self.meeting_date

    @property
    def kind_label(self) -> str:
        from handbook_desktop.domain.meetings import MeetingKind

        return MeetingKind(self.kind).label

    @property
    def state_label(self) -> str:
        from handbook_desktop.domain.meetings import MeetingState

        return MeetingState(self.state).label


def list_meetings(session: Session, *, year: int | None = None, unit_code: str | None = None) -> list[MeetingSummary]:
    query = (select(Meeting, Unit.code, Unit.name).join(Unit, Unit.id == Meeting.unit_id)
             .where(Meeting.deleted_at.is_(None)))
    if year:
        query = query.where(Meeting.meeting_date >= date(year, 1, 1), Meeting.meeting_date <= date(year, 12, 31))
    if unit_code:
        query = query.where(Unit.code == unit_code)
    query = query.order_by(Meeting.meeting_date.desc(), Meeting.id.desc())
    rows = session.execute(query).all()
    result = {m.id: MeetingSummary(m.uuid, code, name, m.meeting_date, m.kind, m.state, m.start_time, m.end_time,
                                   m.topic) for m, code, name in rows}
    if not result:
        return []
    counts = session.execute(
        select(MeetingAttendance.meeting_id, MeetingAttendance.member_status, MeetingAttendance.attendance,
               func.count())
        .where(MeetingAttendance.meeting_id.in_(list(result)), MeetingAttendance.deleted_at.is_(None))
        .group_by(MeetingAttendance.meeting_id, MeetingAttendance.member_status, MeetingAttendance.attendance)
    ).all()
    lines: dict[int, list] = {}
    for meeting_id, status, attendance, number in counts:
        lines.setdefault(meeting_id, []).append((status, attendance, number))
    for meeting_id, found in lines.items():
        tally = summoned_tally(found)
        summary = result[meeting_id]
        summary.summoned, summary.present = tally.summoned, tally.present
        summary.absent_excused, summary.absent_unexcused = tally.absent_excused, tally.absent_unexcused
    from handbook_desktop.store.models import Vote

    for meeting_id, number in session.execute(
        select(Vote.meeting_id, func.count()).where(Vote.meeting_id.in_(list(result)), Vote.deleted_at.is_(None))
        .group_by(Vote.meeting_id)
    ):
        result[meeting_id].votes = number
    return list(result.values())


@dataclass
class RollLine:
    member_uuid: str
    name: str
    name_sort: str
    status: str
    attendance: str | None
    reason: str | None
    late: bool
    arrived_at: str | None
    suspended: bool
    position: str | None = None


@dataclass
class SpeechView:
    uuid: str
    speaker_name: str
    member_uuid: str | None
    content: str


@dataclass
class AgendaView:
    uuid: str
    position: int
    title: str
    content: str | None
    conclusion: str | None
    speeches: list[SpeechView] = field(default_factory=list)


@dataclass
class VoteView:
    uuid: str
    position: int
    subject: str
    kind: str
    method: str
    votes_for: int
    votes_against: int
    abstain: int
    denominator: int
    eligible_present: int
    required: int
    passed: bool
    threshold: str
    subject_member_uuid: str | None = None


@dataclass
class AmendmentView:
    at: object
    username: str
    reason: str
    what: str
    old_value: str | None
    new_value: str | None


@dataclass
class AttachmentView:
    uuid: str
    file_name: str
    stored_name: str
    size: int


@dataclass
class MeetingDetail:
    summary: MeetingSummary
    place: str | None
    chair_uuid: str | None
    chair_name: str | None
    recorder_uuid: str | None
    recorder_name: str | None
    presenter_uuid: str | None
    presenter_name: str | None
    guests: list[str]
    quality_rating: str | None
    rating_votes: str | None
    rating_note: str | None
    notes: str | None
    finalised_at: object
    finalised_by: str | None
    roll: list[RollLine]
    block: AttendanceBlock
    warnings: list[MeetingWarning]
    agenda: list[AgendaView]
    votes: list[VoteView]
    amendments: list[AmendmentView]
    attachments: list[AttachmentView]
    duration: int | None
    required_minutes: int
    unit_place: str | None
    higher_body_name: str | None

    @property
    def uuid(self) -> str:
        return self.summary.uuid


def meeting_detail(session: Session, meeting_uuid: str) -> MeetingDetail:
    meeting = get_meeting(session, meeting_uuid)
    session.execute(
        select(MeetingAttendance).options(selectinload(MeetingAttendance.member))
        .where(MeetingAttendance.meeting_id == meeting.id)
    ).all()
    book = book_for(session)
    on = meeting.meeting_date
    roll = sorted(
        (RollLine(a.member.uuid, a.member.full_name, a.member.name_sort, a.member_status, a.attendance, a.reason,
                  a.late, a.arrived_at, a.suspended, a.member.party_position)
         for a in meeting.attendances if a.deleted_at is None),
        key=lambda line: line.name_sort,
    )
    block = attendance_block([RollEntry(r.name, r.status, r.attendance, r.reason or "", r.suspended) for r in roll])
    # Before the meeting nobody is marked yet: "chưa điểm danh 42", "có mặt 0 dưới 2/3" are not warnings.
    warnings = [] if meeting.state == "planned" else quality_warnings(
        block, meeting.kind, meeting.start_time, meeting.end_time, book, on)
    agenda = []
    for item in session.scalars(select(AgendaItem).options(selectinload(AgendaItem.speeches))
                                .where(AgendaItem.meeting_id == meeting.id, AgendaItem.deleted_at.is_(None))
                                .order_by(AgendaItem.position)):
        agenda.append(AgendaView(item.uuid, item.position, item.title, item.content, item.conclusion, [
            SpeechView(s.uuid, s.speaker_name, s.member.uuid if s.member else None, s.content)
            for s in item.speeches if s.deleted_at is None
        ]))
    votes = [
        VoteView(v.uuid, v.position, v.subject, v.kind, v.method, v.votes_for, v.votes_against, v.abstain,
                 v.denominator, v.eligible_present, v.required, v.passed,
                 threshold_for(book, v.kind, on).describe(), v.subject_member.uuid if v.subject_member else None)
        for v in meeting.votes if v.deleted_at is None
    ]
    summary = MeetingSummary(
        meeting.uuid, meeting.unit.code, meeting.unit.name, on, meeting.kind, meeting.state, meeting.start_time,
        meeting.end_time, meeting.topic, block.present, len(block.absent_excused), len(block.absent_unexcused),
        block.expected, len(votes),
    )
    return MeetingDetail(
        summary=summary, place=meeting.place,
        chair_uuid=meeting.chair.uuid if meeting.chair else None,
        chair_name=meeting.chair.full_name if meeting.chair else meeting.chair_name,
        recorder_uuid=meeting.recorder.uuid if meeting.recorder else None,
        recorder_name=meeting.recorder.full_name if meeting.recorder else meeting.recorder_name,
        presenter_uuid=meeting.presenter.uuid if meeting.presenter else None,
        presenter_name=meeting.presenter.full_name if meeting.presenter else None,
        guests=[line.strip() for line in (meeting.guests or "").splitlines() if line.strip()],
        quality_rating=meeting.quality_rating, rating_votes=meeting.rating_votes, rating_note=meeting.rating_note, notes=meeting.notes,
        finalised_at=meeting.finalised_at, finalised_by=meeting.finalised_by,
        roll=roll, block=block, warnings=warnings, agenda=agenda, votes=votes,
        amendments=[AmendmentView(a.at, a.username, a.reason, a.what, a.old_value, a.new_value)
                    for a in meeting.amendments if a.deleted_at is None],
        attachments=[AttachmentView(a.uuid, a.file_name, a.stored_name, a.size)
                     for a in meeting.attachments if a.deleted_at is None],
        duration=minutes_between(meeting.start_time, meeting.end_time),
        required_minutes=required_minutes(book, meeting.kind, on),
        unit_place=meeting.unit.place_name,
        higher_body_name=meeting.unit.higher_body_name or (meeting.unit.parent.name if meeting.unit.parent else None),
    )


def meeting_units(session: Session) -> list[Unit]:
    """Units that hold branch meetings here: every branch in the database (the home unit for a branch)."""
    units = session.scalars(
        select(Unit).where(Unit.level == UnitLevel.BRANCH.value, Unit.deleted_at.is_(None)).order_by(Unit.code)
    ).all()
    return list(units)


def compliance_for(session: Session, year: int, on: date, unit_code: str | None = None) -> dict[str, Compliance]:
    """The year's strip per branch: each month a regular meeting, each quarter a thematic one."""
    book = book_for(session)
    units = [u for u in meeting_units(session) if unit_code is None or u.code == unit_code]
    rows = session.execute(
        select(Meeting.unit_id, Meeting.meeting_date, Meeting.kind, Meeting.state)
        .where(Meeting.deleted_at.is_(None), Meeting.meeting_date >= date(year, 1, 1),
               Meeting.meeting_date <= date(year, 12, 31))
    ).all()
    by_unit: dict[int, list[HeldMeeting]] = {}
    for unit_id, meeting_date, kind, state in rows:
        by_unit.setdefault(unit_id, []).append(HeldMeeting(meeting_date, kind, state))
    return {u.code: compliance(by_unit.get(u.id, []), year, on, book) for u in units}


def member_choices(session: Session, unit_code: str | None = None) -> list[tuple[str, str, str, str]]:
    """(uuid, name, status, tag) of members who can chair, record or speak: the branch's current members.
    ``tag`` ("sinh 1958, Bí thư") tells namesakes apart in the pickers (issue 11 §7)."""
    from handbook_desktop.services.meetings.common import ROSTER_STATES
    from handbook_desktop.services.members.query import namesake_tag

    query = select(Member.uuid, Member.full_name, Member.status, Member.date_of_birth, Member.party_position).where(
        Member.status.in_(ROSTER_STATES), Member.deleted_at.is_(None))
    if unit_code:
        query = query.join(Unit, Unit.id == Member.unit_id).where(Unit.code == unit_code)
    found = []
    for uuid, name, status, born, position in session.execute(query.order_by(Member.name_sort)).all():
        found.append((uuid, name, status, namesake_tag(born, position)))
    return found


def subject_choices(session: Session, unit_code: str | None = None) -> list[tuple[str, str, str]]:
    """(uuid, name, status) of whom a vote may concern: candidates and the branch's members."""
    states = (MemberStatus.CANDIDATE.value, MemberStatus.PROBATIONARY.value, MemberStatus.OFFICIAL.value,
              MemberStatus.EXEMPT.value)
    query = select(Member.uuid, Member.full_name, Member.status).where(
        Member.status.in_(states), Member.deleted_at.is_(None))
    if unit_code:
        query = query.join(Unit, Unit.id == Member.unit_id).where(Unit.code == unit_code)
    return [tuple(row) for row in session.execute(query.order_by(Member.name_sort)).all()]
