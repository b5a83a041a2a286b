"""The documents of each procedure, filled from the records through the forms engine.

``procedure_document`` builds the context of ``forms.samples`` for a real member, case or round,
takes the document number when the form is numbered (the same document keeps its number), and
renders the .docx. Parts a person writes (strengths, self-review…) are left blank to be typed in Word.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain import probation
from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.admission import case_for_member, vote_passes
from handbook_desktop.services.procedures.common import (
    event_detail, home_unit, live_events, member_by_uuid, member_party_age, rules,
)
from handbook_desktop.store.models import Member

# Forms per procedure (what the pages offer one click away).
MEMBER_FORMS = {
    "6-KNĐ": "Nghị quyết đề nghị kết nạp",
    "10-KNĐ": "Bản tự kiểm điểm của đảng viên dự bị",
    "11-KNĐ": "Bản nhận xét của đảng viên giúp đỡ",
    "12-KNĐ": "Tổng hợp ý kiến nhận xét",
    "13-KNĐ": "Nghị quyết đề nghị công nhận chính thức",
    "NQ-XT": "Nghị quyết đề nghị xóa tên",
    "NQ-MCT": "Nghị quyết miễn công tác và sinh hoạt đảng",
    "1-SHĐ": "Giấy giới thiệu sinh hoạt đảng chính thức",
    "2-SHĐ": "Giấy giới thiệu sinh hoạt đảng tạm thời",
}
LIST_FORMS = {"4-HHĐ": "Danh sách đề nghị tặng Huy hiệu Đảng", "1-TĐV": "Danh sách đề nghị cấp lại thẻ"}


BLANK = "……"  # a number the branch writes by hand after the vote


def threshold_label(book, kind: str, on: date) -> str:
    """"Từ 2/3 trở lên", "Quá 1/2": the threshold in force, as the minutes write it."""
    value = book.value(f"vote.threshold.{kind}", on)
    numerator, denominator = value["fraction"]
    return f"Quá {numerator}/{denominator}" if value["strictly_more"] else f"Từ {numerator}/{denominator} trở lên"


def _vote(kind: str, kind_label: str | None, book, on: date, votes_for: int | None, denominator: int | None) -> dict:
    kind_label = kind_label or threshold_label(book, kind, on)
    if not denominator:
        return {"subject": "", "kind_label": kind_label, "method_label": "Giơ thẻ đảng viên", "votes_for": BLANK,
                "votes_against": BLANK, "abstain": BLANK, "denominator": BLANK, "required": BLANK, "passed": False}
    votes_for = votes_for or 0
    passed, needed = vote_passes(book, kind, on, votes_for, denominator)
    return {"subject": "", "kind_label": kind_label, "method_label": "Giơ thẻ đảng viên", "votes_for": votes_for,
            "votes_against": max(0, denominator - votes_for) if denominator else 0, "abstain": 0,
            "denominator": denominator, "required": needed, "passed": passed}


def meeting_vote(session: Session, kinds: tuple[str, ...], *, member: Member | None = None,
                 meeting_uuid: str | None = None, since: date | None = None):
    """The latest vote of these kinds recorded in a held meeting (about ``member``, or in ``meeting_uuid``).

    Admission, recognition, discipline and removal resolutions print the vote, its denominator and
    the attendance of that meeting's roll call: nothing typed (issue 14, point 4)."""
    from handbook_desktop.store.models.meetings import Meeting, Vote

    query = (select(Vote).join(Meeting, Meeting.id == Vote.meeting_id)
             .where(Vote.kind.in_(kinds), Vote.deleted_at.is_(None), Meeting.deleted_at.is_(None),
                    Meeting.state != "planned"))
    if meeting_uuid is not None:
        query = query.where(Meeting.uuid == meeting_uuid)
        if member is not None:
            query = query.where((Vote.subject_member_id == member.id) | Vote.subject_member_id.is_(None))
    elif member is not None:
        query = query.where(Vote.subject_member_id == member.id)
    else:
        return None
    if since is not None:
        query = query.where(Meeting.meeting_date >= since)
    return session.scalars(query.order_by(Meeting.meeting_date.desc(), Vote.position.desc())).first()


def _case(session, vote, book, **extra) -> dict:
    """``case`` of a branch resolution from a meeting's vote; blanks (refused at print) without one."""
    if vote is None:
        case = {"meeting_date": None, "official_total": BLANK, "present_official": BLANK, "absent_official": BLANK,
                "denominator": BLANK, "vote": _vote("resolution", None, book, date.today(), None, None)}
    else:
        from handbook_desktop.services.meetings.queries import meeting_detail

        meeting = vote.meeting
        block = meeting_detail(session, meeting.uuid).block  # the roll call the window shows
        case = {"meeting_date": meeting.meeting_date, "official_total": block.official,
                "present_official": block.present_official, "absent_official": block.official - block.present_official,
                "denominator": vote.denominator,
                "vote": {"subject": vote.subject, "kind_label": threshold_label(book, vote.kind, meeting.meeting_date),
                         "method_label": "Giơ thẻ đảng viên", "votes_for": vote.votes_for,
                         "votes_against": vote.votes_against, "abstain": vote.abstain,
                         "denominator": vote.denominator, "required": vote.required, "passed": vote.passed}}
    case.update({"strengths": "", "weaknesses": "", "reason": ""})
    case.update(extra)
    return case


def _latest(member: Member, kind: str):
    found = [e for e in live_events(member) if e.kind == kind]
    return found[-1] if found else None


def member_form_context(session: Session, code: str, member: Member, on: date) -> dict:
    from handbook_desktop.services.forms import find_form, member_context
    from handbook_desktop.services.forms.context import with_display_name

    book = rules(session)
    person = with_display_name(session, member, member_context(member, on),
                               across_tree=find_form(code).scope == "committee")
    person["party_age_years"] = member_party_age(member, on) // 12 if member.decision_date else ""
    context: dict = {"member": person}
    if code == "6-KNĐ":
        case = case_for_member(session, member)
        if case is None or case.considered_on is None:
            raise UserError("Chưa ghi ngày chi bộ xét và kết quả biểu quyết đề nghị kết nạp.")
        vote = meeting_vote(session, ("admission",), member=member, meeting_uuid=case.meeting_uuid) \
            if case.meeting_uuid else None
        context["case"] = _case(session, vote, book)
    elif code in ("10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ"):
        if member.ceremony_date is None:
            raise UserError("Chưa có ngày lễ kết nạp để tính thời gian dự bị.")
        start, end = member.ceremony_date, probation.probation_end(book, member.ceremony_date)
        context["review"] = {"probation_start": start, "probation_end": end, "political": "", "ethics": "",
                             "tasks": "", "relations": "", "strengths": "", "weaknesses": "", "direction": "",
                             "branch_opinion": ""}
        context["helper"] = {"name": member.introducer_1 or "", "position": ""}
        context["assessment"] = {"strengths": "", "weaknesses": "", "conclusion": ""}
        context["opinions"] = []
        context["summary"] = ""
        # the meeting's day, not the day of printing (13-KNĐ printed the issue date as the meeting date)
        context["case"] = _case(session, meeting_vote(session, ("official_recognition",), member=member, since=start),
                                book, probation_start=start, probation_end=end)
    elif code == "NQ-XT":
        proposal = _latest(member, "removal_proposed")
        if proposal is None:
            raise UserError(f"Đồng chí {member.full_name} chưa có đề nghị xóa tên: chưa lập được nghị quyết "
                            "(và không cấp số).")
        vote = meeting_vote(session, ("resolution", "expulsion", "discipline"), member=member,
                            since=proposal.event_date)
        context["case"] = _case(session, vote, book, reason=proposal.note or "")
    elif code == "NQ-MCT":
        exemption = _latest(member, "exemption")
        vote = meeting_vote(session, ("resolution",), member=member,
                            since=exemption.event_date if exemption else None)
        context["case"] = _case(session, vote, book,
                                reason=(exemption.note if exemption and exemption.note else ""),
                                exemption_from=exemption.event_date if exemption else on,
                                application_date=exemption.event_date if exemption else on)
        if vote is None:  # an exemption is decided on the member's request; the day is the request's
            context["case"]["meeting_date"] = exemption.event_date if exemption else on
    elif code in ("1-SHĐ", "2-SHĐ"):
        kind = "transfer_out_official" if code == "1-SHĐ" else "transfer_out_temporary"
        event = _latest(member, kind)
        if event is None:
            raise UserError("Chưa ghi việc chuyển sinh hoạt của đảng viên này.")
        detail = event_detail(event)
        # "Là đảng viên: chính thức / dự bị" — what the member is, not "đã chuyển sinh hoạt đi"
        person["status_label"] = (MemberStatus.OFFICIAL if member.official_date else MemberStatus.PROBATIONARY).label
        from handbook_desktop.services.procedures.dues import paid_through

        # the ledger's figure when the member has dues lines (the month typed at the transfer is only
        # a fallback for a branch that keeps no dues book here): a letter must not say more was paid
        in_ledger, through = paid_through(session, member.id)
        if in_ledger:
            paid_text = f"tháng {through:%m/%Y}" if through else "chưa đóng tháng nào (theo sổ đảng phí)"
        else:
            typed = detail.get("dues_paid_to")
            paid_text = f"tháng {date.fromisoformat(typed):%m/%Y}" if typed else ""
        destination = detail.get("destination", "")
        reason = event.note or ("Đi học tập" if detail.get("study") else "")
        context["transfer"] = {
            "from_branch": member.unit.name, "to_body": destination, "to_branch": "",
            "standing": "chính thức" if member.official_date else "dự bị",
            "reason": reason, "dues_paid_to": paid_text,
            "present_within_days": int(book.value("transfer.official.present_within_working_days", event.event_date)),
            "valid_from": event.event_date if code == "2-SHĐ" else None,
            "valid_until": event.end_date if code == "2-SHĐ" else None, "register_number": ""}
        # the letter goes to the receiving committee and the branch the member leaves, not "để báo cáo"
        context["recipients"] = [f"{destination} (cấp ủy nơi đến)," if destination else "Cấp ủy nơi đến,",
                                 f"{member.unit.name},",
                                 "Lưu chi bộ." if home_unit(session).level == "chi-bo" else "Lưu văn phòng."]
    else:
        raise UserError(f"Mẫu {code} không thuộc nghiệp vụ đảng viên.")
    return context


def list_form_context(session: Session, code: str, on: date, award_day: date | None = None) -> dict:
    from handbook_desktop.services.forms import member_context
    from handbook_desktop.services.procedures import badges
    from handbook_desktop.services.procedures.status import CARD_HOLDER_STATES, lost_cards

    if code == "4-HHĐ":
        from handbook_desktop.domain.badges import award_dates

        day = award_day or award_dates(rules(session), on, date(on.year + 1, 12, 31))[0]
        found = badges.rounds(session, day, 0).get(day, [])
        members = []
        for member, due in sorted(found, key=lambda p: p[0].name_sort):
            row = member_context(member, day)
            row.update(badge_years=due.years, branch_name=member.unit.name,
                       badge_note="Truy tặng" if due.posthumous else ("Trao sớm" if due.early else ""))
            members.append(row)
        from handbook_desktop.services.forms.context import with_branch_headings

        # at a committee, branch by branch (its rows had no branch at all: who presents whom?)
        members = with_branch_headings(members, home_unit(session).level != "chi-bo")
        if not members:  # an empty list is not issued: no number, nothing to sign
            raise UserError(f"Không có đảng viên nào đến mốc Huy hiệu Đảng trong đợt {format_date(day)}: "
                            "chưa lập danh sách (và không cấp số).")
        return {"occasion": f"đợt {format_date(day)}", "members": members}
    if code == "1-TĐV":
        from handbook_desktop.store.models import MemberEvent

        # only members with a card reported lost are read (at 50,000 every record and its events: 66 s)
        reported = select(MemberEvent.member_id).where(MemberEvent.kind == "card_lost", MemberEvent.deleted_at.is_(None))
        # a card is reissued for a member on the register: not for one who died, left or was removed
        people = session.scalars(select(Member).where(Member.deleted_at.is_(None), Member.id.in_(reported),
                                                      Member.status.in_(CARD_HOLDER_STATES))
                                 .order_by(Member.name_sort)).all()
        rows = []
        for member in people:
            if lost_cards(member):
                row = member_context(member, on)
                row["branch_name"] = member.unit.name
                rows.append(row)
        if not rows:
            raise UserError("Không có đảng viên nào mất hoặc hỏng thẻ đang chờ cấp lại: chưa lập danh sách "
                            "(và không cấp số).")
        return {"members": rows, "purpose": "Đảng viên bị mất thẻ đề nghị cấp lại thẻ đảng viên"}
    raise UserError(f"Mẫu {code} không phải danh sách của nghiệp vụ.")


def procedure_document(session: Session, actor, code: str, out_path: Path, *, member_uuid: str | None = None,
                       on: date | None = None, award_day: date | None = None) -> Path:
    """Render the form of a procedure for a member (or a list); numbered forms take their number."""
    from handbook_desktop.services.forms import base_context, find_form, issue_number, render_form

    actor.require("read")
    on = on or date.today()
    entry = find_form(code)
    concerns = None
    if code in MEMBER_FORMS:
        if not member_uuid:
            raise UserError("Hãy chọn đảng viên trước khi lập văn bản.")
        member = member_by_uuid(session, member_uuid)
        specific = member_form_context(session, code, member, on)
        concerns = member.uuid
    else:
        specific = list_form_context(session, code, on, award_day)
    number, number_text = None, None
    if entry.doc_type and entry.scope != "committee" and actor.can("write"):
        number, number_text = issue_number(session, doc_type=entry.doc_type, concerns_uuid=concerns, issued_on=on,
                                           actor=actor, form_code=code, title=entry.title,
                                           concerns_kind="member" if concerns else "list",
                                           concerns_label=specific.get("member", {}).get("full_name"))
    context = base_context(session, code, issued_on=on, number=number, number_text=number_text)
    context.update(specific)
    return render_form(code, context, out_path)
