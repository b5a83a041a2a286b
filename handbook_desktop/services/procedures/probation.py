"""Probation and official recognition (DOMAIN.md §6; forms 10–13-KNĐ)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain import probation
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.admission import TYPED_VOTE, held_vote, held_votes, vote_passes
from handbook_desktop.services.procedures.common import add_event, member_by_uuid, rules, set_status, work_calendar
from handbook_desktop.store.models import Member


@dataclass(frozen=True)
class ProbationCase:
    member_uuid: str
    name: str
    ceremony: date
    ends: date
    vote_due: date
    overdue: bool


def probation_cases(session: Session, on: date) -> list[ProbationCase]:
    book, calendar = rules(session), work_calendar(session)
    members = session.scalars(select(Member).where(Member.status == MemberStatus.PROBATIONARY.value,
                                                   Member.deleted_at.is_(None))).all()
    result = []
    for member in members:
        if member.ceremony_date is None:
            continue
        due = probation.vote_due(book, calendar, member.ceremony_date)
        result.append(ProbationCase(member.uuid, member.full_name, member.ceremony_date,
                                    probation.probation_end(book, member.ceremony_date), due, on > due))
    return sorted(result, key=lambda c: c.ends)


def recognise_official(session: Session, actor, member_uuid: str, *, vote_uuid: str | None = None,
                       decision_number: str | None = None, decision_date: date | None = None,
                       **typed) -> Member:
    """The branch voted (13-KNĐ) in a held meeting and the committee decided: official from ceremony +
    probation months. The vote is the one the minutes recorded, never typed numbers (issue 14, point 4)."""
    actor.require("write")
    if typed:
        raise UserError(TYPED_VOTE)
    member = member_by_uuid(session, member_uuid)
    if member.status != MemberStatus.PROBATIONARY.value or member.ceremony_date is None:
        raise UserError("Chỉ công nhận chính thức cho đảng viên dự bị đã có ngày lễ kết nạp.")
    vote = held_vote(session, vote_uuid, "official_recognition", member, what="công nhận chính thức")
    vote_date, votes_for, denominator = vote.meeting.meeting_date, vote.votes_for, vote.denominator
    book = rules(session)
    end = probation.probation_end(book, member.ceremony_date)
    if vote_date < end:
        raise UserError(f"Chưa hết thời gian dự bị: chi bộ xét từ ngày {end:%d/%m/%Y}.")
    if denominator <= 0:
        raise UserError("Biểu quyết này chưa có số đảng viên được tính biểu quyết: hãy điểm danh buổi họp trước.")
    passed, needed = vote_passes(book, "official_recognition", vote_date, votes_for, denominator)
    if not passed:
        raise UserError(f"Chưa đủ số phiếu: cần ít nhất {needed}/{denominator} đảng viên tán thành.")
    if decision_date is not None and decision_date < vote_date:
        raise UserError("Ngày quyết định công nhận chính thức không thể trước ngày chi bộ xét.")
    official = probation.official_date(book, member.ceremony_date)
    member.official_date = official
    add_event(session, actor, member, "official", official, decision_number=decision_number, issuer="Đảng ủy",
              detail={"vote_date": vote_date, "votes_for": votes_for, "denominator": denominator,
                      "vote_uuid": vote.uuid, "meeting_uuid": vote.meeting.uuid, "decision_date": decision_date})
    set_status(session, actor, member, MemberStatus.OFFICIAL.value)
    return member


def recognition_votes(session: Session, member_uuid: str) -> list[dict]:
    """Official-recognition votes about this member (or about nobody named) in held meetings."""
    return [v for v in held_votes(session, "official_recognition") if v["subject_uuid"] in (None, member_uuid)]


def vote_deadline(session: Session, member: Member) -> date | None:
    if member.ceremony_date is None:
        return None
    return probation.vote_due(rules(session), work_calendar(session), member.ceremony_date)
