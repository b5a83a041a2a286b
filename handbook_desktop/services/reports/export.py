"""Write a report where the user asked: .xlsx (values and native charts), .docx (Party layout with
the charts as pictures) or .pdf (the .docx through LibreOffice, when it is installed)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Callable

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.reports.model import Chart, Report

# The main columns of each table in the Word report's per-branch table (the full set is in Excel).
BRIEF_COLUMNS = {
    "membership": ["headcount", "official", "probationary", "female", "minority", "under_30"],
    "movements": ["admitted", "official", "transfer_in_official", "transfer_out_official", "death", "removed"],
    "activity": ["months_due", "months_met", "quarters_met", "held", "attendance_pct", "complete", "rank"],
    "dues": ["due", "paid", "paid_pct", "behind"],
    "ratings": ["to_rate", "excellent", "good", "fulfilled", "not_fulfilled", "not_rated"],
    "admissions": ["open", "stage:branch_vote", "stage:decision", "ceremony_overdue"],
}
FORMATS = (".xlsx", ".docx", ".pdf")


def export_report(database, report: Report, out_path, *, chart_png: Callable[[Chart], bytes | None] | None = None,
                  issued_on: date | None = None) -> Path:
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Không xuất được báo cáo ra tệp '{out.name}': hãy chọn tệp .xlsx, .docx hoặc .pdf.")
    if suffix == ".xlsx":
        from handbook_desktop.services.reports.excel import write_excel

        return write_excel(report, out)
    from handbook_desktop.services.forms.context import signer_context, unit_header_context
    from handbook_desktop.services.procedures.common import rules
    from handbook_desktop.services.reports.word import write_word

    with database.read() as session:
        header = unit_header_context(session)
        margins = rules(session).value("document.margins_mm", issued_on or date.today())
    signer = signer_context(header)
    options = dict(header=header, signer=signer, issued_on=issued_on or date.today(), brief_columns=BRIEF_COLUMNS,
                   chart_png=chart_png, margins=margins if isinstance(margins, dict) else None)
    if suffix == ".docx":
        return write_word(report, out, **options)
    from handbook_desktop.services.forms.export import export_pdf, find_soffice

    if find_soffice() is None:
        raise UserError("Xuất PDF cần LibreOffice: hãy cài LibreOffice, hoặc xuất ra Word (.docx) rồi in từ Word.")
    with tempfile.TemporaryDirectory(prefix="handbook-report-") as folder:
        docx = write_word(report, Path(folder) / (out.stem + ".docx"), **options)
        pdf = export_pdf(docx, Path(folder))
        out.write_bytes(Path(pdf).read_bytes())
    return out
