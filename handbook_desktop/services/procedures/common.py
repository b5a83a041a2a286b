"""Shared by the procedure services: rules, the working-day calendar, events, lookups."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.party_age import Gap, gaps_from_events, party_age_months
from handbook_desktop.domain.rules import RuleBook, RuleNotFound
from handbook_desktop.domain.workdays import WorkCalendar
from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.rules import rule_book, shipped_rules
from handbook_desktop.store.models import CalendarDay, Member, MemberEvent, Unit

# MemberEvent.kind codes written by the procedures, and what a secretary reads.
EVENT_LABELS = {
    "admitted": "Kết nạp (quyết định)",
    "ceremony": "Lễ kết nạp",
    "official": "Công nhận đảng viên chính thức",
    "readmitted": "Kết nạp lại",
    "transfer_in_official": "Chuyển sinh hoạt chính thức đến",
    "transfer_out_official": "Chuyển sinh hoạt chính thức đi",
    "transfer_presented": "Đã trình giấy giới thiệu nơi đến",
    "transfer_out_temporary": "Chuyển sinh hoạt tạm thời đi",
    "transfer_in_temporary": "Sinh hoạt tạm thời đến",
    "temporary_return": "Trở lại sinh hoạt",
    "exemption": "Miễn công tác và sinh hoạt đảng",
    "exemption_end": "Thôi miễn công tác và sinh hoạt đảng",
    "discipline": "Kỷ luật",
    "removal_proposed": "Đề nghị xóa tên",
    "removed": "Xóa tên",
    "expelled": "Khai trừ",
    "left_other": "Ra khỏi Đảng (lý do khác)",
    "lost_contact": "Mất liên lạc",
    "contact_restored": "Liên lạc lại",
    "party_age_gap": "Khoảng không tính tuổi đảng",
    "card_issued": "Cấp thẻ đảng viên",
    "card_exchanged": "Đổi thẻ đảng viên",
    "card_lost": "Mất thẻ đảng viên",
    "card_reissued": "Cấp lại thẻ đảng viên",
    "badge": "Trao Huy hiệu Đảng",
    "badge_dismissed": "Không xét Huy hiệu Đảng (có lý do)",
    "seriously_ill": "Ốm đau hiểm nghèo",
    "death": "Từ trần",
}
DISCIPLINE_LABELS = {
    "reprimand": "Khiển trách",
    "warning": "Cảnh cáo",
    "dismissal": "Cách chức",
    "expulsion": "Khai trừ",
}


class _MemoRuleBook(RuleBook):
    """A RuleBook that remembers its answers: a to-do pass asks the same question thousands of times."""

    def __init__(self, rules):
        super().__init__()
        self._memo: dict = {}
        for rule in rules:
            self.add(rule)

    def add(self, rule) -> None:
        super().add(rule)
        if hasattr(self, "_memo"):
            self._memo.clear()

    def rule(self, key: str, on: date):
        found = self._memo.get((key, on))
        if found is None:
            try:
                found = super().rule(key, on)
            except RuleNotFound:
                # A record older than the oldest version we know (a member admitted in 1975): the oldest
                # version is the best knowledge there is; refusing would hide every other item of the list.
                versions = self._by_key.get(key)
                if not versions:
                    raise
                found = versions[0]
            self._memo[(key, on)] = found
        return found


def rules(session: Session) -> RuleBook:
    """Rules in the database, completed by shipped versions of keys it does not know yet."""
    stored = rule_book(session)
    known = set(stored.keys())
    return _MemoRuleBook(stored.all() + [rule for rule in shipped_rules() if rule.key not in known])


def work_calendar(session: Session) -> WorkCalendar:
    days = session.execute(select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.deleted_at.is_(None))).all()
    return WorkCalendar(days_off=[d for d, k in days if k == "day_off"],
                        workdays=[d for d, k in days if k == "workday"])


def set_calendar_day(session: Session, actor, day: date, kind: str, note: str | None = None,
                     source: str | None = None) -> CalendarDay:
    """Declare a day off or a make-up working day (committee announcements), with the notice it
    comes from; correcting a shipped day makes it this unit's (a later program leaves it alone)."""
    actor.require("write")
    if kind not in ("day_off", "workday"):
        raise UserError("Loại ngày chỉ là 'ngày nghỉ' hoặc 'ngày làm bù'.")
    source = (source or "").strip() or None
    row = session.scalars(select(CalendarDay).where(CalendarDay.day == day)).one_or_none()
    if row is None:
        row = CalendarDay(day=day, kind=kind, note=note, source=source, origin_unit=home_code(session))
        session.add(row)
        session.flush()
        audit.record(session, actor, "create", entity="calendar_day", entity_uuid=row.uuid,
                     new=f"{day} {kind}{' (' + source + ')' if source else ''}")
    else:
        row.kind, row.note, row.deleted_at = kind, note, None
        row.source = source or row.source
        row.origin_unit = row.origin_unit or home_code(session)
        audit.record_changes(session, actor, row, entity="calendar_day")
    return row


def home_unit(session: Session) -> Unit:
    return session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()


def home_code(session: Session) -> str:
    return home_unit(session).code


def member_by_uuid(session: Session, uuid: str) -> Member:
    member = session.scalars(select(Member).where(Member.uuid == uuid, Member.deleted_at.is_(None))).one_or_none()
    if member is None:
        raise UserError("Không tìm thấy hồ sơ đảng viên này (có thể đã bị xóa).")
    return member


# Events light rows never need: every member has an admission and most a recognition (two of every
# three events of a committee), and exemptions are read from the member's status. Party-age gaps,
# badges, illness, death, discipline, transfers and cards are kept.
LIGHT_SKIPPED_EVENTS = ("admitted", "official", "ceremony", "exemption", "exemption_end")


def light_members(session: Session, *extra, statuses=None, unit_ids: list[int] | None = None,
                  where: tuple = ()) -> list[SimpleNamespace]:
    """Members as plain objects with their live events, in name order: the columns lists and
    rounds read (plus ``extra`` columns), for thousands of members at once — loading 50,000 full
    records and their events through the ORM takes ten times as long. Events of the kinds in
    ``LIGHT_SKIPPED_EVENTS`` are not read (none of the lists looks at them). ``where``: conditions
    on ``Member`` chosen in the database (the members a round can concern), events read for those only."""
    conditions = [Member.deleted_at.is_(None), *where]
    if statuses is not None:
        conditions.append(Member.status.in_(list(statuses)))
    if unit_ids is not None:
        conditions.append(Member.unit_id.in_(unit_ids))
    query = (select(Member.id, Member.uuid, Member.full_name, Member.name_sort, Member.status, Member.decision_date,
                    Member.ceremony_date, Member.deleted_at, *extra)
             .where(*conditions).order_by(Member.name_sort, Member.id))
    result = session.execute(query)
    keys = list(result.keys())
    people = [SimpleNamespace(**dict(zip(keys, row)), events=[]) for row in result]
    by_id = {person.id: person for person in people}
    for row in session.execute(
        select(MemberEvent.member_id, MemberEvent.kind, MemberEvent.event_date, MemberEvent.end_date,
               MemberEvent.detail, MemberEvent.deleted_at)
        .where(MemberEvent.deleted_at.is_(None), MemberEvent.kind.not_in(LIGHT_SKIPPED_EVENTS),
               *((MemberEvent.member_id.in_(select(Member.id).where(*conditions)),) if where else ()))
        .order_by(MemberEvent.event_date, MemberEvent.id)):
        person = by_id.get(row.member_id)
        if person is not None:
            person.events.append(row)
    return people


def live_events(member: Member) -> list[MemberEvent]:
    return [e for e in member.events if e.deleted_at is None]


def member_gaps(member: Member, events: list[MemberEvent] | None = None) -> list[Gap]:
    """``events``: the member's live events when the caller has them already (lists of thousands)."""
    return gaps_from_events((e.kind, e.event_date, e.end_date) for e in (live_events(member) if events is None else events))


def member_party_age(member: Member, on: date) -> int:
    return party_age_months(member.decision_date, on, member_gaps(member))


def event_detail(event: MemberEvent) -> dict[str, Any]:
    if not event.detail:
        return {}
    try:
        value = json.loads(event.detail)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def add_event(session: Session, actor, member: Member, kind: str, day: date, *, end_date: date | None = None,
              decision_number: str | None = None, issuer: str | None = None, detail: dict | None = None,
              note: str | None = None) -> MemberEvent:
    actor.require("write")
    if kind not in EVENT_LABELS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = MemberEvent(member_id=member.id, kind=kind, event_date=day, end_date=end_date,
                        decision_number=decision_number or None, issuer=issuer or None,
                        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
                        note=note or None, origin_unit=member.origin_unit or home_code(session))
    session.add(event)
    member.events.append(event)
    session.flush()
    audit.record(session, actor, "create", entity="member_event", entity_uuid=event.uuid,
                 detail={"member": member.uuid, "kind": kind, "date": day.isoformat()})
    return event


def set_status(session: Session, actor, member: Member, status: str) -> None:
    actor.require("write")
    if member.status != status:
        audit.record(session, actor, "update", entity="member", entity_uuid=member.uuid, field="status",
                     old=member.status, new=status)
        member.status = status


def require_date(value: date | None, what: str) -> date:
    if value is None:
        raise UserError(f"Cần nhập {what}.")
    return value
