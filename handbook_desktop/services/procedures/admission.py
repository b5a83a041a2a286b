"""Admission pipeline (DOMAIN.md §6): a candidate through every stage, checked on the way.

The candidate is a ``member`` row with status candidate plus one ``candidate`` row holding the
stage dates. The ceremony turns the candidate into a probationary member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.admission import (
    STAGE_CODES,
    CandidateFacts,
    Introducer,
    Problem,
    ceremony_due,
    eligibility_problems,
)
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.common import (
    add_event,
    home_unit,
    member_by_uuid,
    rules,
    set_status,
    work_calendar,
)
from handbook_desktop.store.models import Candidate, Member

EDITABLE = (
    "identified_on", "proposed_by", "course_certificate_date", "application_date", "background_verified_on",
    "introducer_1_uuid", "introducer_1_known_since", "introducer_2_uuid", "introducer_2_known_since",
    "youth_union_resolution", "opinions_date", "note",
)


def vote_passes(book, kind: str, on: date, votes_for: int, denominator: int) -> tuple[bool, int]:
    """(passed, votes needed) against the denominator, by ``vote.threshold.<kind>`` in force on ``on``."""
    value = book.value(f"vote.threshold.{kind}", on)
    fraction = Fraction(*value["fraction"]) * denominator
    if value["strictly_more"]:
        needed = int(fraction) + 1
    else:
        needed = -((-fraction.numerator) // fraction.denominator)
    needed = max(1, needed)
    return votes_for >= needed, needed


def candidate_by_uuid(session: Session, uuid: str) -> Candidate:
    case = session.scalars(select(Candidate).where(Candidate.uuid == uuid, Candidate.deleted_at.is_(None))).one_or_none()
    if case is None:
        raise UserError("Không tìm thấy hồ sơ kết nạp này.")
    return case


def case_for_member(session: Session, member: Member) -> Candidate | None:
    return session.scalars(select(Candidate).where(Candidate.member_id == member.id, Candidate.deleted_at.is_(None))
                           .order_by(Candidate.id.desc())).first()


def stage_of(case: Candidate) -> str:
    """The furthest stage whose facts are recorded."""
    reached = "identified"
    steps = (
        ("course", case.course_certificate_date),
        ("application", case.application_date),
        ("introduced", case.introducer_1_uuid),
        ("opinions", case.opinions_date),
        ("branch_vote", case.considered_on),
        ("decision", case.decision_date),
        ("ceremony", case.ceremony_date),
    )
    for code, value in steps:
        if value:
            reached = code
    return reached


def branch_for_new_candidate(session: Session, unit_code: str | None):
    """The branch a new candidate belongs to: the home branch, or at a committee the branch chosen
    (a committee has no members of its own; its resolution would say "Chi bộ thống nhất" under ĐẢNG ỦY)."""
    from handbook_desktop.services.units import in_scope
    from handbook_desktop.store.models import Unit

    unit = home_unit(session)
    if unit.level == "chi-bo" and unit_code in (None, unit.code):
        return unit
    if not unit_code:
        raise UserError("Ở đảng ủy, hãy chọn chi bộ nơi người được giới thiệu sinh hoạt, công tác.")
    branch = session.scalars(select(Unit).where(Unit.code == unit_code, Unit.deleted_at.is_(None),
                                                in_scope(Unit.id))).one_or_none()
    if branch is None or branch.level != "chi-bo":
        raise UserError(f"Không có chi bộ mã {unit_code} trong đơn vị.")
    return branch


def open_case(session: Session, actor, *, full_name: str | None = None, member_uuid: str | None = None,
              identified_on: date, proposed_by: str | None = None, unit_code: str | None = None,
              **member_fields) -> Candidate:
    """Start an admission case for an existing candidate record or for a new person (in ``unit_code``'s
    branch at a committee)."""
    actor.require("write")
    if member_uuid:
        member = member_by_uuid(session, member_uuid)
        if member.status != MemberStatus.CANDIDATE.value:
            raise UserError("Người này đã là đảng viên; chỉ mở hồ sơ kết nạp cho quần chúng.")
        existing = case_for_member(session, member)
        if existing is not None and not existing.closed:
            return existing
    else:
        if not full_name or not full_name.strip():
            raise UserError("Cần nhập họ và tên người được giới thiệu.")
        unit = branch_for_new_candidate(session, unit_code)
        member = Member(unit_id=unit.id, status=MemberStatus.CANDIDATE.value, full_name=full_name.strip(),
                        origin_unit=unit.code, party_position=None, **member_fields)
        session.add(member)
        session.flush()
        audit.record(session, actor, "create", entity="member", entity_uuid=member.uuid, new=member.full_name)
    case = Candidate(member_id=member.id, identified_on=identified_on, proposed_by=proposed_by,
                     origin_unit=member.origin_unit)
    session.add(case)
    session.flush()
    audit.record(session, actor, "create", entity="candidate", entity_uuid=case.uuid, detail={"member": member.uuid})
    return case


def update_case(session: Session, actor, case_uuid: str, **changes) -> Candidate:
    actor.require("write")
    case = candidate_by_uuid(session, case_uuid)
    if case.closed:
        raise UserError("Hồ sơ kết nạp này đã kết thúc, không sửa được.")
    for key, value in changes.items():
        if key not in EDITABLE:
            raise ValueError(f"not editable here: {key}")
        if key.startswith("introducer_") and key.endswith("_uuid") and value:
            introducer = member_by_uuid(session, value)
            if introducer.id == case.member_id:
                raise UserError("Người vào Đảng không thể tự giới thiệu mình.")
        setattr(case, key, value)
    case.stage = stage_of(case)
    audit.record_changes(session, actor, case, entity="candidate")
    return case


def facts_of(session: Session, case: Candidate, on: date) -> CandidateFacts:
    member = case.member
    introducers = []
    for uuid, since in ((case.introducer_1_uuid, case.introducer_1_known_since),
                        (case.introducer_2_uuid, case.introducer_2_known_since)):
        if not uuid:
            continue
        person = member_by_uuid(session, uuid)
        official = person.status in (MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value) and (
            person.official_date is None or person.official_date <= on)
        introducers.append(Introducer(person.full_name, official, since))
    return CandidateFacts(member.date_of_birth, member.general_education, tuple(introducers),
                          bool(case.youth_union_resolution), case.course_certificate_date)


def check_case(session: Session, case: Candidate, on: date) -> list[Problem]:
    return eligibility_problems(rules(session), facts_of(session, case, on), on)


TYPED_VOTE = ("Kết quả biểu quyết chỉ lấy từ biểu quyết đã ghi trong biên bản một buổi sinh hoạt đã họp, "
              "không nhập tay: hãy ghi biểu quyết ở Sinh hoạt chi bộ (tab Biểu quyết) rồi chọn nó ở đây.")


def held_vote(session: Session, vote_uuid: str | None, kind: str, member: Member, *, what: str):
    """A vote of ``kind`` about ``member`` recorded in a held meeting; refused with the reason otherwise.

    The vote, its denominator and its attendance are those of the meeting's roll call (issue 14,
    point 4): the number of votes is never typed into a procedure."""
    from handbook_desktop.store.models.meetings import Vote

    if not vote_uuid:
        raise UserError(f"Cần chọn biểu quyết {what} đã ghi trong biên bản buổi sinh hoạt.")
    vote = session.scalars(select(Vote).where(Vote.uuid == vote_uuid, Vote.deleted_at.is_(None))).one_or_none()
    if vote is None or vote.kind != kind or vote.meeting.deleted_at is not None:
        raise UserError(f"Không tìm thấy biểu quyết {what} này trong biên bản họp.")
    if vote.meeting.state == "planned":
        raise UserError("Buổi sinh hoạt có biểu quyết này chưa họp: chỉ dùng biểu quyết của buổi đã họp.")
    if vote.subject_member_id not in (None, member.id):
        raise UserError("Biểu quyết này là về người khác.")
    return vote


def record_branch_vote(session: Session, actor, case_uuid: str, *, vote_uuid: str | None = None,
                       **typed) -> Candidate:
    """The branch's vote proposing admission (6-KNĐ): the one recorded in a held meeting's minutes."""
    actor.require("write")
    if typed:
        raise UserError(TYPED_VOTE)
    case = candidate_by_uuid(session, case_uuid)
    vote = held_vote(session, vote_uuid, "admission", case.member, what="kết nạp")
    considered_on, votes_for, denominator = vote.meeting.meeting_date, vote.votes_for, vote.denominator
    if not denominator:
        raise UserError("Biểu quyết này chưa có số đảng viên được tính biểu quyết: hãy điểm danh buổi họp trước.")
    problems = check_case(session, case, considered_on)
    if problems:
        raise UserError(" ".join(p.message for p in problems))
    book = rules(session)
    passed, needed = vote_passes(book, "admission", considered_on, votes_for, denominator)
    if not passed:
        raise UserError(f"Chưa đủ số phiếu: cần ít nhất {needed}/{denominator} đảng viên tán thành để đề nghị kết nạp.")
    case.considered_on, case.votes_for, case.denominator, case.meeting_uuid = (
        considered_on, votes_for, denominator, vote.meeting.uuid)
    case.stage = stage_of(case)
    audit.record_changes(session, actor, case, entity="candidate")
    return case


def record_decision(session: Session, actor, case_uuid: str, *, decision_number: str, decision_date: date,
                    received_on: date | None = None) -> Candidate:
    """The committee's admission decision (9-KNĐ): party age counts from its date."""
    actor.require("write")
    case = candidate_by_uuid(session, case_uuid)
    if case.considered_on is None:
        raise UserError("Chi bộ chưa biểu quyết đề nghị kết nạp.")
    if decision_date < case.considered_on:
        raise UserError("Ngày quyết định kết nạp không thể trước ngày chi bộ xét.")
    if not decision_number or not decision_number.strip():
        raise UserError("Cần nhập số quyết định kết nạp.")
    received = received_on or decision_date
    if received < decision_date:
        raise UserError("Ngày nhận quyết định không thể trước ngày ký quyết định.")
    case.decision_number, case.decision_date, case.decision_received_on = decision_number.strip(), decision_date, received
    case.stage = stage_of(case)
    audit.record_changes(session, actor, case, entity="candidate")
    member = case.member
    member.decision_date = decision_date
    add_event(session, actor, member, "admitted", decision_date, decision_number=decision_number.strip(),
              issuer="Đảng ủy")
    return case


def ceremony_deadline(session: Session, case: Candidate) -> date | None:
    if case.decision_date is None:
        return None
    return ceremony_due(rules(session), work_calendar(session), case.decision_received_on or case.decision_date)


def record_ceremony(session: Session, actor, case_uuid: str, *, ceremony_date: date) -> Candidate:
    """The ceremony: probation starts; the candidate becomes a probationary member."""
    actor.require("write")
    case = candidate_by_uuid(session, case_uuid)
    if case.decision_date is None:
        raise UserError("Chưa có quyết định kết nạp của cấp ủy.")
    if ceremony_date < case.decision_date:
        raise UserError("Lễ kết nạp không thể trước ngày quyết định kết nạp.")
    case.ceremony_date = ceremony_date
    case.closed = True
    case.stage = stage_of(case)
    due = ceremony_deadline(session, case)
    if due and ceremony_date > due:
        case.note = ((case.note or "") + f"\nLễ kết nạp muộn hơn hạn {due:%d/%m/%Y}.").strip()
    audit.record_changes(session, actor, case, entity="candidate")
    member = case.member
    member.ceremony_date = ceremony_date
    if case.introducer_1_uuid:
        member.introducer_1 = member_by_uuid(session, case.introducer_1_uuid).full_name
    if case.introducer_2_uuid:
        member.introducer_2 = member_by_uuid(session, case.introducer_2_uuid).full_name
    member.party_position = member.party_position or "member"
    add_event(session, actor, member, "ceremony", ceremony_date)
    set_status(session, actor, member, MemberStatus.PROBATIONARY.value)
    return case


def held_votes(session: Session, kind: str) -> list[dict]:
    """Votes of ``kind`` recorded in held meetings, newest first, for a procedure to take its vote from."""
    from handbook_desktop.store.models.meetings import Meeting, Vote

    rows = session.execute(
        select(Vote.uuid, Vote.subject, Vote.votes_for, Vote.denominator, Vote.passed, Meeting.meeting_date,
               Meeting.uuid.label("meeting_uuid"), Member.uuid.label("subject_uuid"))
        .join(Meeting, Meeting.id == Vote.meeting_id).outerjoin(Member, Member.id == Vote.subject_member_id)
        .where(Vote.kind == kind, Vote.deleted_at.is_(None), Meeting.deleted_at.is_(None),
               Meeting.state != "planned")
        .order_by(Meeting.meeting_date.desc(), Vote.position)).all()
    return [{"uuid": r.uuid, "subject_uuid": r.subject_uuid, "passed": r.passed, "meeting_uuid": r.meeting_uuid,
             "meeting_date": r.meeting_date, "votes_for": r.votes_for, "denominator": r.denominator,
             "label": f"{r.meeting_date:%d/%m/%Y}: {r.subject} ({r.votes_for}/{r.denominator} tán thành"
                      f"{'' if r.passed else ', không đạt'})"}
            for r in rows]


def admission_votes(session: Session) -> list[dict]:
    """Admission votes recorded in held meetings' minutes, for taking the branch's vote from them."""
    return held_votes(session, "admission")


def drop_case(session: Session, actor, case_uuid: str, reason: str) -> None:
    actor.require("write")
    case = candidate_by_uuid(session, case_uuid)
    case.closed = True
    case.note = ((case.note or "") + f"\nDừng: {reason}").strip()
    audit.record_changes(session, actor, case, entity="candidate")


def open_cases(session: Session) -> list[Candidate]:
    return list(session.scalars(select(Candidate).where(Candidate.closed.is_(False), Candidate.deleted_at.is_(None))
                                .order_by(Candidate.id)))


@dataclass(frozen=True)
class CaseRow:
    uuid: str
    member_uuid: str
    name: str
    stage: str
    next_form: str | None
    ceremony_due: date | None


def case_rows(session: Session) -> list[CaseRow]:
    from handbook_desktop.domain.admission import STAGE_FORMS

    result = []
    for case in open_cases(session):
        index = STAGE_CODES.index(case.stage)
        following = STAGE_CODES[index + 1] if index + 1 < len(STAGE_CODES) else None
        result.append(CaseRow(case.uuid, case.member.uuid, case.member.full_name, case.stage,
                              STAGE_FORMS.get(following) if following else None, ceremony_deadline(session, case)))
    return sorted(result, key=lambda r: r.name)
