"""Party badge rounds from the register (DOMAIN.md §9) and the 4-HHĐ list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from handbook_desktop.domain.badges import BadgeDue, BadgeInput, badge_rounds, next_milestone
from handbook_desktop.domain.states import GONE_STATES, MemberStatus
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.common import add_event, event_detail, live_events, member_by_uuid, member_gaps, rules
from handbook_desktop.store.models import Member


def badge_input(member: Member) -> BadgeInput:
    events = live_events(member)
    awarded = frozenset(int(event_detail(e).get("years", 0)) for e in events if e.kind == "badge")
    death = next((e.event_date for e in events if e.kind == "death"), None)
    return BadgeInput(
        key=member.uuid, decision_date=member.decision_date, gaps=tuple(member_gaps(member, events)),
        awarded_years=awarded, seriously_ill=any(e.kind == "seriously_ill" for e in events), death_date=death,
        disciplines=tuple((event_detail(e).get("kind", ""), e.event_date) for e in events if e.kind == "discipline"),
    )


_NOT_PROPOSED = frozenset({s.value for s in GONE_STATES} - {MemberStatus.DECEASED.value}
                          | {MemberStatus.VISITING.value})  # the deceased may be proposed posthumously


def _eligible_members(session: Session) -> list[Member]:
    return list(session.scalars(
        select(Member).options(selectinload(Member.events))
        .where(Member.deleted_at.is_(None), Member.decision_date.is_not(None),
               Member.status.not_in(list(_NOT_PROPOSED)))
    ))


def rounds(session: Session, start: date, months_ahead: int = 12,
           members: list[Member] | None = None) -> dict[date, list[tuple[Member, BadgeDue]]]:
    """Award rounds from ``start``; ``members`` (loaded with their events) saves loading them again."""
    if members is not None:
        members = [m for m in members if m.deleted_at is None and m.decision_date is not None
                   and m.status not in _NOT_PROPOSED]
    members = {m.uuid: m for m in (members if members is not None else _eligible_members(session))}
    found = badge_rounds(rules(session), [badge_input(m) for m in members.values()], start, months_ahead)
    return {day: [(members[d.key], d) for d in dues] for day, dues in found.items()}


def member_next_badge(session: Session, member: Member, on: date) -> BadgeDue | None:
    return next_milestone(rules(session), badge_input(member), on)


def record_badge(session: Session, actor, member_uuid: str, years: int, day: date,
                 decision_number: str | None = None):
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    if years not in rules(session).value("badge.milestones_years", day):
        raise UserError(f"Không có mốc Huy hiệu {years} năm tuổi đảng.")
    if years in badge_input(member).awarded_years:
        raise UserError(f"Đảng viên này đã nhận Huy hiệu {years} năm tuổi đảng.")
    return add_event(session, actor, member, "badge", day, decision_number=decision_number, detail={"years": years})


def list_4hhd_rows(session: Session, award_day: date) -> list[dict]:
    """Rows of the proposal list 4-HHĐ for one round (columns of DOMAIN.md §9)."""
    found = rounds(session, award_day, 0).get(award_day)
    if found is None:
        found = rounds(session, award_day, 1).get(award_day, [])
    rows = []
    for index, (member, due) in enumerate(sorted(found, key=lambda p: p[0].name_sort), start=1):
        notes = []
        if due.early:
            notes.append("Trao sớm (ốm đau hiểm nghèo)" if not due.posthumous else "Truy tặng")
        elif due.posthumous:
            notes.append("Truy tặng")
        rows.append({
            "stt": index, "full_name": member.full_name, "date_of_birth": member.date_of_birth,
            "hometown": member.hometown or "", "decision_date": member.decision_date,
            "ceremony_date": member.ceremony_date, "official_date": member.official_date,
            "card_number": member.party_card_number or "", "badge": f"{due.years} năm", "note": "; ".join(notes),
            "member_uuid": member.uuid,
        })
    return rows
