"""The ``meeting`` part of the forms' context (keys of ``services/forms/samples.py``) from a real meeting.

Every number of the attendance block and of each vote comes from the roll call (DOMAIN.md §4: the
attendance block is computed, never typed); what the minutes do not hold is left as dots to be
written by hand, never invented.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.meetings import QUALITY_RATINGS, MeetingKind, MeetingState, RollEntry, attendance_block
from handbook_desktop.domain.states import MemberStatus, PartyPosition
from handbook_desktop.domain.text import fold
from handbook_desktop.domain.votes import VoteKind, VoteMethod
from handbook_desktop.services.meetings.queries import MeetingDetail, meeting_detail
from handbook_desktop.store.models import Member

MEETING_FORMS = {
    "BB-SHCB": "Biên bản sinh hoạt chi bộ thường kỳ",
    "BB-SHCĐ": "Biên bản sinh hoạt chi bộ chuyên đề",
    "NQ-CB": "Nghị quyết chi bộ",
    "DS-KY": "Danh sách đảng viên dự họp (ký tên)",
}
HAND = "……"  # to be written by hand


def forms_for(kind: str) -> list[str]:
    """The documents of a meeting of this kind, in the order the page offers them."""
    minutes = "BB-SHCĐ" if kind == MeetingKind.THEMATIC.value else "BB-SHCB"
    result = [minutes]
    if kind == MeetingKind.COMBINED.value:
        result.append("BB-SHCĐ")
    return result + ["NQ-CB", "DS-KY"]


def _position_label(position: str | None, status: str | None = None) -> str:
    try:
        pos = PartyPosition(position or "member")
    except ValueError:
        return ""
    if pos in (PartyPosition.SECRETARY, PartyPosition.DEPUTY_SECRETARY):
        return f"{pos.label} chi bộ"
    if pos is PartyPosition.MEMBER and status == MemberStatus.PROBATIONARY.value:
        return "Đảng viên dự bị"
    return pos.label


def _person(session: Session, uuid: str | None, name: str | None, names: dict | None = None) -> dict:
    if uuid:
        member = session.scalars(select(Member).where(Member.uuid == uuid)).first()
        if member is not None:
            return {"name": (names or {}).get(uuid, member.full_name),
                    "position": _position_label(member.party_position, member.status)}
    return {"name": name or "", "position": ""}


def display_names(session: Session, unit_id: int | None, uuids) -> dict[str, str]:
    """uuid → the name a document prints: the birth year is added where two people share a name
    (in the branch or on this roll call), so "Võ Văn Minh" the chair and an absent "Võ Văn Minh" differ."""
    wanted = {u for u in uuids if u}
    people = session.scalars(select(Member).where(Member.uuid.in_(wanted))).all() if wanted else []
    everyone = {m.uuid: m.full_name for m in people}
    if unit_id is not None:
        everyone.update(session.execute(select(Member.uuid, Member.full_name).where(
            Member.unit_id == unit_id, Member.deleted_at.is_(None))).all())
    counts: dict[str, int] = {}
    for name in everyone.values():
        counts[fold(name)] = counts.get(fold(name), 0) + 1
    result = {}
    for member in people:
        year = member.date_of_birth.year if member.date_of_birth else None
        shared = counts.get(fold(member.full_name), 0) > 1
        result[member.uuid] = f"{member.full_name} (sinh năm {year})" if shared and year else member.full_name
    return result


def _guest(line: str) -> dict:
    for separator in (" — ", " - ", ", "):
        if separator in line:
            name, position = line.split(separator, 1)
            return {"name": name.strip(), "position": position.strip()}
    return {"name": line.strip(), "position": ""}


def _period(on: date) -> str:
    return f"tháng {on.month} năm {on.year}"


def _lines(*texts: str | None) -> list[str]:
    out = []
    for text in texts:
        for line in (text or "").splitlines():
            line = line.strip().lstrip("-•+ ").strip()
            if line:
                out.append(line)
    return out


def _resolution(d: MeetingDetail) -> dict:
    on = d.summary.meeting_date
    next_month = date(on.year + (on.month == 12), on.month % 12 + 1, 1)
    previous = date(on.year - (on.month == 1), (on.month - 2) % 12 + 1, 1)
    achievements, shortcomings, tasks = [], [], []
    for item in d.agenda:
        title = fold(item.title)
        if "nhiem vu" in title and ("toi" in title or "tiep theo" in title or "phuong huong" in title):
            tasks += _lines(item.conclusion or item.content)
        elif "ket qua" in title and "khai mac" not in title and "bieu quyet" not in title:
            for line in _lines(item.content, item.conclusion):
                folded = fold(line)
                (shortcomings if folded.startswith(("han che", "ton tai", "chua ")) else achievements).append(line)
    if d.block.absent_unexcused:
        shortcomings.append(f"Còn {len(d.block.absent_unexcused):02d} đảng viên vắng sinh hoạt không có lý do.")
    return {
        "period_label": _period(previous),
        "next_period_label": _period(next_month),
        "bases": ["Điều lệ Đảng Cộng sản Việt Nam;",
                  f"Kết quả thảo luận của chi bộ tại kỳ sinh hoạt ngày {on:%d/%m/%Y}."],
        "achievements": achievements,
        "shortcomings": shortcomings,
        "tasks": tasks,
        "implementation": "Chi ủy phân công đảng viên phụ trách từng nhiệm vụ; các đồng chí đảng viên có trách "
                          "nhiệm thực hiện nghị quyết này.",
    }


def _vote_kind_label(kind: str, threshold: str) -> str:
    short = threshold.split(" số ")[0]  # "quá 1/2" / "ít nhất 2/3"
    return f"{VoteKind(kind).label}, cần {short}"


def _still_here(session: Session, d: MeetingDetail) -> set[str]:
    """Members on the roll who are still in a unit (a planned meeting's roll was made in advance)."""
    uuids = [r.member_uuid for r in d.roll]
    rows = session.execute(select(Member.uuid, Member.status, Member.deleted_at).where(Member.uuid.in_(uuids))).all()
    current = {MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value, MemberStatus.EXEMPT.value,
               MemberStatus.VISITING.value, MemberStatus.TEMPORARILY_AWAY.value}
    return {r.uuid for r in rows if r.status in current and r.deleted_at is None}


def meeting_part(session: Session, d: MeetingDetail) -> dict:
    s = d.summary
    kind = s.kind
    held = s.state != MeetingState.PLANNED.value
    speakers = [sp.member_uuid for a in d.agenda for sp in a.speeches]
    names = display_names(session, _unit_id(session, s.uuid),
                          [r.member_uuid for r in d.roll] + [d.chair_uuid, d.recorder_uuid, d.presenter_uuid] + speakers)
    roll = d.roll if held else [r for r in d.roll if r.member_uuid in _still_here(session, d)]
    # The same computation as the window's (domain.meetings.attendance_block), over the names printed.
    b = attendance_block([RollEntry(names.get(r.member_uuid, r.name), r.status, r.attendance, r.reason or "",
                                    r.suspended) for r in roll])
    roster_states = {MemberStatus.OFFICIAL.value, MemberStatus.PROBATIONARY.value, MemberStatus.EXEMPT.value,
                     MemberStatus.VISITING.value}
    minutes_vote = next((v for v in d.votes if "bien ban" in fold(v.subject)), None)
    present_total = b.present_summoned + b.exempt_present + b.present_visiting
    return {
        "uuid": s.uuid,
        "kind": kind,
        "kind_label": {"regular": "thường kỳ", "thematic": "chuyên đề", "combined": "thường kỳ kết hợp chuyên đề",
                       "extraordinary": "bất thường"}[kind],
        "held": held,
        "period_label": _period(s.meeting_date),
        "topic": s.topic or "",
        "presenter": _person(session, d.presenter_uuid, d.presenter_name, names) if d.presenter_uuid
        else {"name": HAND, "position": HAND},
        "date": s.meeting_date,
        "start_time": s.start_time or "",
        "end_time": s.end_time or "",
        "closing_time": s.end_time or "",
        "place": d.place or HAND,
        "chair": _person(session, d.chair_uuid, d.chair_name, names),
        "recorder": _person(session, d.recorder_uuid, d.recorder_name, names),
        "attendance": {
            "total": b.total, "official": b.official, "probationary": b.probationary, "visiting": b.visiting,
            "exempt": b.exempt, "away": b.away, "expected": b.expected,
            "summoned": b.summoned, "present_summoned": b.present_summoned, "exempt_present": b.exempt_present,
            "unmarked": list(b.unmarked),
            "present_total": present_total, "present_official": b.present_official - b.exempt_present,
            "present_probationary": b.present_probationary, "present_visiting": b.present_visiting,
            "present_percent": round(b.summoned_rate * 100, 1) if b.summoned_rate is not None else "",
            "absent_with_reason": [{"name": n, "reason": r} for n, r in b.absent_excused],
            "absent_without_reason": list(b.absent_unexcused),
            "guests": [_guest(g) for g in d.guests],
            "denominator": b.denominator,
        },
        # An agenda heading with nothing written under it is left out, not printed empty.
        "agenda": [
            {"title": a.title, "content": a.content or "",
             "speeches": [{"speaker": f"Đồng chí {names.get(sp.member_uuid, sp.speaker_name)}" if sp.member_uuid
                           else sp.speaker_name, "text": sp.content} for sp in a.speeches],
             "conclusion": a.conclusion or ""}
            for a in d.agenda if (a.content or "").strip() or a.speeches or (a.conclusion or "").strip()
        ],
        "votes": [
            {"subject": v.subject, "kind_label": _vote_kind_label(v.kind, v.threshold),
             "method_label": VoteMethod(v.method).label, "votes_for": v.votes_for,
             "votes_against": v.votes_against, "abstain": v.abstain, "denominator": v.denominator,
             "required": v.required, "passed": v.passed}
            for v in d.votes if v is not minutes_vote
        ],
        "rating_label": QUALITY_RATINGS.get(d.quality_rating or "", ""),
        "rating_note": d.rating_note or (f"Kết quả biểu quyết: {d.rating_votes}." if d.rating_votes else ""),
        "minutes_approval": {
            "votes_for": minutes_vote.votes_for if minutes_vote else HAND,
            "votes_against": minutes_vote.votes_against if minutes_vote else HAND,
            "abstain": minutes_vote.abstain if minutes_vote else HAND,
            "present": present_total,
        },
        "roster": [
            {"name": names.get(r.member_uuid, r.name), "position_label": _position_label(r.position, r.status),
             "status_label": MemberStatus(r.status).label if r.status != MemberStatus.OFFICIAL.value else ""}
            for r in roll if r.status in roster_states
        ],
        "resolution": _resolution(d),
    }


def _unit_id(session: Session, meeting_uuid: str) -> int | None:
    from handbook_desktop.store.models import Meeting

    return session.scalar(select(Meeting.unit_id).where(Meeting.uuid == meeting_uuid))


def meeting_document_context(session: Session, meeting_uuid: str, code: str) -> dict:
    """What the forms engine needs of a meeting for form ``code`` (header, number, signer are theirs)."""
    detail = meeting_detail(session, meeting_uuid)
    return {"meeting": meeting_part(session, detail)}


def export_meeting_document(database, actor, meeting_uuid: str, code: str, out_path: str | Path, *,
                            draft: bool = False) -> Path:
    """Render one document of a meeting through the forms engine (number issued once, kept after).

    ``draft``: a meeting not yet held printed "DỰ THẢO", unnumbered and outside the register."""
    from handbook_desktop.services.forms.build import export_form

    return export_form(database, actor, code, out_path, meeting_uuid=meeting_uuid, draft=draft)
