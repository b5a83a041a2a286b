"""A list's total and signature never stand alone on the last page (issue 14, seen on the 50,000 committee:
4-HHĐ's page 23 held only "Tổng số: 691 đồng chí." and the signature).

The last two rows of the list keep with the total, the total with the signature (render.keep_table_tail).
With 28 or 45 members of the sample, LibreOffice 7.4 put the total and the signature alone on page 3 or 4
before the change; the PDF test checks that the last page now carries the last two members too.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from docx_reading import list_rows
from handbook_desktop.services import forms
from handbook_desktop.services.forms.export import find_soffice, pdf_pages
from handbook_desktop.services.forms.samples import sample_context, sample_member

LIST_FORMS = ("DS-ĐV", "4-HHĐ", "1-TĐV")


def _context(code: str, count: int) -> dict:
    context = sample_context(code)
    template = context["members"][0]
    context["members"] = [
        dict(template, **sample_member(full_name=f"Nguyễn Văn Thành {i + 1}", position="member", position_label="",
                                       date_of_birth=date(1960, 1, 1 + i % 28), group_heading=""))
        for i in range(count)]
    return context


def _keeps(paragraph) -> bool:
    return paragraph._p.find(qn("w:pPr") + "/" + qn("w:keepNext")) is not None


@pytest.mark.parametrize("code", LIST_FORMS)
def test_the_last_rows_keep_with_the_total_and_the_signature(tmp_path, code):
    out = forms.render_form(code, _context(code, 28), tmp_path / "list.docx")
    document = Document(str(out))
    rows = list_rows(document)
    names = [row.cells[1].text.strip() for row in rows[1:]]
    assert names == [f"Nguyễn Văn Thành {i + 1}" for i in range(28)]  # every member once, in order
    *_, body_list, tail, signature = document.tables
    assert len(tail.rows) == 2 and len(body_list.rows) == 27  # heading row + 26, then the last two
    assert all(_keeps(p) for row in tail.rows for cell in row.cells for p in cell.paragraphs)
    assert not any(_keeps(p) for row in body_list.rows[1:] for cell in row.cells for p in cell.paragraphs)
    # the tail repeats no heading row (it would print mid-page) and keeps the list's column widths
    assert tail.rows[0]._tr.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is None
    widths = lambda table: [c.get(qn("w:w")) for c in table._tbl.find(qn("w:tblGrid"))]  # noqa: E731
    assert widths(tail) == widths(body_list)
    between = tail._tbl.getprevious()
    assert between.tag == qn("w:p") and between.find(qn("w:pPr") + "/" + qn("w:keepNext")) is not None
    total = [p for p in document.paragraphs if p.text.startswith("Tổng số")]
    assert [p.text for p in total] == ["Tổng số: 28 đồng chí."] and _keeps(total[0])
    assert all(_keeps(p) for cell in signature.rows[0].cells for p in cell.paragraphs)


def test_a_short_list_moves_whole_with_its_total(tmp_path):
    out = forms.render_form("1-TĐV", _context("1-TĐV", 1), tmp_path / "the.docx")
    document = Document(str(out))
    assert len(document.tables) == 3  # header, the list (heading + one row), signature: nothing split
    assert all(_keeps(p) for row in document.tables[1].rows for cell in row.cells for p in cell.paragraphs)


@pytest.mark.slow
@pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or pdftotext is not installed")
@pytest.mark.parametrize("count", [28, 45])
def test_the_pdf_last_page_has_the_last_members_the_total_and_the_signer(tmp_path, count):
    import subprocess

    out = forms.render_form("DS-ĐV", _context("DS-ĐV", count), tmp_path / "ds.docx")
    pdf = forms.export_pdf(out)
    pages = pdf_pages(pdf)
    assert pages >= 3
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Nguyễn Văn Thành {count - 1}" in last and f"Nguyễn Văn Thành {count}" in last
    assert f"Tổng số: {count} đồng chí." in last
    assert sample_context("DS-ĐV")["signer"]["name"] in last
