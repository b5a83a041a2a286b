"""A real context for a form from the database, and the one-call export used by the CLI and the page.

Each area builds the part it knows (meetings: ``meeting``; procedures: ``case``, ``review``,
``transfer``…); this module adds the §11 header, the number and the signer, and renders.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.states import HEADCOUNT_STATES
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.catalog import FormEntry, find_form
from handbook_desktop.services.forms.context import base_context, home_unit, member_context, with_branch_headings
from handbook_desktop.services.forms.numbers import issue_number
from handbook_desktop.services.forms.render import margins_mm, render_form
from handbook_desktop.store.models import Member


def _member(session: Session, uuid: str | None) -> Member:
    if not uuid:
        raise UserError("Hãy chọn một đảng viên cho biểu mẫu này (--member UUID).")
    member = session.scalars(select(Member).where(Member.uuid == uuid, Member.deleted_at.is_(None))).first()
    if member is None:
        raise UserError(f"Không có đảng viên mã {uuid}.")
    return member


def current_members(session: Session, uuids: list[str] | None = None) -> list[Member]:
    """Members in the headcount, in Vietnamese name order (or the given ones): a branch's own, or at a
    committee those of every branch it holds (its own unit has no members: "Tổng số: 0" before)."""
    return list(session.scalars(_current_query(session, select(Member), uuids)))


def current_member_rows(session: Session) -> list[tuple]:
    """The same members as ``current_members`` as plain rows (uuid, full name, status, unit id): a picker
    of a committee's 50,000 names, without an ORM object for each (issue 18 §6)."""
    columns = select(Member.uuid, Member.full_name, Member.status, Member.unit_id)
    return [tuple(row) for row in session.execute(_current_query(session, columns, None))]


def _current_query(session: Session, query, uuids: list[str] | None):
    query = query.where(Member.deleted_at.is_(None))
    if uuids is not None:
        query = query.where(Member.uuid.in_(uuids))
    else:
        unit = home_unit(session)
        states = [getattr(state, "value", state) for state in HEADCOUNT_STATES]
        query = query.where(Member.status.in_(states))
        if unit.level == "chi-bo":
            query = query.where(Member.unit_id == unit.id)
    return query.order_by(Member.name_sort)


def _procedure_forms() -> tuple[set, object, object]:
    try:
        from handbook_desktop.services.procedures import documents
    except ImportError:
        return set(), None, None
    return set(getattr(documents, "MEMBER_FORMS", ())), documents.member_form_context, documents.list_form_context


def _meeting_part(session: Session, entry: FormEntry, meeting_uuid: str | None) -> tuple[dict, date | None]:
    if not meeting_uuid:
        raise UserError("Hãy chọn một cuộc họp cho biểu mẫu này (--meeting UUID).")
    missing = UserError("Phần Sinh hoạt chi bộ chưa có trong bản này nên chưa lập được văn bản cuộc họp.")
    try:
        from handbook_desktop.services.meetings import meeting_document_context
    except ImportError:
        raise missing from None
    try:
        part = meeting_document_context(session, meeting_uuid, entry.code)
    except ModuleNotFoundError as error:
        if (error.name or "").startswith("handbook_desktop.services.meetings"):
            raise missing from None
        raise
    meeting = part.get("meeting", {})
    return part, meeting.get("date")


def monthly_report_part(session: Session, on: date) -> dict:
    """BC-THÁNG: the month before ``on``, every figure from the report functions (issue 17 §3:
    the headcount is the membership report's, the meetings the activity report's…); the narrative
    parts are typed in Word."""
    from handbook_desktop.services.reports.monthly import monthly_sections, report_month

    start, end = report_month(on)
    return {"report": monthly_sections(session, start, end)}


def _meeting_unit(session: Session, meeting_uuid: str | None):
    """The branch that held the meeting, when it is not the home unit (a committee browsing it)."""
    from handbook_desktop.store.models.meetings import Meeting

    meeting = session.scalars(select(Meeting).where(Meeting.uuid == meeting_uuid)).first() if meeting_uuid else None
    if meeting is None or meeting.unit is None or meeting.unit.is_home:
        return None
    return meeting.unit


def _meeting_state(session: Session, meeting_uuid: str | None) -> str | None:
    from handbook_desktop.store.models.meetings import Meeting

    return session.scalar(select(Meeting.state).where(Meeting.uuid == meeting_uuid)) if meeting_uuid else None


def build_context(session: Session, code: str, *, actor, member_uuid: str | None = None,
                  meeting_uuid: str | None = None, member_uuids: list[str] | None = None,
                  on: date | None = None, issue: bool = True, deputy: bool = False, draft: bool = False) -> dict:
    """The full context of form ``code``; numbered forms take (or find again) their number.

    A meeting not yet held has no minutes and no resolution: refused, or with ``draft`` printed
    "DỰ THẢO" without a number (outside the register). Its sign sheet is printed beforehand as usual.
    """
    actor.require("read")
    entry = find_form(code)
    on = on or date.today()
    member_forms, member_part, list_part = _procedure_forms()
    concerns_uuid, concerns_label = None, None
    issuing_unit = None  # None: the home unit issues the document
    if entry.subject == "meeting":
        if entry.doc_type and _meeting_state(session, meeting_uuid) == "planned":
            if not draft:
                raise UserError(f"Cuộc họp chưa diễn ra nên chưa có {entry.title.lower()} và chưa cấp số. "
                                "Có thể in bản dự thảo (không số, có chữ DỰ THẢO).")
            issue = False
        else:
            draft = False
        issuing_unit = _meeting_unit(session, meeting_uuid)
        specific, meeting_day = _meeting_part(session, entry, meeting_uuid)
        on = meeting_day or on
        concerns_uuid = meeting_uuid
        concerns_label = f"Cuộc họp {specific.get('meeting', {}).get('period_label', '')}".strip()
    elif entry.subject == "member":
        member = _member(session, member_uuid)
        # At a committee a branch's resolution about its member carries the branch's header and signer.
        if entry.scope == "branch" and member.unit is not None and not member.unit.is_home \
                and home_unit(session).level != "chi-bo":
            issuing_unit = member.unit
        if entry.code in member_forms:
            specific = member_part(session, entry.code, member, on)
        else:
            from handbook_desktop.services.forms.context import with_display_name

            specific = {"member": with_display_name(session, member, member_context(member, on),
                                                    across_tree=entry.scope == "committee")}
        concerns_uuid, concerns_label = member.uuid, member.full_name
    elif entry.subject == "list" and entry.code != "DS-ĐV" and list_part is not None and member_uuids is None:
        specific = list_part(session, entry.code, on)
    elif entry.subject == "list":
        rows = []
        for person in current_members(session, member_uuids):
            row = member_context(person, on)
            row["branch_name"] = person.unit.name if person.unit else ""
            rows.append(row)
        # a committee's list goes branch by branch, each under its heading with its count
        rows = with_branch_headings(rows, home_unit(session).level != "chi-bo")
        specific = {"members": rows, "filter_label": "Đảng viên đang sinh hoạt" if member_uuids is None
                    else "Theo danh sách đang lọc"}
    else:
        specific = monthly_report_part(session, on)
        concerns_uuid = f"report-{on:%Y-%m}"
    number = number_text = None
    committee = home_unit(session).level != "chi-bo"
    # A branch's minutes printed at the committee carry the branch's header; their number belongs to
    # the branch's own register, so the committee leaves the number line to be filled there.
    # The committee numbers what it issues itself (its list, its report, its letters); a branch never
    # numbers a committee's letter (it prepares the proposal, the committee issues it).
    if issue and entry.doc_type and actor.can("write") and (committee or entry.scope != "committee") \
            and issuing_unit is None:
        number, number_text = issue_number(
            session, doc_type=entry.doc_type, concerns_uuid=concerns_uuid, issued_on=on, actor=actor,
            form_code=entry.code, title=entry.title, concerns_kind=entry.subject, concerns_label=concerns_label)
    context = base_context(session, entry.code, issued_on=on, number=number, number_text=number_text, deputy=deputy,
                           unit=issuing_unit)
    context["doc"]["draft"] = bool(draft)
    # The header, the number and the signer are this module's; an area's part may add recipients.
    context.update({key: value for key, value in specific.items() if key not in ("unit", "doc", "signer")})
    return context


def export_form(database, actor, code: str, out_path, **options) -> Path:
    """Build the context in one write transaction (the number is kept only if the file is written).

    Someone who may not write (a viewer, a database opened read-only) still gets the document, with
    the number line left blank to be filled by hand.
    """
    entry = find_form(code)
    numbered = entry.doc_type and actor.can("write") and not database.readonly and options.get("issue", True)
    if not numbered:
        options["issue"] = False
        with database.read() as session:
            context = build_context(session, code, actor=actor, **options)
            margins = margins_mm(session, context["doc"]["date"])
        return render_form(code, context, Path(out_path), margins=margins)
    with database.immediate() as session:
        context = build_context(session, code, actor=actor, **options)
        margins = margins_mm(session, context["doc"]["date"])
        return render_form(code, context, Path(out_path), margins=margins)
