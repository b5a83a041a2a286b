"""Member events recorded by hand or by a script: leaving the Party and re-admission (issue 15 §2),
and any other dated event of the history, through one place for the window, the command line and
the Excel import.

A member who left the Party (removed, expelled, or otherwise) and was re-admitted keeps the first
decision date; the time outside is a gap that party age, badge dates and the 50-year dues exemption
leave out (DOMAIN.md §6, ``domain.party_age``). Recording a past departure together with its
re-admission does not change the member's present state; a re-admission recorded now makes the
member probationary again from the new ceremony (Điều lệ Đảng điều 5: re-admitted members serve
probation).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.party_age import GAP_END_KINDS, GAP_START_KINDS
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.common import (
    EVENT_LABELS, add_event, event_detail, live_events, member_by_uuid, member_party_age, set_status,
)

# How a member left the Party, as the secretary reads it.
DEPARTURE_KINDS = {
    "removed": "Xóa tên",
    "expelled": "Khai trừ",
    "left_other": "Ra khỏi Đảng (lý do khác)",
}
_GONE_NOW = {"removed": MemberStatus.REMOVED.value, "expelled": MemberStatus.EXPELLED.value,
             "left_other": MemberStatus.REMOVED.value}


def _departure_kind(kind: str) -> str:
    if kind not in DEPARTURE_KINDS:
        names = ", ".join(f"'{k}' ({v.lower()})" for k, v in DEPARTURE_KINDS.items())
        raise UserError(f"Cách ra khỏi Đảng '{kind}' không có: chọn một trong {names}.")
    return kind


def _open_departure(member) -> date | None:
    """The day of a departure not yet closed by a re-admission (None: the member is inside)."""
    open_day = None
    for event in sorted(live_events(member), key=lambda e: e.event_date):
        if event.kind in GAP_START_KINDS and event.kind != "lost_contact":
            open_day = open_day or event.event_date
        elif event.kind in GAP_END_KINDS and event.kind != "contact_restored":
            open_day = None
    return open_day


def record_past_gap(session: Session, actor, member_uuid: str, *, left_on: date, kind: str = "removed",
                    left_decision: str | None = None, readmitted_on: date,
                    readmitted_decision: str | None = None, note: str | None = None) -> tuple:
    """A departure and its re-admission from the member's past; the present state is unchanged."""
    actor.require("write")
    kind = _departure_kind(kind)
    member = member_by_uuid(session, member_uuid)
    if member.decision_date is None:
        raise UserError("Hồ sơ chưa có ngày quyết định kết nạp lần đầu: hãy nhập ngày đó trước khi ghi khoảng "
                        "ra khỏi Đảng.")
    if not member.decision_date < left_on < readmitted_on:
        raise UserError(f"Ngày ra khỏi Đảng phải sau ngày kết nạp lần đầu ({format_date(member.decision_date)}) "
                        "và trước ngày kết nạp lại.")
    for event in live_events(member):
        if event.kind in GAP_START_KINDS | GAP_END_KINDS and left_on <= event.event_date <= readmitted_on:
            raise UserError(f"Hồ sơ đã có '{EVENT_LABELS[event.kind]}' ngày {format_date(event.event_date)} trong "
                            "khoảng này: hãy sửa sự kiện đó thay vì ghi thêm.")
    left = add_event(session, actor, member, kind, left_on, decision_number=left_decision, note=note,
                     detail={"past": True})
    back = add_event(session, actor, member, "readmitted", readmitted_on, decision_number=readmitted_decision)
    return left, back


def record_departure(session: Session, actor, member_uuid: str, *, day: date, kind: str = "removed",
                     decision_number: str | None = None, note: str | None = None):
    """The member leaves the Party now: removed, expelled or otherwise; the state follows."""
    actor.require("write")
    kind = _departure_kind(kind)
    member = member_by_uuid(session, member_uuid)
    if _open_departure(member) is not None or member.status in _GONE_NOW.values():
        raise UserError("Đảng viên này đã ra khỏi Đảng; không ghi thêm lần nữa.")
    event = add_event(session, actor, member, kind, day, decision_number=decision_number, note=note)
    set_status(session, actor, member, _GONE_NOW[kind])
    return event


def readmit(session: Session, actor, member_uuid: str, *, day: date, decision_number: str | None = None,
            ceremony_date: date | None = None):
    """Re-admission now (allowed once): party age counts again from ``day``; probation from the ceremony."""
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    left = _open_departure(member)
    if left is None:
        raise UserError("Hồ sơ không có lần ra khỏi Đảng nào chưa kết nạp lại: hãy ghi ngày ra khỏi Đảng trước.")
    if day <= left:
        raise UserError(f"Ngày kết nạp lại phải sau ngày ra khỏi Đảng ({format_date(left)}).")
    if any(e.kind == "readmitted" for e in live_events(member)):
        raise UserError("Đảng viên này đã được kết nạp lại một lần; Điều lệ chỉ cho kết nạp lại một lần.")
    event = add_event(session, actor, member, "readmitted", day, decision_number=decision_number)
    member.ceremony_date = ceremony_date or day
    set_status(session, actor, member, MemberStatus.PROBATIONARY.value)
    return event


def add_member_event(session: Session, actor, member_uuid: str, *, kind: str, day: date,
                     end_date: date | None = None, decision_number: str | None = None,
                     note: str | None = None, detail: dict | None = None):
    """Any other event of the history (a script's or a test's way in); departures go above."""
    if kind in DEPARTURE_KINDS or kind == "readmitted":
        raise UserError("Ra khỏi Đảng và kết nạp lại được ghi bằng lệnh riêng (events leave / events readmit "
                        "hoặc events gap), để trạng thái và tuổi đảng đi theo.")
    if kind not in EVENT_LABELS:
        raise UserError(f"Loại sự kiện '{kind}' không có; xem danh sách bằng 'events kinds'.")
    if end_date is not None and end_date < day:
        raise UserError("Ngày kết thúc phải sau ngày bắt đầu.")
    member = member_by_uuid(session, member_uuid)
    return add_event(session, actor, member, kind, day, end_date=end_date, decision_number=decision_number,
                     note=note, detail=detail)


def event_json(event) -> dict:
    return {"uuid": event.uuid, "kind": event.kind, "label": EVENT_LABELS.get(event.kind, event.kind),
            "date": event.event_date, "end_date": event.end_date, "decision_number": event.decision_number,
            "note": event.note, "detail": event_detail(event)}


def member_events(session: Session, member_uuid: str, on: date | None = None) -> dict:
    member = member_by_uuid(session, member_uuid)
    on = on or date.today()
    return {"member_uuid": member.uuid, "full_name": member.full_name, "status": member.status,
            "decision_date": member.decision_date,
            "party_age_months": member_party_age(member, on) if member.decision_date else None,
            "events": [event_json(e) for e in sorted(live_events(member), key=lambda e: (e.event_date, e.id or 0))]}
