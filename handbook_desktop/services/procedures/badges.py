"""Party badge rounds from the register (DOMAIN.md §9) and the 4-HHĐ list."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.badges import BadgeDue, BadgeInput, badge_rounds, next_milestone, pending_for_all
from handbook_desktop.domain.states import GONE_STATES, MemberStatus
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.progress import chunks
from handbook_desktop.services.procedures.common import (
    add_event, event_detail, light_members, live_events, member_by_uuid, member_gaps, rules,
)
from handbook_desktop.store.models import Member


def badge_input(member) -> BadgeInput:
    """``member``: a record or a light row (``light_members``), with its events. A light row keeps
    its input (the to-do's rounds and its "chưa xét" step read the same 50,000 rows)."""
    kept = getattr(member, "badge_input", None) if isinstance(member, SimpleNamespace) else None
    if kept is not None:
        return kept
    found = _badge_input(member)
    if isinstance(member, SimpleNamespace):
        member.badge_input = found
    return found


def _badge_input(member) -> BadgeInput:
    events = live_events(member)
    awarded = frozenset(int(event_detail(e).get("years", 0)) for e in events if e.kind == "badge")
    dismissed = frozenset(int(event_detail(e).get("years", 0)) for e in events if e.kind == "badge_dismissed")
    death = next((e.event_date for e in events if e.kind == "death"), None)
    return BadgeInput(
        key=member.uuid, decision_date=member.decision_date, gaps=tuple(member_gaps(member, events)),
        awarded_years=awarded, dismissed_years=dismissed, seriously_ill=any(e.kind == "seriously_ill" for e in events), death_date=death,
        disciplines=tuple((event_detail(e).get("kind", ""), e.event_date) for e in events if e.kind == "discipline"),
    )


_NOT_PROPOSED = frozenset({s.value for s in GONE_STATES} - {MemberStatus.DECEASED.value}
                          | {MemberStatus.VISITING.value})  # the deceased may be proposed posthumously


def rounds(session: Session, start: date, months_ahead: int = 12,
           members: list | None = None) -> dict[date, list[tuple[Member, BadgeDue]]]:
    """Award rounds from ``start``. Every member is looked at through light rows (a committee has
    50,000), and only those proposed are then loaded as records. ``members`` (light rows or records
    with their events) saves reading them again; they are returned as given."""
    given = members is not None
    if not given:
        found = round_people(session, start, months_ahead)
        keys = sorted({due.key for pairs in found.values() for _, due in pairs})
        chosen = {}
        for part in chunks(keys, 500):
            chosen.update((m.uuid, m) for m in session.scalars(select(Member).where(Member.uuid.in_(part))))
        return {day: [(chosen[d.key], d) for _, d in pairs] for day, pairs in found.items()}
    from handbook_desktop.domain.badges import round_windows

    windows = _merged(round_windows(rules(session), start, months_ahead))
    eligible = {m.uuid: m for m in members if m.deleted_at is None and m.decision_date is not None
                and m.status not in _NOT_PROPOSED and _may_concern(m, windows)}
    found = badge_rounds(rules(session), [badge_input(m) for m in eligible.values()], start, months_ahead)
    return {day: [(eligible[d.key], d) for d in dues] for day, dues in found.items()}


def round_people(session: Session, start: date, months_ahead: int = 12) -> dict[date, list[tuple[object, BadgeDue]]]:
    """``rounds`` as light rows, chosen by the database (``badge_sql``): the members whose history can
    move a milestone through the domain's rule, every other member by the range of decision dates
    that reaches a milestone in these rounds."""
    from handbook_desktop.domain.badges import award_dates
    from handbook_desktop.domain.dates import add_months
    from handbook_desktop.services.procedures import badge_sql

    book = rules(session)
    end = add_months(start, months_ahead)
    days = award_dates(book, start, end)
    where = may_be_proposed(session, start, months_ahead)
    result = rounds(session, start, months_ahead, light_members(session, where=badge_sql.may_move(where)))
    if not days:
        return result
    lead = max([int(band["months"]) for band in book.value("badge.early_months.ill", start)] or [0])
    for person, due, _ in badge_sql.simple_dues(
            session, book.value("badge.milestones_years", start), days, badge_sql.award_day_before(book, days[0]),
            (Member.deleted_at.is_(None), Member.status.not_in(sorted(_NOT_PROPOSED))),
            reach_low=add_months(start, -12), reach_high=add_months(end, lead + 1)):
        result[due.award_date].append((person, due))
    for pairs in result.values():
        pairs.sort(key=lambda pair: (pair[1].reach_date, pair[1].key))
    return result


_MOVING = None


def _moving_kinds() -> frozenset[str]:
    """Events that move a member's milestone or round: gaps in party age, death, discipline."""
    global _MOVING
    if _MOVING is None:
        from handbook_desktop.domain.party_age import GAP_END_KINDS, GAP_KIND, GAP_START_KINDS

        _MOVING = frozenset(GAP_START_KINDS | GAP_END_KINDS | {GAP_KIND, "death", "discipline"})
    return _MOVING


def _merged(windows: list[tuple[date, date]]) -> tuple[list[date], list[date]]:
    """Overlapping ranges joined, as (starts, ends) for a binary search."""
    starts: list[date] = []
    ends: list[date] = []
    for low, high in sorted(windows):
        if ends and low <= ends[-1]:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def _may_concern(member, ranges: tuple[list[date], list[date]]) -> bool:
    """The same choice as ``may_be_proposed``, for members already read: a decision date in a
    range, or an event that moves the milestone. Everyone else is left out before any work."""
    from bisect import bisect_right

    starts, ends = ranges
    index = bisect_right(starts, member.decision_date) - 1
    if index >= 0 and member.decision_date <= ends[index]:
        return True
    moving = _moving_kinds()
    return any(e.kind in moving and e.deleted_at is None for e in member.events)


def may_be_proposed(session: Session, start: date, months_ahead: int):
    """Chosen by the database: members whose decision date lies in a milestone's range for these
    rounds (``round_windows``), or whose party age or round a gap, death or discipline can move."""
    from handbook_desktop.domain.badges import round_windows

    return _in_windows(round_windows(rules(session), start, months_ahead))


def may_be_pending(session: Session, on: date):
    """The same for the milestones "chưa xét" on ``on`` (``pending_windows``)."""
    from handbook_desktop.domain.badges import pending_windows
    from handbook_desktop.services.start import records_start

    return _in_windows(pending_windows(rules(session), on, records_start(session)))


def _in_windows(windows):
    from sqlalchemy import and_, or_

    from handbook_desktop.store.models import MemberEvent

    starts, ends = _merged(windows)
    return and_(Member.decision_date.is_not(None), Member.status.not_in(sorted(_NOT_PROPOSED)), or_(
        *(Member.decision_date.between(low, high) for low, high in zip(starts, ends)),
        Member.id.in_(select(MemberEvent.member_id).where(MemberEvent.kind.in_(sorted(_moving_kinds())),
                                                          MemberEvent.deleted_at.is_(None)))))


def pending(session: Session, members: list | None = None, on: date | None = None) -> list[tuple[object, BadgeDue]]:
    """Every milestone "chưa xét" on ``on``: its round passed with no award and no dismissal.
    ``members``: light rows or records with their events (as ``rounds``); returned as given."""
    on = on or date.today()
    if members is None:
        return pending_people(session, on)
    from handbook_desktop.domain.badges import pending_windows
    from handbook_desktop.services.start import records_start

    since = records_start(session)
    windows = _merged(pending_windows(rules(session), on, since))
    eligible = {m.uuid: m for m in members if m.deleted_at is None and m.decision_date is not None
                and m.status not in _NOT_PROPOSED and _may_concern(m, windows)}
    found = pending_for_all(rules(session), [badge_input(m) for m in eligible.values()], on, since)
    return [(eligible[due.key], due) for due in found]


def pending_people(session: Session, on: date) -> list[tuple[object, BadgeDue]]:
    """``pending`` as light rows chosen by the database (``badge_sql``), in name order, each member's
    milestones in the rule's order."""
    from datetime import timedelta

    from handbook_desktop.domain.badges import _since, award_dates
    from handbook_desktop.domain.dates import add_months
    from handbook_desktop.services.procedures import badge_sql
    from handbook_desktop.services.start import records_start

    book = rules(session)
    where = may_be_pending(session, on)
    first = _since(book, records_start(session))
    if first is None:  # no badge rule known: the domain decides for everyone chosen
        return pending(session, light_members(session, where=(where,)), on)
    milestones = list(book.value("badge.milestones_years", on))
    found = [(person, due, milestones.index(due.years))
             for person, due in pending(session, light_members(session, where=badge_sql.may_move(where)), on)]
    days = award_dates(book, first, on - timedelta(days=1))
    if days:
        found += badge_sql.simple_dues(
            session, milestones, days, badge_sql.award_day_before(book, days[0]),
            (Member.deleted_at.is_(None), Member.status.not_in(sorted(_NOT_PROPOSED))),
            reach_low=add_months(first, -25), reach_high=add_months(on, 25), overdue=True)
    found.sort(key=lambda item: (item[0].name_sort, item[0].id, item[2]))
    return [(person, due) for person, due, _ in found]


def dismiss_badge(session: Session, actor, member_uuid: str, years: int, day: date, reason: str):
    """Take a milestone off the list without an award (e.g. not eligible, declined): the reason is kept."""
    actor.require("write")
    reason = (reason or "").strip()
    if not reason:
        raise UserError("Hãy ghi lý do không đề nghị tặng Huy hiệu cho mốc này.")
    member = member_by_uuid(session, member_uuid)
    person = badge_input(member)
    if years in person.awarded_years:
        raise UserError(f"Đảng viên này đã nhận Huy hiệu {years} năm tuổi đảng; không thể bỏ qua mốc này.")
    if years in person.dismissed_years:
        raise UserError(f"Mốc Huy hiệu {years} năm của đảng viên này đã được ghi là không xét.")
    if years not in rules(session).value("badge.milestones_years", day):
        raise UserError(f"Không có mốc Huy hiệu {years} năm tuổi đảng.")
    return add_event(session, actor, member, "badge_dismissed", day, detail={"years": years, "reason": reason},
                     note=reason)


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
