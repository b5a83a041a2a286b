"""Meeting documents from a real meeting of the demo branch: the contract with the meetings area."""

from __future__ import annotations

import zipfile

from docx import Document
from sqlalchemy import select

from docx_reading import list_rows
from handbook_desktop.services.forms.build import export_form
from handbook_desktop.services.forms.check import _unknown_variables
from handbook_desktop.services.forms.samples import sample_context


def _held_meeting(db):
    from handbook_desktop.store.models import Meeting

    with db.read() as session:
        meeting = session.scalars(select(Meeting).where(Meeting.deleted_at.is_(None), Meeting.kind == "regular")
                                  .order_by(Meeting.meeting_date.desc())).first()
        return meeting.uuid


def _number(path):
    cell = Document(str(path)).tables[0].rows[0].cells[0]
    return [p.text for p in cell.paragraphs if p.text.startswith("Số ")][0]


def test_minutes_of_a_real_meeting_keep_their_number(demo_db, secretary, tmp_path):
    uuid = _held_meeting(demo_db)
    first = export_form(demo_db, secretary, "BB-SHCB", tmp_path / "a.docx", meeting_uuid=uuid)
    again = export_form(demo_db, secretary, "BB-SHCB", tmp_path / "b.docx", meeting_uuid=uuid)
    assert _number(first) == _number(again) and _number(first).endswith("-BB/CB")
    xml = zipfile.ZipFile(first).read("word/document.xml").decode("utf-8")
    assert "{{" not in xml and "{%" not in xml
    text = "\n".join(p.text for p in Document(str(first)).paragraphs)
    assert "I. THÀNH PHẦN" in text and "Đảng viên phải dự họp:" in text and "Vắng có lý do:" in text


def test_resolution_and_sign_sheet_of_a_real_meeting(demo_db, secretary, tmp_path):
    uuid = _held_meeting(demo_db)
    resolution = export_form(demo_db, secretary, "NQ-CB", tmp_path / "nq.docx", meeting_uuid=uuid)
    assert _number(resolution).endswith("-NQ/CB")
    sheet = export_form(demo_db, secretary, "DS-KY", tmp_path / "ky.docx", meeting_uuid=uuid)
    rows = list_rows(Document(str(sheet)))
    assert len(rows) > 10  # heading + one row per member summoned


def test_real_meeting_context_has_the_sample_keys(demo_db, secretary):
    """Every name the built-in meeting templates use exists in the context the meetings area builds."""
    from handbook_desktop.services import forms
    from handbook_desktop.services.forms.build import build_context
    from handbook_desktop.services.forms.check import _source
    from handbook_desktop.services.forms.render import jinja_env

    uuid = _held_meeting(demo_db)
    for code in ("BB-SHCB", "NQ-CB", "DS-KY"):
        with demo_db.read() as session:
            context = build_context(session, code, actor=secretary, meeting_uuid=uuid, issue=False)
        ast = jinja_env().parse(_source(forms.find_form(code).builtin_path))
        assert _unknown_variables(ast, context) == [], code
        assert set(sample_context(code)["meeting"]) <= set(context["meeting"])
