"""Reports out: Excel with plain values and native charts, Word in the Party layout with the charts
as pictures, the command line's JSON — each read back and checked against the report's figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from openpyxl import load_workbook

from handbook_desktop.services.reports import make_report
from handbook_desktop.services.reports.export import export_report
from handbook_desktop.services.reports.model import format_figure

from conftest import PERIOD  # noqa: E402  (tests/reports/conftest.py)


def test_excel_holds_the_figures_as_values_with_native_charts(committee_db, tmp_path):
    report = make_report(committee_db, "membership", *PERIOD)
    out = export_report(committee_db, report, tmp_path / "so-luong.xlsx")
    with zipfile.ZipFile(out) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == len(report.charts)
    book = load_workbook(out)
    sheet = book.worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a report cell must never be a formula"
    total_row = next(r for r in sheet.iter_rows(min_row=6) if r[1].value == "Tổng cộng")
    headings = [sheet.cell(row=5, column=c).value or sheet.cell(row=4, column=c).value for c in range(1, sheet.max_column + 1)]
    assert total_row[headings.index("Tổng đảng số")].value == report.figures["headcount"]
    branch_rows = [r for r in sheet.iter_rows(min_row=6) if isinstance(r[0].value, int)]
    assert len(branch_rows) == len(report.tables[0].rows)
    assert sum(r[headings.index("Tổng đảng số")].value for r in branch_rows) == report.figures["headcount"]


def test_excel_writes_formula_like_text_as_text(demo_db, tmp_path):
    report = make_report(demo_db, "membership", *PERIOD)
    report.tables[0].rows[0]["label"] = "=HYPERLINK(\"http://x\")"
    out = export_report(demo_db, report, tmp_path / "x.xlsx")
    sheet = load_workbook(out).worksheets[0]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.data_type == "s"


def test_word_report_has_the_header_the_totals_and_the_charts(committee_db, tmp_path, qapp):
    from handbook_desktop.ui.charts import chart_png

    report = make_report(committee_db, "activity", date(2026, 1, 1), date(2026, 10, 31))
    out = export_report(committee_db, report, tmp_path / "sinh-hoat.docx", chart_png=chart_png,
                        issued_on=date(2026, 11, 16))
    document = Document(out)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "BÁO CÁO" in text and any(c.startswith("ĐẢNG CỘNG SẢN VIỆT NAM") for c in cells)
    assert any("ngày 16 tháng 11 năm 2026" in c for c in cells)
    total = report.tables[0].total
    assert format_figure(total["held"]) in cells
    assert format_figure(total["attendance_pct"], "percent") in cells
    assert len(document.inline_shapes) == len(report.charts)
    section = document.sections[0]
    assert round(section.left_margin.mm) == 35 and round(section.page_width.mm) == 210
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text.strip()}
    assert fonts == {"Times New Roman"}


def test_word_without_pictures_when_no_painter(demo_db, tmp_path):
    report = make_report(demo_db, "dues", *PERIOD)
    out = export_report(demo_db, report, tmp_path / "dang-phi.docx")
    assert len(Document(out).inline_shapes) == 0


def test_word_tables_fill_the_text_width_of_other_margins(committee_db, tmp_path):
    """Margins from a rule other than 36-HD's (here 30 mm left): every table spans the width between
    them, not the 160 mm of the usual A4 margins."""
    from handbook_desktop.services.forms.context import signer_context, unit_header_context
    from handbook_desktop.services.reports.export import BRIEF_COLUMNS
    from handbook_desktop.services.reports.word import write_word

    report = make_report(committee_db, "membership", *PERIOD)
    with committee_db.read() as session:
        header = unit_header_context(session)
    out = write_word(report, tmp_path / "so-luong.docx", header=header, signer=signer_context(header),
                     issued_on=date(2026, 11, 16), brief_columns=BRIEF_COLUMNS,
                     margins={"top": 20, "bottom": 20, "left": 30, "right": 15})
    document = Document(out)
    assert len(document.tables) >= 4  # header, totals, branches, signature
    section = document.sections[0]
    text_mm = Length(section.page_width - section.left_margin - section.right_margin).mm
    assert round(text_mm) == 165
    for table in document.tables:
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(widths) / 56.6929 - text_mm) < 0.5, (widths, text_mm)  # twips to mm


def test_unknown_format_is_refused(demo_db, tmp_path):
    from handbook_desktop.services.errors import UserError

    report = make_report(demo_db, "dues", *PERIOD)
    with pytest.raises(UserError, match=".xlsx, .docx hoặc .pdf"):
        export_report(demo_db, report, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def _cli(*args, db):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "handbook_desktop", "--db", str(db.file), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_command_line_figures_equal_info_headcount(committee_db, tmp_path):
    committee_db.close()
    info = json.loads(_cli("info", "--json", db=committee_db).stdout)
    out = tmp_path / "bao-cao.docx"
    done = _cli("reports", "make", "membership", "--from", "01/01/2026", "--to", "15/11/2026", "--out", str(out),
                "--json", db=committee_db)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["figures"]["headcount"] == info["headcount"]
    assert data["tables"][0]["total"]["headcount"] == info["headcount"]
    assert data["file"] == str(out) and len(Document(out).inline_shapes) == len(data["charts"])
    listing = json.loads(_cli("reports", "list", "--json", db=committee_db).stdout)
    assert {k["key"] for k in listing} == {"membership", "movements", "activity", "dues", "ratings", "admissions"}


def test_command_line_refuses_bad_input_in_vietnamese(demo_db):
    demo_db.close()
    wrong = _cli("reports", "make", "khong-co", db=demo_db)
    assert wrong.returncode == 1 and "Không có báo cáo 'khong-co'" in wrong.stderr
    bad_date = _cli("reports", "make", "dues", "--from", "31/02/2026", db=demo_db)
    assert bad_date.returncode == 1 and "dd/mm/yyyy" in bad_date.stderr


@pytest.mark.skipif(not __import__("shutil").which("soffice") and not __import__("shutil").which("libreoffice"),
                    reason="LibreOffice is not installed")
def test_pdf_through_libreoffice(demo_db, tmp_path):
    from handbook_desktop.services.forms.export import pdf_pages

    report = make_report(demo_db, "membership", *PERIOD)
    out = export_report(demo_db, report, tmp_path / "so-luong.pdf")
    assert out.read_bytes()[:5] == b"%PDF-" and pdf_pages(out) >= 1
