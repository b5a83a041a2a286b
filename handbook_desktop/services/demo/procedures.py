"""Demo procedures: cases at every stage, so that each kind of to-do item appears on the demo's today.

In the home branch (or the first branch of a committee): open admission cases (one awaiting its
ceremony), probationary members whose probation ends now or ended long ago, an official transfer
not yet presented, a lost card, a disciplined member, a dues ledger for the year with members at
three unpaid months, and last year's ratings (this year's are due). Every other branch of a committee
keeps its dues ledger too (``_dues_elsewhere``, in bulk). Deterministic: only ``context.rng``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from handbook_desktop.domain.dates import add_months
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.auth import SYSTEM
from handbook_desktop.services.demo import EXTENSIONS
from handbook_desktop.services.procedures import admission, dues, ratings, status
from handbook_desktop.services.progress import Progress
from handbook_desktop.store.models import Member, Unit

SALARIES = [4_680_000, 5_850_000, 7_020_000, 8_424_000, 10_530_000, 12_636_000]
PENSIONS = [3_200_000, 4_500_000, 5_800_000, 7_100_000, 9_400_000]


def _members(session, unit_id: int, state: str) -> list[Member]:
    return list(session.scalars(select(Member).where(Member.unit_id == unit_id, Member.status == state)
                                .order_by(Member.id)))


def _pick(rng, pool: list[Member], taken: set[int]) -> Member | None:
    free = [m for m in pool if m.id not in taken]
    if not free:
        return None
    member = rng.choice(free)
    taken.add(member.id)
    return member


def _meeting_vote(session, unit_id: int, person: Member, after: date, before: date) -> str | None:
    """An admission vote in the last held meeting between the two days, every eligible member for it."""
    try:
        from handbook_desktop.services.meetings import meeting_detail, record_vote
        from handbook_desktop.store.models.meetings import Meeting
    except ImportError:
        return None
    meeting = session.scalars(select(Meeting).where(
        Meeting.unit_id == unit_id, Meeting.state != "planned", Meeting.deleted_at.is_(None),
        Meeting.meeting_date >= after, Meeting.meeting_date <= before).order_by(Meeting.meeting_date.desc())).first()
    if meeting is None:
        return None
    block = meeting_detail(session, meeting.uuid).block
    if not block.eligible_present:
        return None
    return record_vote(session, SYSTEM, meeting.uuid, subject=f"Đề nghị kết nạp quần chúng {person.full_name}",
                       kind="admission", votes_for=block.eligible_present, subject_member_uuid=person.uuid,
                       reason="Biểu quyết kết nạp (dữ liệu mẫu)")


def _admissions(session, rng, today, unit_id, officials, taken):
    candidates = _members(session, unit_id, MemberStatus.CANDIDATE.value)
    while len(candidates) < 3:
        branch = session.get(Unit, unit_id)  # the candidate belongs to the branch, also at a committee
        case = admission.open_case(session, SYSTEM, full_name=rng.choice(["Nguyễn Thị Thu Hà", "Trần Minh Đức",
                                   "Lê Hoàng Nam", "Phạm Ngọc Ánh"]), identified_on=today - timedelta(days=200),
                                   unit_code=branch.code,
                                   date_of_birth=date(today.year - rng.randint(22, 35), rng.randint(1, 12), 15),
                                   gender=rng.choice(["male", "female"]), general_education="12/12")
        branch = session.get(Unit, unit_id)  # at a committee, a candidate belongs to the branch, not to it
        case.member.unit_id, case.member.origin_unit, case.origin_unit = unit_id, branch.code, branch.code
        candidates.append(case.member)
    introducers = [m for m in officials if m.official_date and m.official_date < today - timedelta(days=800)][:4]
    for index, person in enumerate(candidates[:3]):
        if person.general_education is None or not person.general_education.startswith(("12", "10")):
            person.general_education = "12/12"
        if person.date_of_birth is None or not 20 <= today.year - person.date_of_birth.year <= 50:
            person.date_of_birth = date(today.year - 28 - index, 3 + index, 10)
        case = admission.open_case(session, SYSTEM, member_uuid=person.uuid,
                                   identified_on=today - timedelta(days=300 - index * 20),
                                   proposed_by=rng.choice(["Chi đoàn khu dân cư", "Công đoàn cơ sở"]))
        fields = {"course_certificate_date": today - timedelta(days=250)}
        if index >= 1 and len(introducers) >= 2:
            fields.update(application_date=today - timedelta(days=200), background_verified_on=today - timedelta(days=150),
                          introducer_1_uuid=introducers[0].uuid, introducer_1_known_since=today - timedelta(days=900),
                          introducer_2_uuid=introducers[1].uuid, introducer_2_known_since=today - timedelta(days=700))
        if index >= 2 and len(introducers) >= 2:
            fields.update(opinions_date=today - timedelta(days=70))
        admission.update_case(session, SYSTEM, case.uuid, **fields)
        if index >= 2 and len(introducers) >= 2:
            vote_uuid = _meeting_vote(session, unit_id, person, today - timedelta(days=70), today - timedelta(days=21))
            if vote_uuid:  # the branch's vote is one recorded in a held meeting's roll call, never typed
                admission.record_branch_vote(session, SYSTEM, case.uuid, vote_uuid=vote_uuid)
                admission.record_decision(session, SYSTEM, case.uuid, decision_number="215-QĐ/ĐU",
                                          decision_date=today - timedelta(days=20))
        taken.add(person.id)


def _probation(session, rng, today, unit_id, taken):
    pool = _members(session, unit_id, MemberStatus.PROBATIONARY.value)
    # probation ending within days, and one whose vote is long overdue
    for ceremony in (add_months(today, -12) + timedelta(days=10), add_months(today, -14)):
        member = _pick(rng, pool, taken)
        if member is None:
            break
        member.ceremony_date = ceremony
        member.decision_date = ceremony - timedelta(days=21)
        for event in member.events:
            if event.kind == "admitted":
                event.event_date = member.decision_date


def _status_events(session, rng, today, officials, taken):
    if len([m for m in officials if m.id not in taken]) < 3:
        return
    leaving = _pick(rng, officials, taken)
    status.transfer_out(session, SYSTEM, leaving.uuid, day=today - timedelta(days=12),
                        destination="Chi bộ Tổ dân phố 7, Đảng bộ phường Ba Đình", dues_paid_to=today.replace(day=1))
    lost = _pick(rng, officials, taken)
    status.card_event(session, SYSTEM, lost.uuid, "card_lost", today - timedelta(days=40))
    punished = _pick(rng, officials, taken)
    status.discipline(session, SYSTEM, punished.uuid, kind="reprimand", day=date(today.year, 3, 20),
                      decision_number="12-QĐ/CB", reason="Vi phạm quy định về nêu gương nơi cư trú")


def _dues(session, rng, today, unit_id, taken):
    members = [m for state in (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT,
                               MemberStatus.TEMPORARILY_AWAY) for m in _members(session, unit_id, state.value)]
    for member in members:
        occupation = (member.occupation or "").lower()
        if "hưu" in occupation:
            dues.set_basis(session, SYSTEM, member.uuid, effective_from=date(today.year, 1, 1), kind="pension",
                           base_amount=rng.choice(PENSIONS))
        elif "sinh viên" in occupation:
            dues.set_basis(session, SYSTEM, member.uuid, effective_from=date(today.year, 1, 1), kind="student")
        elif "tự do" in occupation or "kinh doanh" in occupation:
            dues.set_basis(session, SYSTEM, member.uuid, effective_from=date(today.year, 1, 1), kind="flat")
        else:
            dues.set_basis(session, SYSTEM, member.uuid, effective_from=date(today.year, 1, 1), kind="insured_salary",
                           base_amount=rng.choice(SALARIES))
    late = [m for m in members if m.id not in taken and m.status == MemberStatus.OFFICIAL.value]
    late = sorted(rng.sample(late, min(2, len(late))), key=lambda m: m.id)
    late_ids = {m.id for m in late}
    taken.update(late_ids)
    for month in range(1, today.month + 1):
        first = date(today.year, month, 1)
        dues.generate_month(session, SYSTEM, first, unit_ids=[unit_id])
        if first >= today.replace(day=1):
            continue  # the current month is still being collected
        for member in members:
            if member.id in late_ids and month >= today.month - 4:
                continue
            if member.ceremony_date and member.ceremony_date > first.replace(day=28):
                continue
            day = min(first + timedelta(days=rng.randint(2, 25)), today)
            try:
                dues.mark_paid(session, SYSTEM, member.uuid, first, paid_on=day,
                               method="portal" if rng.random() < 0.3 else "cash")
            except Exception:  # noqa: BLE001 - a member without a line that month (exempt by age)
                continue


def _dues_elsewhere(session, rng, today, unit_ids: list[int]) -> None:
    """Every other branch of a committee keeps its dues book too (the Đảng phí page, the dues report and
    BC-THÁNG describe the whole committee): each paying member's basis from the occupation, the months
    of the year made by the ledger (``generate_month``), and the months before this one paid — except
    two members per branch behind for the last months. Written in bulk (tens of thousands of members);
    deterministic for the seed."""
    from sqlalchemy import case, insert, update

    from handbook_desktop.domain.dues import BASIS_LABELS
    from handbook_desktop.services import audit
    from handbook_desktop.services.progress import chunks
    from handbook_desktop.store.base import new_uuid, utcnow
    from handbook_desktop.store.models import DuesBasis, DuesMonth

    if not unit_ids:
        return
    paying = [state.value for state in (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT,
                                        MemberStatus.TEMPORARILY_AWAY)]
    people = session.execute(select(Member.id, Member.unit_id, Member.status, Member.occupation, Member.origin_unit)
                             .where(Member.unit_id.in_(unit_ids), Member.status.in_(paying), Member.deleted_at.is_(None))
                             .order_by(Member.id)).all()
    now, start = utcnow(), date(today.year, 1, 1)
    rows, by_kind = [], {}
    for person in people:
        occupation = (person.occupation or "").lower()
        base = None
        if "hưu" in occupation:
            kind, base = "pension", rng.choice(PENSIONS)
        elif "sinh viên" in occupation:
            kind = "student"
        elif "tự do" in occupation or "kinh doanh" in occupation:
            kind = "flat"
        else:
            kind, base = "insured_salary", rng.choice(SALARIES)
        by_kind.setdefault(kind, []).append(person.id)
        rows.append({"member_id": person.id, "effective_from": start, "kind": kind, "base_amount": base,
                     "flat_amount": None, "reduction_percent": 0, "reduction_until": None, "exempt_reason": None,
                     "uuid": new_uuid(), "origin_unit": person.origin_unit, "version": 1, "updated_at": now,
                     "deleted_at": None})
    if rows:
        session.execute(insert(DuesBasis.__table__), rows)
    for kind, ids in by_kind.items():  # the record's «Đối tượng đảng phí» says what Đảng phí computes by
        for part in chunks(ids, 900):
            session.execute(update(Member.__table__).where(Member.__table__.c.id.in_(part))
                            .values(dues_category=BASIS_LABELS[kind]))
    officials: dict[int, list[int]] = {}
    for person in people:
        if person.status == MemberStatus.OFFICIAL.value:
            officials.setdefault(person.unit_id, []).append(person.id)
    late = sorted(member_id for unit_id in sorted(officials)
                  for member_id in rng.sample(officials[unit_id], min(2, len(officials[unit_id]))))
    table = DuesMonth.__table__
    for month in range(1, today.month + 1):
        first = date(today.year, month, 1)
        dues.generate_month(session, SYSTEM, first, unit_ids=unit_ids)
        if first >= today.replace(day=1):
            continue  # the current month is still being collected
        offsets = [rng.randint(2, 25) for _ in range(24)]
        paid_on = case(*((table.c.member_id % 24 == index, min(first + timedelta(days=offset), today))
                         for index, offset in enumerate(offsets)))
        method = case((table.c.member_id % 10 < 3, "portal"), else_="cash")
        chosen = table.c.member_id.in_(select(Member.id).where(Member.unit_id.in_(unit_ids)))
        behind = table.c.member_id.not_in(late) if late and month >= today.month - 4 else None
        session.execute(update(table).where(table.c.month == first, chosen, *((behind,) if behind is not None else ()))
                        .values(paid=True, paid_on=paid_on, method=method))
    audit.record(session, SYSTEM, "create", entity="dues_basis",
                 detail={"demo": "sổ đảng phí của mọi chi bộ", "members": len(rows)})  # shown on Nhật ký


def _ratings(session, rng, today, unit_id):
    last = today.year - 1
    for member in _members(session, unit_id, MemberStatus.OFFICIAL.value):
        if member.official_date and member.official_date.year > last:
            continue
        score = int(rng.triangular(55, 98, 80))
        ratings.rate_member(session, SYSTEM, member.uuid, last, score=score)
    ratings.rate_branch(session, SYSTEM, last, score=86)


def _flagged_by_meetings(session, today) -> set[int]:
    """Members the meetings demo made stand out (absences): leave them as they are."""
    try:
        from handbook_desktop.services.meetings.screening import screening
    except ModuleNotFoundError:
        return set()
    found = screening(session, today.year, today)
    uuids = {flag.member_uuid for flag in found.unexcused + found.excused_in_a_row}
    if not uuids:
        return set()
    return set(session.scalars(select(Member.id).where(Member.uuid.in_(uuids))))


def demo_procedures(context):
    def work():
        unit_id = context.branch_ids[0]
        yield Progress(0, 5, "Nghiệp vụ mẫu: kết nạp, dự bị")
        rng, today = context.rng, context.today
        with context.database.session() as session:
            taken: set[int] = set()
            officials = _members(session, unit_id, MemberStatus.OFFICIAL.value)
            for member in officials:
                if member.party_position in ("secretary", "deputy_secretary", "committee_member"):
                    taken.add(member.id)
            taken.update(_flagged_by_meetings(session, today))
            _admissions(session, rng, today, unit_id, officials, taken)
            _probation(session, rng, today, unit_id, taken)
            yield Progress(2, 5, "Nghiệp vụ mẫu: chuyển sinh hoạt, thẻ, kỷ luật")
            _status_events(session, rng, today, officials, taken)
            yield Progress(3, 5, "Nghiệp vụ mẫu: sổ đảng phí")
            _dues(session, rng, today, unit_id, taken)
            yield Progress(4, 5, "Nghiệp vụ mẫu: đánh giá xếp loại")
            _ratings(session, rng, today, unit_id)
            # last, from a source of its own: the rest of the demo stays as it was for the seed
            _dues_elsewhere(session, random.Random(repr(rng.getstate())), today, context.branch_ids[1:])
        yield Progress(5, 5, "Nghiệp vụ mẫu: xong")
        return None

    return work()


EXTENSIONS.append(demo_procedures)
