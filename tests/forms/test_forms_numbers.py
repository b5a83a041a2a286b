"""Document numbers: per issuer and type, 01 again each committee term, kept on re-export, never reused."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from handbook_desktop.services import forms
from handbook_desktop.services.errors import PermissionDenied
from handbook_desktop.store.models import AuditLog, IssuedDocument, Unit


def _issue(db, actor, concerns, on, doc_type="BB"):
    with db.immediate() as session:
        return forms.issue_number(session, issuer=None, doc_type=doc_type, concerns_uuid=concerns, issued_on=on,
                                  actor=actor, form_code="BB-SHCB")


def test_two_minutes_in_one_term_then_a_new_term(db, secretary):
    assert _issue(db, secretary, "meeting-1", date(2026, 1, 8)) == (1, "01-BB/CB")
    assert _issue(db, secretary, "meeting-2", date(2026, 2, 5)) == (2, "02-BB/CB")
    # Another type counts on its own.
    assert _issue(db, secretary, "meeting-1", date(2026, 1, 8), doc_type="NQ") == (1, "01-NQ/CB")
    # Exporting the same minutes again keeps its number.
    assert _issue(db, secretary, "meeting-1", date(2026, 1, 8)) == (1, "01-BB/CB")
    # The congress elects a new committee: the counter restarts at 01.
    with db.immediate() as session:
        session.scalars(select(Unit).where(Unit.is_home.is_(True))).one().term_start = date(2030, 7, 1)
    assert _issue(db, secretary, "meeting-3", date(2030, 8, 6)) == (1, "01-BB/CB")
    # A late document dated in the old term still counts in the old term.
    assert _issue(db, secretary, "meeting-4", date(2030, 5, 6)) == (3, "03-BB/CB")
    with db.read() as session:
        rows = session.scalars(select(IssuedDocument).order_by(IssuedDocument.id)).all()
        assert [(r.number, r.term_start) for r in rows if r.doc_type == "BB"] == [
            (1, date(2025, 7, 1)), (2, date(2025, 7, 1)), (1, date(2030, 7, 1)), (3, date(2025, 7, 1))]
        assert session.scalars(select(AuditLog).where(AuditLog.action == "issue_number")).all()


def test_withdrawn_number_is_never_reused(db, secretary):
    from handbook_desktop.store.base import utcnow

    _issue(db, secretary, "a", date(2026, 1, 8))
    with db.immediate() as session:
        session.scalars(select(IssuedDocument)).one().deleted_at = utcnow()
    assert _issue(db, secretary, "b", date(2026, 1, 9)) == (2, "02-BB/CB")


def test_documents_without_subject_get_new_numbers(db, secretary):
    assert _issue(db, secretary, None, date(2026, 1, 8), doc_type="DS")[0] == 1
    assert _issue(db, secretary, None, date(2026, 1, 8), doc_type="DS")[0] == 2


def test_viewer_cannot_take_a_number(db, viewer):
    with pytest.raises(PermissionDenied):
        _issue(db, viewer, "m", date(2026, 1, 8))
    with db.read() as session:
        assert session.scalars(select(IssuedDocument)).first() is None


def test_export_same_member_document_twice_keeps_number(demo_db, secretary, tmp_path):
    from handbook_desktop.services.forms.build import current_members, export_form

    with demo_db.read() as session:
        member = current_members(session)[0]
        uuid, name = member.uuid, member.full_name
    first = export_form(demo_db, secretary, "NQ-MCT", tmp_path / "a.docx", member_uuid=uuid, on=date(2026, 11, 20))
    second = export_form(demo_db, secretary, "NQ-MCT", tmp_path / "b.docx", member_uuid=uuid, on=date(2026, 11, 21))

    def number(path):
        return [p.text for p in Document(str(path)).tables[0].rows[0].cells[0].paragraphs if p.text.startswith("Số")][0]

    assert number(first) == number(second)
    assert number(first).endswith("-NQ/CB")
    with demo_db.read() as session:
        rows = forms.register(session)
    assert [r["concerns_label"] for r in rows if r["form_code"] == "NQ-MCT"] == [name]


def test_removal_resolution_without_a_proposal_is_refused_and_not_numbered(demo_db, secretary, tmp_path):
    import pytest

    from handbook_desktop.services.errors import UserError
    from handbook_desktop.services.forms.build import current_members, export_form

    with demo_db.read() as session:
        uuid = current_members(session)[0].uuid
        before = len(forms.register(session))
    with pytest.raises(UserError, match="chưa có đề nghị xóa tên"):
        export_form(demo_db, secretary, "NQ-XT", tmp_path / "x.docx", member_uuid=uuid, on=date(2026, 11, 20))
    with demo_db.read() as session:
        assert len(forms.register(session)) == before
    assert not (tmp_path / "x.docx").exists()


def test_demo_register_numbers_finalised_meetings_in_order(demo_db, secretary, tmp_path):
    """The demo's minutes have numbers 01, 02… in date order; exporting one again keeps its number."""
    from handbook_desktop.services.forms.build import export_form

    with demo_db.read() as session:
        rows = [r for r in forms.register(session) if r["doc_type"] == "BB"]
    rows.sort(key=lambda r: (r["issued_on"], r["number"]))
    assert [r["number"] for r in rows] == list(range(1, len(rows) + 1)) and rows
    last = rows[-1]
    out = export_form(demo_db, secretary, last["form_code"], tmp_path / "bb.docx", meeting_uuid=last["concerns_uuid"])
    cell = Document(str(out)).tables[0].rows[0].cells[0]
    assert f"Số {last['number_text']}" in [p.text for p in cell.paragraphs]


def test_viewer_exports_without_a_number(demo_db, viewer, tmp_path):
    from handbook_desktop.services.forms.build import current_members, export_form

    with demo_db.read() as session:
        uuid = current_members(session)[0].uuid
        before = len(forms.register(session))
    out = export_form(demo_db, viewer, "NQ-MCT", tmp_path / "v.docx", member_uuid=uuid, on=date(2026, 11, 20))
    cell = Document(str(out)).tables[0].rows[0].cells[0]
    assert "Số     -NQ/CB" in [p.text for p in cell.paragraphs]
    with demo_db.read() as session:
        assert len(forms.register(session)) == before
