"""Building blocks of a party document (DOMAIN.md §11) for tools/build_form_templates.py.

Every docxtpl tag is written inside one run (one ``add_run`` call), so Word never sees a tag split
across runs; loops over paragraphs use ``{%p … %}`` and loops over table rows ``{%tr … %}``.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 35 - 15
CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def _fonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def new_document(body_size: int = 14):
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(25)
    section.left_margin, section.right_margin = Mm(35), Mm(15)
    section.header_distance = section.footer_distance = Mm(12)
    styles = document.styles
    for style in styles:
        if style.type == 1 or style.type == 3:  # paragraph or table styles
            _fonts(style.element.get_or_add_rPr())
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(body_size)
    _fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(3)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _fonts(rpr)
    # Vietnamese spelling, so that Word does not underline every word in red.
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    _page_numbers(section)
    document.core_properties.author = "Sổ tay Chi bộ"
    document.core_properties.language = "vi-VN"
    return document


def _page_numbers(section) -> None:
    """Page numbers from page 2, centred at the top (Hướng dẫn 36-HD/VPTW)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    _style_run(run, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = "2"
            run._r.append(t)
    first = section.first_page_header.paragraphs[0]
    first.text = ""


def _style_run(run, size, bold=False, italic=False, underline=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    if underline:
        run.underline = True
    _fonts(run._r.get_or_add_rPr())
    return run


def para(container, text: str = "", *, size: int = 14, bold=False, italic=False, underline=False,
         align=JUSTIFY, indent: float | None = 1.0, before: float = 0, after: float = 3, keep_next=False,
         runs: list[tuple[str, dict]] | None = None):
    """One paragraph; ``runs`` gives several differently styled pieces [(text, {bold:…}), …]."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(indent) if indent else None
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if keep_next:
        fmt.keep_with_next = True
    pieces = runs or [(text, {})]
    for piece, style in pieces:
        _style_run(paragraph.add_run(piece), style.get("size", size), style.get("bold", bold),
                   style.get("italic", italic), style.get("underline", underline))
    return paragraph


def tag(container, statement: str):
    """A control paragraph (``{%p for … %}``) that docxtpl removes when rendering."""
    return para(container, "{%p " + statement + " %}", indent=None, after=0)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths_mm) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")) + tbl_pr.findall(qn("w:tblLayout")):
        tbl_pr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.append(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(width * 56.7)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _indent(table, mm: float) -> None:
    """Move the table ``mm`` into the left margin (negative) so that wide headers fit on one line."""
    element = OxmlElement("w:tblInd")
    element.set(qn("w:w"), str(int(mm * 56.7)))
    element.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(element)


def _cell_margins(table, mm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(mm * 56.7)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _cell_para(cell, text="", **kw):
    """Use the cell's first (empty) paragraph first, then add more."""
    kw.setdefault("indent", None)
    kw.setdefault("align", CENTER)
    kw.setdefault("after", 0)
    if not getattr(cell, "_used", False) and cell.paragraphs and not cell.paragraphs[0].text:
        cell._used = True
        first = cell.paragraphs[0]
        first._p.getparent().remove(first._p)
    return para(cell, text, **kw)


def _bottom_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "8"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def header_block(document, *, numbered: bool = True, with_units: bool = True, form_mark: str | None = None):
    """The two-column §11 header without borders; returns the table."""
    if form_mark:
        para(document, form_mark, size=12, italic=True, align=RIGHT, indent=None, after=0)
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    # "ĐẢNG CỘNG SẢN VIỆT NAM" in 15 pt bold needs about 90 mm: the header reaches 15 mm into the
    # left margin, as printed party documents do, rather than break that line.
    _widths(table, (83, 92))
    _indent(table, -15)
    _cell_margins(table, 1)
    left, right = table.rows[0].cells
    if with_units:
        _cell_para(left, "{{ unit.higher_body_upper }}", size=14)
        _cell_para(left, "{{ unit.name_upper }}", size=14, bold=True)
        _cell_para(left, "*", size=14)
        if numbered:
            _cell_para(left, "Số {{ doc.number_text }}", size=14)
    else:
        _cell_para(left, "")
    rule = _cell_para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True)
    rule.paragraph_format.left_indent = Mm(3)
    rule.paragraph_format.right_indent = Mm(3)
    _bottom_rule(rule)
    _cell_para(right, "", size=14)
    _cell_para(right, "{{ doc.date|date_line(unit.place) }}", size=14, italic=True)
    para(document, "", indent=None, after=0)
    return table


def title(document, kind: str, summary: str | None = None, extra: str | None = None):
    para(document, kind, size=16, bold=True, align=CENTER, indent=None, before=6, after=0, keep_next=True)
    if summary:
        para(document, summary, size=14, bold=True, align=CENTER, indent=None, after=0, keep_next=True)
    if extra:
        para(document, extra, size=14, italic=True, align=CENTER, indent=None, after=0, keep_next=True)
    para(document, "-----", size=14, align=CENTER, indent=None, after=6)


def heading(document, text: str):
    return para(document, text, bold=True, indent=None, before=6, keep_next=True)


def bullets(document, expression: str, prefix: str = "- "):
    """One paragraph per item of a list expression."""
    tag(document, f"for item in {expression}")
    para(document, prefix + "{{ item }}")
    tag(document, "endfor")


def signature(document, *, left: str | None = "recipients", right: str = "signer",
              left_lines: list[str] | None = None, left_name: str | None = None,
              right_lines: list[str] | None = None, right_name: str | None = None, note: str | None = None):
    """Bottom block: ``Nơi nhận`` (or the recorder's signature) on the left, the signer on the right."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (72, 88))
    table.rows[0].height = Cm(1)
    cell_left, cell_right = table.rows[0].cells
    if left == "recipients":
        _cell_para(cell_left, "Nơi nhận:", size=12, bold=True, italic=True, underline=False, align=LEFT)
        tag(cell_left, "for item in recipients")
        _cell_para(cell_left, "- {{ item }}", size=11, align=LEFT)
        tag(cell_left, "endfor")
    elif left == "person":
        for line in left_lines or []:
            _cell_para(cell_left, line, size=14, bold=True)
        if note:
            _cell_para(cell_left, note, size=12, italic=True)
        for _ in range(4):
            _cell_para(cell_left, "", size=14)
        _cell_para(cell_left, left_name or "", size=14, bold=True)
    else:
        _cell_para(cell_left, "")
    if right == "signer":
        tag(cell_right, "for line in signer.lines")
        _cell_para(cell_right, "{{ line }}", size=14, bold=True)
        tag(cell_right, "endfor")
        for _ in range(4):
            _cell_para(cell_right, "", size=14)
        _cell_para(cell_right, "{{ signer.name }}", size=14, bold=True)
    else:
        for line in right_lines or []:
            _cell_para(cell_right, line, size=14, bold=True)
        if note:
            _cell_para(cell_right, note, size=12, italic=True)
        for _ in range(4):
            _cell_para(cell_right, "", size=14)
        _cell_para(cell_right, right_name or "", size=14, bold=True)
    _cant_split(table)
    return table


def _cant_split(table) -> None:
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        element = OxmlElement("w:cantSplit")
        tr_pr.append(element)


def grid_table(document, columns: list[tuple[str, float]], cells: list[str], loop: str, *, size: int = 12,
               row_height_mm: float | None = None, after_rows: list[list[str]] | None = None,
               indent_mm: float = 0):
    """A bordered table: a bold heading row, then one row per item of ``loop`` (``m in members``)."""
    table = document.add_table(rows=4, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [width for _, width in columns])
    _cell_margins(table, 0.8)
    if indent_mm:
        _indent(table, indent_mm)
    head, open_row, data, close_row = table.rows
    for cell, (label, _) in zip(head.cells, columns):
        _cell_para(cell, label, size=size, bold=True)
    head_pr = head._tr.get_or_add_trPr()
    head_pr.append(OxmlElement("w:tblHeader"))  # repeat on every page
    open_row.cells[0].paragraphs[0].add_run("{%tr for " + loop + " %}")
    close_row.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for cell, text in zip(data.cells, cells):
        align = LEFT if text.startswith("<") else CENTER
        _cell_para(cell, text.lstrip("<"), size=size, align=align)
    if row_height_mm:
        data.height = Mm(row_height_mm)
    _cant_split(table)
    for extra in after_rows or []:
        row = table.add_row()
        for cell, text in zip(row.cells, extra):
            _cell_para(cell, text, size=size, bold=True)
    return table


cell_para = _cell_para


def group_heading_rows(table, field: str, *, size: int = 12) -> None:
    """Inside ``grid_table``'s loop, before the data row: a bold row across the table, printed only
    when ``field`` is set (``{%tr if %}`` … ``{%tr endif %}``)."""
    import copy

    head, open_row, data = table.rows[0], table.rows[1], table.rows[2]
    for text in ("{%tr if " + field + " %}", None, "{%tr endif %}"):
        source = open_row if text else data
        new = copy.deepcopy(source._tr)
        data._tr.addprevious(new)
    rows = table.rows
    if_row, heading, endif_row = rows[2], rows[3], rows[4]
    for row, text in ((if_row, "{%tr if " + field + " %}"), (endif_row, "{%tr endif %}")):
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.text = ""
        row.cells[0].paragraphs[0].runs[0].text = text
    merged = heading.cells[0].merge(heading.cells[-1])
    for paragraph in merged.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    first = merged.paragraphs[0]
    for run in first.runs:
        run._r.getparent().remove(run._r)
    first.alignment = LEFT
    first.paragraph_format.keep_with_next = True  # Word keeps a branch's heading with its first member
    run = first.add_run("{{ " + field + " }}")
    run.bold = True
    run.font.size = Pt(size)


def photo_box_table(document):
    """A borderless two-column row whose left cell is a framed 30 × 40 mm box for the photo."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, (32, 128))
    _cell_margins(table, 1)
    row = table.rows[0]
    row.height = Mm(42)
    box = row.cells[0]
    tc_pr = box._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000")):
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    tc_pr.append(borders)
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "center")
    tc_pr.append(valign)
    _cell_para(box, "Ảnh", size=12, italic=True)
    _cell_para(box, "3 × 4", size=12, italic=True)
    return table
