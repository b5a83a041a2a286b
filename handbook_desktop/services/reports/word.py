"""A report to Word in the Party's document layout (DOMAIN.md §11; Hướng dẫn 36-HD/VPTW).

The header block, the title, the figures in total (each figure on its own line), a table per branch
with the report's main columns, the charts as pictures (drawn by the caller, who has a screen), and
the signature. Numbers are the report's own: nothing is typed.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Callable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from handbook_desktop.services.reports.model import Chart, Report, Table, format_figure

FONT = "Times New Roman"
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
# Widths are laid out in the text width (the page less the margins of the rule document.margins_mm): the
# header and the signature share it 75 : 85 (the issuing body's block; the Party's name or the signer);
# the totals' number column, the row number and the branch name have widths of their own, and the totals'
# label and the branches' figure columns take what is left. On A4 with the rule's margins (160 mm) that
# is 75 + 85, 120 + 40 and 11 + 55 + 94 mm, as before.
BLOCKS = (75, 85)
TOTAL_NUMBER_MM, ROW_NUMBER_MM, BRANCH_NAME_MM = 40, 11, 55
CHART_MM = 150


def _fonts(element) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _para(container, text: str = "", *, size: int = 14, bold=False, italic=False, align=JUSTIFY, after: float = 3,
          keep_next: bool = False):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.keep_with_next = keep_next
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    _fonts(run._r)
    return paragraph


def _cell_text(cell, text: str, *, size: int = 12, bold=False, italic=False, align=CENTER) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold, run.italic = FONT, Pt(size), bold, italic
    _fonts(run._r)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths_mm: list[float]) -> None:
    """Column widths Word and LibreOffice both honour: the grid and every cell, autofit off."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _text_width(document) -> float:
    """The width between the margins, in mm (to a tenth: Word keeps lengths in twips, 210 mm reads 210.009)."""
    section = document.sections[0]
    return round((section.page_width - section.left_margin - section.right_margin) / Mm(1), 1)


def _blocks(document) -> list[float]:
    width = _text_width(document)
    return [width * share / sum(BLOCKS) for share in BLOCKS]


def _document(margins: dict | None):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    m = margins or {"top": 25, "bottom": 25, "left": 35, "right": 15}
    section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    _fonts(normal.element)
    document.core_properties.author = "Sổ tay Chi bộ"
    document.core_properties.language = "vi-VN"
    return document


def _value(col_kind: str, value) -> str:
    return format_figure(value, col_kind)


def _header(document, header: dict, issued_on: date) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, _blocks(document))
    left, right = table.rows[0].cells
    _cell_text(left, header.get("higher_body_upper", ""), size=13)
    para = left.add_paragraph()
    para.alignment = CENTER
    run = para.add_run(header.get("name_upper", ""))
    run.font.name, run.font.size, run.bold = FONT, Pt(13), True
    _fonts(run._r)
    for text in ("*", f"Số      -BC/{header.get('issuer', '')}"):
        para = left.add_paragraph()
        para.alignment = CENTER
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(text)
        run.font.name, run.font.size = FONT, Pt(13)
        _fonts(run._r)
    _cell_text(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=14, bold=True)
    para = right.add_paragraph()
    para.alignment = CENTER
    place = header.get("place") or "……"
    run = para.add_run(f"{place}, ngày {issued_on:%d} tháng {issued_on:%m} năm {issued_on.year}")
    run.font.name, run.font.size, run.italic = FONT, Pt(14), True
    _fonts(run._r)


def _totals(document, table: Table) -> None:
    """Every figure of the total on its own line: a group heading, then label and number."""
    if table.total is None:
        return
    grid = document.add_table(rows=1, cols=2)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_text(grid.rows[0].cells[0], "Chỉ tiêu", bold=True)
    _cell_text(grid.rows[0].cells[1], "Số liệu", bold=True)
    group = None
    for col in table.columns:
        value = table.total.get(col.key)
        if value in (None, "") and col.kind == "text":
            continue
        if col.group and col.group != group:
            cells = grid.add_row().cells
            merged = cells[0].merge(cells[1])
            _cell_text(merged, col.group, bold=True, align=LEFT)
        group = col.group
        cells = grid.add_row().cells
        _cell_text(cells[0], ("– " if col.group else "") + col.label, align=LEFT)
        _cell_text(cells[1], _value(col.kind, value), align=RIGHT)
    _widths(grid, [_text_width(document) - TOTAL_NUMBER_MM, TOTAL_NUMBER_MM])


def _branches(document, table: Table, columns: list[str]) -> None:
    cols = [table.column(key) for key in columns]
    grid = document.add_table(rows=1, cols=2 + len(cols))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = grid.rows[0].cells
    _cell_text(head[0], "STT", bold=True, size=11)
    _cell_text(head[1], "Đơn vị", bold=True, size=11)
    for index, col in enumerate(cols):
        _cell_text(head[2 + index], col.label, bold=True, size=11)
    for number, row in enumerate(table.rows, 1):
        cells = grid.add_row().cells
        _cell_text(cells[0], str(number), size=11)
        _cell_text(cells[1], row["label"], size=11, align=LEFT)
        for index, col in enumerate(cols):
            _cell_text(cells[2 + index], _value(col.kind, row.get(col.key)), size=11, align=RIGHT)
    if table.total is not None:
        cells = grid.add_row().cells
        _cell_text(cells[0], "", size=11)
        _cell_text(cells[1], table.total.get("label", "Tổng cộng"), size=11, bold=True, align=LEFT)
        for index, col in enumerate(cols):
            _cell_text(cells[2 + index], _value(col.kind, table.total.get(col.key)), size=11, bold=True, align=RIGHT)
    figures = _text_width(document) - ROW_NUMBER_MM - BRANCH_NAME_MM
    _widths(grid, [ROW_NUMBER_MM, BRANCH_NAME_MM] + [figures / max(1, len(cols))] * len(cols))
    # The heading row repeats on every page of a long list of branches.
    trpr = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def write_word(report: Report, out_path, *, header: dict, signer: dict, issued_on: date,
               brief_columns: dict[str, list[str]], chart_png: Callable[[Chart], bytes | None] | None = None,
               margins: dict | None = None) -> Path:
    document = _document(margins)
    _header(document, header, issued_on)
    _para(document, "BÁO CÁO", size=15, bold=True, align=CENTER, after=0)
    _para(document, report.title.removeprefix("Báo cáo ").capitalize(), size=14, bold=True, align=CENTER, after=0)
    _para(document, f"(Từ ngày {report.start:%d/%m/%Y} đến ngày {report.end:%d/%m/%Y})", size=14, italic=True,
          align=CENTER, after=9)
    for number, table in enumerate(report.tables, 1):
        _para(document, f"{_roman(number)}. {table.title.upper()}", bold=True, keep_next=True)
        _para(document, "1. Tổng hợp", bold=True, keep_next=True)
        _totals(document, table)
        if table.note:
            _para(document, table.note, size=12, italic=True)
        if len(table.rows) > 1:
            _para(document, "2. Theo từng chi bộ", bold=True, keep_next=True)
            _branches(document, table, brief_columns.get(table.key, [c.key for c in table.columns[:5]]))
    pictures = [(chart, chart_png(chart)) for chart in report.charts] if chart_png else []
    pictures = [(chart, png) for chart, png in pictures if png]
    if pictures:
        _para(document, f"{_roman(len(report.tables) + 1)}. BIỂU ĐỒ", bold=True, keep_next=True)
        for chart, png in pictures:
            paragraph = document.add_paragraph()
            paragraph.alignment = CENTER
            paragraph.paragraph_format.keep_with_next = True
            paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(min(CHART_MM, _text_width(document))))
            _para(document, chart.title, size=12, italic=True, align=CENTER, after=9)
    for line in report.notes:
        _para(document, line, size=12, italic=True)
    _signature(document, signer)
    out = Path(out_path)
    document.save(out)
    return out


def _signature(document, signer: dict) -> None:
    _para(document, "", after=6, keep_next=True)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, _blocks(document))
    left, right = table.rows[0].cells
    _cell_text(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT)
    for line in ("- Cấp ủy cấp trên,", "- Lưu."):
        para = left.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(line)
        run.font.name, run.font.size = FONT, Pt(11)
        _fonts(run._r)
    _cell_text(right, signer["lines"][0], bold=True)
    for line in signer["lines"][1:]:
        para = right.add_paragraph()
        para.alignment = CENTER
        run = para.add_run(line)
        run.font.name, run.font.size, run.bold = FONT, Pt(14), True
        _fonts(run._r)
    for _ in range(3):
        right.add_paragraph()
    para = right.add_paragraph()
    para.alignment = CENTER
    run = para.add_run(signer.get("name") or "")
    run.font.name, run.font.size, run.bold = FONT, Pt(14), True
    _fonts(run._r)
    # The signature stays with the last lines above it.
    for paragraph in document.paragraphs[-3:]:
        paragraph.paragraph_format.keep_with_next = True


def _roman(number: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")[number - 1]
