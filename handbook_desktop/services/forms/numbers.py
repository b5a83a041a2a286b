"""Document numbers (DOMAIN.md §11): a counter per issuer and document type, restarting at 01 each
committee term (from the congress that elects the committee to the next), never per year.

A number is fixed when the document is issued; issuing the same document again (same type, same
thing it concerns) returns the number it already has, and a number is never given twice, even
after the document was withdrawn.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.catalog import issuer_abbreviation
from handbook_desktop.store.models import IssuedDocument, Unit

# Documents dated before any known term, or by a unit without a term start, share this series.
NO_TERM = date(1900, 1, 1)


def _unit(session: Session, issuer) -> Unit:
    if isinstance(issuer, Unit):
        return issuer
    query = select(Unit).where(Unit.is_home.is_(True)) if issuer is None else select(Unit).where(Unit.code == issuer)
    unit = session.scalars(query).first()
    if unit is None:
        raise UserError("Chưa có đơn vị ban hành văn bản: hãy thiết lập đơn vị trước." if issuer is None
                        else f"Không có đơn vị mã '{issuer}'.")
    return unit


def term_of(session: Session, unit: Unit, on: date) -> date:
    """First day of the committee term that ``on`` falls in.

    Known term starts are the unit's current ``term_start`` and every term already used in the
    register, so an old document dated in the previous term keeps counting in that term.
    """
    starts = set(session.scalars(
        select(IssuedDocument.term_start).where(IssuedDocument.issuer_unit == unit.code).distinct()
    ))
    if unit.term_start is not None:
        starts.add(unit.term_start)
    earlier = [start for start in starts if start <= on]
    return max(earlier) if earlier else NO_TERM


def format_number(number: int, doc_type: str, issuer_abbr: str, width: int = 2) -> str:
    return f"{number:0{width}d}-{doc_type}/{issuer_abbr}"


def _width(session: Session, on: date) -> int:
    from handbook_desktop.domain.rules import RuleNotFound
    from handbook_desktop.services.rules import rule_book

    try:
        return int(rule_book(session).value("document.number_width", on))
    except RuleNotFound:
        return 2


def find_issued(session: Session, *, issuer_unit: str, doc_type: str, concerns_uuid: str) -> IssuedDocument | None:
    return session.scalars(
        select(IssuedDocument)
        .where(IssuedDocument.issuer_unit == issuer_unit, IssuedDocument.doc_type == doc_type,
               IssuedDocument.concerns_uuid == concerns_uuid, IssuedDocument.deleted_at.is_(None))
        .order_by(IssuedDocument.id)
    ).first()


def issue_number(session: Session, *, issuer=None, doc_type: str, concerns_uuid: str | None,
                 issued_on: date, actor, form_code: str | None = None, title: str | None = None,
                 concerns_kind: str | None = None, concerns_label: str | None = None) -> tuple[int, str]:
    """Give (or find again) the number of a document; returns ``(5, "05-BB/CB")``.

    ``issuer`` is the issuing unit (its code, the Unit, or None for the home unit). Call inside a
    write transaction (``db.immediate()``), so that two windows never take the same number.
    """
    actor.require("write")
    if not doc_type:
        raise UserError("Văn bản này không đánh số.")
    if issued_on is None:
        raise UserError("Hãy nhập ngày ban hành văn bản trước khi lấy số.")
    unit = _unit(session, issuer)
    if concerns_uuid:
        existing = find_issued(session, issuer_unit=unit.code, doc_type=doc_type, concerns_uuid=concerns_uuid)
        if existing is not None:
            return existing.number, existing.number_text
    abbr = issuer_abbreviation(unit.level)
    term = term_of(session, unit, issued_on)
    # Withdrawn rows count too: a number is never reused.
    last = session.scalar(
        select(func.max(IssuedDocument.number)).where(
            IssuedDocument.issuer_unit == unit.code, IssuedDocument.doc_type == doc_type,
            IssuedDocument.term_start == term)
    ) or 0
    number = last + 1
    text = format_number(number, doc_type, abbr, _width(session, issued_on))
    row = IssuedDocument(
        issuer_unit=unit.code, issuer_abbr=abbr, doc_type=doc_type, term_start=term, number=number,
        number_text=text, issued_on=issued_on, form_code=form_code, title=title,
        concerns_kind=concerns_kind, concerns_uuid=concerns_uuid, concerns_label=concerns_label,
        issued_by=actor.username, origin_unit=unit.code,
    )
    session.add(row)
    session.flush()
    record(session, actor, "issue_number", entity="issued_document", entity_uuid=row.uuid,
           new=text, detail={"form": form_code, "concerns": concerns_uuid, "issued_on": issued_on.isoformat()})
    return number, text


def register(session: Session, *, issuer_unit: str | None = None, include_withdrawn: bool = False) -> list[dict]:
    """The issued documents, newest first, as plain rows for the register page and the CLI."""
    query = select(IssuedDocument)
    if issuer_unit:
        query = query.where(IssuedDocument.issuer_unit == issuer_unit)
    if not include_withdrawn:
        query = query.where(IssuedDocument.deleted_at.is_(None))
    query = query.order_by(IssuedDocument.issued_on.desc(), IssuedDocument.id.desc())
    return [
        {"uuid": row.uuid, "issuer_unit": row.issuer_unit, "number": row.number, "number_text": row.number_text,
         "doc_type": row.doc_type,
         "issued_on": row.issued_on, "term_start": None if row.term_start == NO_TERM else row.term_start,
         "form_code": row.form_code, "title": row.title, "concerns_kind": row.concerns_kind,
         "concerns_uuid": row.concerns_uuid, "concerns_label": row.concerns_label, "issued_by": row.issued_by,
         "withdrawn": row.deleted_at is not None}
        for row in session.scalars(query)
    ]
