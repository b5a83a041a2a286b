"""Transfers, exemption, discipline, removal, death and the party card (DOMAIN.md §7).

Each is a dated ``MemberEvent``; the member's status follows it so that the headcount is right.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import add_months, whole_months_between
from handbook_desktop.domain.states import HEADCOUNT_CODES, MemberStatus
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.common import (
    DISCIPLINE_LABELS,
    add_event,
    event_detail,
    live_events,
    member_by_uuid,
    rules,
    set_status,
    work_calendar,
)
from handbook_desktop.store.models import Member, MemberEvent

IN_PARTY = (MemberStatus.PROBATIONARY.value, MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value)


def _in_party(member: Member, what: str) -> None:
    if member.status not in IN_PARTY + (MemberStatus.TEMPORARILY_AWAY.value,):
        raise UserError(f"Không thể {what}: người này không đang sinh hoạt tại chi bộ.")


def transfer_out(session: Session, actor, member_uuid: str, *, day: date, destination: str,
                 temporary: bool = False, until: date | None = None, study: bool = False,
                 dues_paid_to: date | None = None) -> MemberEvent:
    """Official (1-SHĐ) or temporary (2-SHĐ) transfer away; temporary ones stay in the headcount."""
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    _in_party(member, "chuyển sinh hoạt")
    if not destination or not destination.strip():
        raise UserError("Cần ghi nơi chuyển đến.")
    detail = {"destination": destination.strip(), "dues_paid_to": dues_paid_to}
    if temporary:
        if until is None:
            raise UserError("Chuyển sinh hoạt tạm thời cần ngày kết thúc.")
        book = rules(session)
        months = whole_months_between(day, until)
        low = int(book.value("transfer.temporary.min_months", day))
        high = int(book.value("transfer.temporary.study_max_months" if study else "transfer.temporary.max_months", day))
        if months < low or add_months(day, high) < until:
            raise UserError(f"Chuyển sinh hoạt tạm thời từ {low} tháng đến dưới {high} tháng; thời gian đã nhập "
                            f"không phù hợp.")
        detail["study"] = study
        event = add_event(session, actor, member, "transfer_out_temporary", day, end_date=until, detail=detail)
        set_status(session, actor, member, MemberStatus.TEMPORARILY_AWAY.value)
        return event
    event = add_event(session, actor, member, "transfer_out_official", day, detail=detail)
    set_status(session, actor, member, MemberStatus.TRANSFERRED_OUT.value)
    return event


def transfer_in(session: Session, actor, member_uuid: str, *, day: date, origin: str, temporary: bool = False,
                until: date | None = None) -> MemberEvent:
    """A member arriving (record already entered in the register): official arrivals join the headcount,
    temporary ones attend here and are counted at their home branch."""
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    if member.decision_date is None:
        raise UserError("Hồ sơ người chuyển đến cần ngày quyết định kết nạp.")
    if member.status in (MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value, MemberStatus.EXEMPT.value):
        raise UserError("Người này đang sinh hoạt tại chi bộ rồi.")
    if not origin or not origin.strip():
        raise UserError("Cần ghi nơi chuyển đi (tổ chức đảng nơi đi).")
    if temporary:
        if until is None or until <= day:
            raise UserError("Sinh hoạt tạm thời cần ngày kết thúc sau ngày đến.")
        event = add_event(session, actor, member, "transfer_in_temporary", day, end_date=until,
                          detail={"origin": origin.strip()})
        set_status(session, actor, member, MemberStatus.VISITING.value)
        return event
    event = add_event(session, actor, member, "transfer_in_official", day, detail={"origin": origin.strip()})
    set_status(session, actor, member, MemberStatus.OFFICIAL.value if member.official_date else
               MemberStatus.PROBATIONARY.value)
    return event


def presentation_due(session: Session, event: MemberEvent) -> date:
    """The member must present the letter to the receiving committee within N working days."""
    days = int(rules(session).value("transfer.official.present_within_working_days", event.event_date))
    return work_calendar(session).add_working_days(event.event_date, days)


def confirm_presented(session: Session, actor, member_uuid: str, day: date) -> MemberEvent:
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    if not any(e.kind == "transfer_out_official" for e in live_events(member)):
        raise UserError("Người này chưa có giấy chuyển sinh hoạt chính thức đi.")
    return add_event(session, actor, member, "transfer_presented", day)


def temporary_return(session: Session, actor, member_uuid: str, day: date) -> MemberEvent:
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    if member.status != MemberStatus.TEMPORARILY_AWAY.value:
        raise UserError("Người này không đang chuyển sinh hoạt tạm thời đi.")
    event = add_event(session, actor, member, "temporary_return", day)
    set_status(session, actor, member, MemberStatus.OFFICIAL.value if member.official_date else
               MemberStatus.PROBATIONARY.value)
    return event


def set_exemption(session: Session, actor, member_uuid: str, day: date, *, end: bool = False,
                  reason: str | None = None) -> MemberEvent:
    """Exemption from work and activities (decided by the branch); members stay in the headcount."""
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    if end:
        if member.status != MemberStatus.EXEMPT.value:
            raise UserError("Người này không đang được miễn công tác và sinh hoạt đảng.")
        event = add_event(session, actor, member, "exemption_end", day)
        set_status(session, actor, member, MemberStatus.OFFICIAL.value)
        return event
    if member.status != MemberStatus.OFFICIAL.value:
        raise UserError("Chỉ đảng viên chính thức đang sinh hoạt mới được xét miễn công tác và sinh hoạt đảng.")
    event = add_event(session, actor, member, "exemption", day, note=reason)
    set_status(session, actor, member, MemberStatus.EXEMPT.value)
    return event


def discipline(session: Session, actor, member_uuid: str, *, kind: str, day: date,
               decision_number: str | None = None, reason: str | None = None) -> MemberEvent:
    """Discipline, limited to the kinds allowed for the member's state (Quy định 69-QĐ/TW)."""
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    allowed = rules(session).value("discipline.kinds", day)
    state = "probationary" if member.status == MemberStatus.PROBATIONARY.value else "official"
    if member.status not in IN_PARTY:
        raise UserError("Chỉ kỷ luật đảng viên đang sinh hoạt tại chi bộ.")
    if kind not in allowed.get(state, []):
        names = ", ".join(DISCIPLINE_LABELS[k].lower() for k in allowed.get(state, []))
        raise UserError(f"Hình thức kỷ luật này không áp dụng cho {'đảng viên dự bị' if state == 'probationary' else 'đảng viên chính thức'}: chỉ {names}.")
    event = add_event(session, actor, member, "discipline", day, decision_number=decision_number,
                      detail={"kind": kind}, note=reason)
    if kind == "expulsion":
        add_event(session, actor, member, "expelled", day, decision_number=decision_number)
        set_status(session, actor, member, MemberStatus.EXPELLED.value)
    return event


def propose_removal(session: Session, actor, member_uuid: str, day: date, reason: str) -> MemberEvent:
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    _in_party(member, "đề nghị xóa tên")
    if not reason or not reason.strip():
        raise UserError("Cần ghi lý do đề nghị xóa tên.")
    return add_event(session, actor, member, "removal_proposed", day, note=reason.strip())


def remove(session: Session, actor, member_uuid: str, day: date, decision_number: str | None = None) -> MemberEvent:
    """Removal (xóa tên) by the committee's decision; a probationary member who no longer qualifies too."""
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    _in_party(member, "xóa tên")
    event = add_event(session, actor, member, "removed", day, decision_number=decision_number)
    set_status(session, actor, member, MemberStatus.REMOVED.value)
    return event


def record_death(session: Session, actor, member_uuid: str, day: date) -> MemberEvent:
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    event = add_event(session, actor, member, "death", day)
    set_status(session, actor, member, MemberStatus.DECEASED.value)
    return event


def card_event(session: Session, actor, member_uuid: str, kind: str, day: date, number: str | None = None) -> MemberEvent:
    """Card issued, exchanged (the 2025 exchange), lost, or reissued; the record keeps the current number."""
    actor.require("write")
    if kind not in ("card_issued", "card_exchanged", "card_lost", "card_reissued"):
        raise ValueError(kind)
    member = member_by_uuid(session, member_uuid)
    if kind != "card_lost":
        if not number or not number.strip():
            raise UserError("Cần nhập số thẻ đảng viên.")
        if member.status != MemberStatus.OFFICIAL.value and member.status not in IN_PARTY:
            raise UserError("Chỉ cấp thẻ cho đảng viên đang sinh hoạt.")
        old = member.party_card_number
        member.party_card_number, member.card_issued_date = number.strip(), day
        return add_event(session, actor, member, kind, day, detail={"number": number.strip(), "old_number": old})
    return add_event(session, actor, member, kind, day, detail={"number": member.party_card_number})


# Whose lost card is reissued (1-TĐV, the to-do): members on the register of this unit; a visiting
# member's card is the home branch's business, and nobody reissues a card to one who has gone.
CARD_HOLDER_STATES = HEADCOUNT_CODES


def lost_cards(member: Member) -> bool:
    """A card reported lost and not reissued since."""
    lost = False
    for event in live_events(member):
        if event.kind == "card_lost":
            lost = True
        elif event.kind in ("card_reissued", "card_issued", "card_exchanged"):
            lost = False
    return lost


def discipline_in_year(member: Member, year: int) -> list[tuple[str, date]]:
    return [(event_detail(e).get("kind", ""), e.event_date) for e in live_events(member)
            if e.kind == "discipline" and e.event_date.year == year]
