"""The roll call and the votes: every count the minutes state is computed here, never typed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.meetings import MeetingState, parse_time
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import clean
from handbook_desktop.domain.votes import (
    ATTENDANCE_LABELS,
    Attendance,
    Participant,
    VoteCountError,
    VoteKind,
    VoteMethod,
    decide,
)
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.meetings.common import begin_edit, book_for, get_meeting, get_member
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import Meeting, MeetingAttendance, Member, Vote


def participants(meeting: Meeting) -> list[Participant]:
    return [
        Participant(line.member_status, line.attendance, line.suspended)
        for line in meeting.attendances if line.deleted_at is None
    ]


def _label(line: MeetingAttendance) -> str:
    if line.attendance is None:
        return "chưa điểm danh"
    text = ATTENDANCE_LABELS[Attendance(line.attendance)]
    if line.reason:
        text += f" ({line.reason})"
    if line.late:
        text += f", đến muộn{' lúc ' + line.arrived_at if line.arrived_at else ''}"
    return text


def set_attendance(
    session: Session,
    actor,
    meeting_uuid: str,
    member_uuid: str,
    attendance: str | None,
    *,
    reason: str | None = None,
    late: bool = False,
    arrived_at: str | None = None,
    suspended: bool | None = None,
    amend_reason: str | None = None,
) -> None:
    """Mark one member. Absent with reason needs the reason; the first mark means the meeting is held."""
    meeting = get_meeting(session, meeting_uuid)
    edit = begin_edit(session, actor, meeting, amend_reason)
    member = get_member(session, member_uuid)
    if meeting.state == MeetingState.PLANNED.value:
        from handbook_desktop.services.meetings.planning import sync_roster

        sync_roster(session, meeting)  # members who joined since the meeting was planned
        session.flush()
    line = session.scalars(
        select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id,
                                        MeetingAttendance.member_id == member.id,
                                        MeetingAttendance.deleted_at.is_(None))
    ).first()
    if line is None:
        raise UserError(f"{member.full_name} không có trong danh sách điểm danh của buổi sinh hoạt này.")
    if attendance is not None:
        try:
            attendance = Attendance(attendance).value
        except ValueError:
            raise UserError("Điểm danh phải là có mặt, vắng có lý do hoặc vắng không lý do.") from None
    if line.member_status == MemberStatus.TEMPORARILY_AWAY.value and attendance is not None:
        raise UserError(
            f"{member.full_name} đang chuyển sinh hoạt tạm thời đi nơi khác nên không điểm danh ở chi bộ này."
        )
    reason = clean(reason)
    if attendance == Attendance.ABSENT_EXCUSED.value and not reason:
        raise UserError(f"Hãy ghi lý do vắng của {member.full_name}.")
    if attendance != Attendance.ABSENT_EXCUSED.value:
        reason = None if attendance != Attendance.ABSENT_UNEXCUSED.value else reason
    try:
        arrived = parse_time(arrived_at) if late else None
    except ValueError:
        raise UserError(f"Giờ đến '{arrived_at}' không hợp lệ: hãy viết theo dạng giờ:phút, ví dụ 19:30.") from None
    late = bool(late) and attendance == Attendance.PRESENT.value
    before = _label(line)
    line.attendance, line.reason, line.late, line.arrived_at = attendance, reason, late, arrived if late else None
    if suspended is not None:
        line.suspended = bool(suspended)
    edit.note(f"Điểm danh: {member.full_name}", before, _label(line), entity="attendance", entity_uuid=line.uuid)
    if meeting.state == MeetingState.PLANNED.value and attendance is not None:
        meeting.state = MeetingState.HELD.value
        edit.note("Trạng thái", MeetingState.PLANNED.label, MeetingState.HELD.label)
    session.flush()
    rejudge_votes(session, meeting)


def mark_all_present(session: Session, actor, meeting_uuid: str, *, reason: str | None = None) -> int:
    """Mark everyone not yet marked (except exempt and away members) present; returns how many."""
    actor.require("write")
    meeting = get_meeting(session, meeting_uuid)
    count = 0
    for line in sorted(meeting.attendances, key=lambda a: a.id):
        if line.deleted_at is None and line.attendance is None and line.member_status not in (
            MemberStatus.TEMPORARILY_AWAY.value, MemberStatus.EXEMPT.value
        ):
            set_attendance(session, actor, meeting_uuid, line.member.uuid, Attendance.PRESENT.value,
                           amend_reason=reason)
            count += 1
    return count


def rejudge_votes(session: Session, meeting: Meeting) -> None:
    """After a roll-call change, every vote is judged again against the new denominator."""
    live = [v for v in meeting.votes if v.deleted_at is None]
    if not live:
        return
    book = book_for(session)
    people = participants(meeting)
    for vote in live:
        try:
            result = decide(people, vote.kind, vote.votes_for, vote.votes_against, vote.abstain, book,
                            meeting.meeting_date)
        except VoteCountError:
            raise UserError(
                f"Không đổi được điểm danh: biểu quyết '{vote.subject}' có "
                f"{vote.votes_for + vote.votes_against + vote.abstain} phiếu, nhiều hơn số đảng viên có quyền "
                "biểu quyết có mặt sau khi đổi. Hãy sửa số phiếu trước."
            ) from None
        vote.denominator, vote.eligible_present = result.denominator, result.eligible_present
        vote.required, vote.passed = result.required, result.passed


def _vote_kind(kind: str) -> str:
    try:
        return VoteKind(kind).value
    except ValueError:
        raise UserError("Loại biểu quyết không hợp lệ.") from None


def _method(method: str) -> str:
    try:
        return VoteMethod(method).value
    except ValueError:
        raise UserError("Hình thức biểu quyết phải là giơ thẻ đảng viên hoặc bỏ phiếu kín.") from None


def _judge(session, meeting, kind, votes_for, votes_against, abstain):
    try:
        values = [int(v) for v in (votes_for, votes_against, abstain)]
    except (TypeError, ValueError):
        raise UserError("Số phiếu phải là số nguyên không âm.") from None
    if meeting.state == MeetingState.PLANNED.value:
        raise UserError("Hãy điểm danh trước khi ghi kết quả biểu quyết.")
    try:
        return values, decide(participants(meeting), kind, *values, book_for(session), meeting.meeting_date)
    except VoteCountError as error:
        raise UserError(str(error)) from None


def _vote_text(vote: Vote) -> str:
    verdict = "thông qua" if vote.passed else "không thông qua"
    return (f"{vote.subject}: {vote.votes_for} tán thành, {vote.votes_against} không tán thành, "
            f"{vote.abstain} không biểu quyết / {vote.denominator} — {verdict}")


def record_vote(
    session: Session,
    actor,
    meeting_uuid: str,
    *,
    subject: str,
    kind: str,
    votes_for: int,
    votes_against: int = 0,
    abstain: int = 0,
    method: str = VoteMethod.CARDS.value,
    subject_member_uuid: str | None = None,
    reason: str | None = None,
) -> str:
    """Record a vote; the denominator, threshold and result are worked out here. Returns its uuid."""
    meeting = get_meeting(session, meeting_uuid)
    edit = begin_edit(session, actor, meeting, reason)
    subject = clean(subject)
    if not subject:
        raise UserError("Hãy ghi nội dung biểu quyết.")
    kind, method = _vote_kind(kind), _method(method)
    (votes_for, votes_against, abstain), result = _judge(session, meeting, kind, votes_for, votes_against, abstain)
    position = max((v.position for v in meeting.votes), default=0) + 1
    vote = Vote(
        meeting=meeting, position=position, subject=subject, kind=kind, method=method,
        subject_member=get_member(session, subject_member_uuid), votes_for=votes_for,
        votes_against=votes_against, abstain=abstain, denominator=result.denominator,
        eligible_present=result.eligible_present, required=result.required, passed=result.passed,
        origin_unit=meeting.origin_unit,
    )
    session.add(vote)
    session.flush()
    edit.note(f"Biểu quyết {position}", None, _vote_text(vote), entity="vote", entity_uuid=vote.uuid)
    return vote.uuid


def update_vote(session: Session, actor, vote_uuid: str, *, reason: str | None = None, **changes) -> None:
    vote = session.scalars(select(Vote).where(Vote.uuid == vote_uuid, Vote.deleted_at.is_(None))).first()
    if vote is None:
        raise UserError("Không tìm thấy kết quả biểu quyết này.")
    meeting = vote.meeting
    edit = begin_edit(session, actor, meeting, reason)
    before = _vote_text(vote)
    kind = _vote_kind(changes.get("kind", vote.kind))
    counts = [changes.get(k, getattr(vote, k)) for k in ("votes_for", "votes_against", "abstain")]
    counts, result = _judge(session, meeting, kind, *counts)
    if "subject" in changes:
        subject = clean(changes["subject"])
        if not subject:
            raise UserError("Hãy ghi nội dung biểu quyết.")
        vote.subject = subject
    if "method" in changes:
        vote.method = _method(changes["method"])
    vote.kind = kind
    vote.votes_for, vote.votes_against, vote.abstain = counts
    vote.denominator, vote.eligible_present = result.denominator, result.eligible_present
    vote.required, vote.passed = result.required, result.passed
    edit.note(f"Biểu quyết {vote.position}", before, _vote_text(vote), entity="vote", entity_uuid=vote.uuid)


def delete_vote(session: Session, actor, vote_uuid: str, *, reason: str | None = None) -> None:
    vote = session.scalars(select(Vote).where(Vote.uuid == vote_uuid, Vote.deleted_at.is_(None))).first()
    if vote is None:
        raise UserError("Không tìm thấy kết quả biểu quyết này.")
    edit = begin_edit(session, actor, vote.meeting, reason)
    edit.note(f"Biểu quyết {vote.position}", _vote_text(vote), "(đã xóa)", entity="vote", entity_uuid=vote.uuid)
    vote.deleted_at = utcnow()


def roster_member(session: Session, meeting: Meeting, member: Member) -> MeetingAttendance | None:
    for line in meeting.attendances:
        if line.member_id == member.id and line.deleted_at is None:
            return line
    return None
