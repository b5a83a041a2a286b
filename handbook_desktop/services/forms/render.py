"""Rendering one form: docxtpl with autoescape, NFC text, Times New Roman in every font slot, A4.

Fonts and page are pinned after rendering, not only in the templates, because a secretary's
edited copy may carry Word's theme fonts (``asciiTheme`` …) or a Letter page; the printed document
must still follow Hướng dẫn 36-HD/VPTW (DOMAIN.md §11).
"""

from __future__ import annotations

import copy
import unicodedata
from datetime import date
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate
from lxml import etree

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.catalog import find_form
from handbook_desktop.services.forms.filters import FILTERS

FONT = "Times New Roman"
_FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
DEFAULT_MARGINS_MM = {"top": 25, "bottom": 25, "left": 35, "right": 15}


# Jinja's own filters a template may use besides ours: plain text and list helpers only. ``attr``,
# ``map``, ``format`` … are left out: they are the usual ways to reach Python objects by name.
SAFE_BUILTIN_FILTERS = ("length", "count", "lower", "capitalize", "title", "trim", "join", "default",
                        "first", "last", "replace", "round", "int", "string", "e", "escape")
# Names a template may use that are not in the form's context (``loop`` is made by every for-loop).
TEMPLATE_GLOBALS = ("loop", "range", "true", "false", "none", "True", "False", "None")


class FormSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, and no methods either: form data are values, never things to call."""

    def is_safe_attribute(self, obj, attr, value):
        return super().is_safe_attribute(obj, attr, value) and not callable(value)

    def getattr(self, obj, attribute):
        value = super().getattr(obj, attribute)
        # the sandbox hands out a wrapped ``str.format``; a form has no use for it either
        if callable(value) and not isinstance(value, jinja2.Undefined):
            return self.unsafe_undefined(obj, attribute)
        return value

    def getitem(self, obj, argument):
        value = super().getitem(obj, argument)
        if callable(value) and not isinstance(value, jinja2.Undefined):
            return self.unsafe_undefined(obj, argument)
        return value


def jinja_env() -> jinja2.Environment:
    """A sandbox (DOMAIN: a user copy is untrusted input): no underscore attributes, no mutation, no
    Jinja globals (``cycler``, ``lipsum``, ``namespace``… reach Python internals), only the documented
    filters. A template that tries still renders nothing harmful; the check refuses it beforehand."""
    env = FormSandbox(autoescape=True, undefined=jinja2.ChainableUndefined)
    builtin = env.filters
    env.filters = {name: builtin[name] for name in SAFE_BUILTIN_FILTERS}
    env.filters.update(FILTERS)
    env.globals = {"range": env.globals["range"]}
    env.tests = {name: env.tests[name] for name in ("defined", "undefined", "none", "number", "string",
                                                    "odd", "even", "divisibleby", "eq", "ne", "in")}
    return env


def nfc_context(value):
    """Every string NFC (decomposed diacritics from macOS or old files print as broken glyphs)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: nfc_context(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [nfc_context(item) for item in value]
    return value


def margins_mm(session=None, on: date | None = None) -> dict:
    """The margins of rule ``document.margins_mm`` in force on the day (shipped rules without a session)."""
    from handbook_desktop.services.rules import rule_book, shipped_rules
    from handbook_desktop.domain.rules import RuleBook, RuleNotFound

    book = rule_book(session) if session is not None else RuleBook.of(shipped_rules())
    try:
        return dict(book.value("document.margins_mm", on or date.today()))
    except RuleNotFound:
        return dict(DEFAULT_MARGINS_MM)


def _pin_rfonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = etree.SubElement(rpr, qn("w:rFonts"))
        rpr.remove(fonts)
        rpr.insert(0, fonts)  # rFonts comes first in CT_RPr
    for slot in _THEME_SLOTS:
        fonts.attrib.pop(qn(slot), None)
    for slot in _FONT_SLOTS:
        fonts.set(qn(slot), FONT)


def pin_fonts_element(root) -> None:
    """Times New Roman in the four font slots of every run (and paragraph mark) under ``root``."""
    for run in root.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.Element(qn("w:rPr"))
            run.insert(0, rpr)
        _pin_rfonts(rpr)
    for ppr in root.iter(qn("w:pPr")):
        rpr = ppr.find(qn("w:rPr"))
        if rpr is not None:
            _pin_rfonts(rpr)


def pin_fonts(document) -> None:
    pin_fonts_element(document.element.body)
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is None:
            rpr = etree.SubElement(style, qn("w:rPr"))
        _pin_rfonts(rpr)
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPr"))
            if rpr is not None:
                _pin_rfonts(rpr)
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if not part.is_linked_to_previous:
                pin_fonts_element(part._element)


def set_page(document, margins: dict) -> None:
    from docx.enum.section import WD_ORIENT

    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(210)
        section.page_height = Mm(297)
        section.top_margin = Mm(margins["top"])
        section.bottom_margin = Mm(margins["bottom"])
        section.left_margin = Mm(margins["left"])
        section.right_margin = Mm(margins["right"])
        section.header_distance = Mm(12)
        section.footer_distance = Mm(12)


def _keep_next(paragraph) -> None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"))
        paragraph.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        keep = etree.Element(qn("w:keepNext"))
        # keepNext comes right after pStyle in CT_PPr
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)


def _has_text(paragraph) -> bool:
    return any((t.text or "").strip() for t in paragraph.iter(qn("w:t")))


def keep_signatures(document) -> None:
    """The signature block (the last table of each document/section) stays on the page of the text
    above it: its paragraphs and the two last paragraphs with text before it keep with the next one.
    A signature alone on a page is not accepted as signed in practice."""
    body = document.element.body
    children = list(body.iterchildren())
    for index, child in enumerate(children):
        if child.tag != qn("w:tbl"):
            continue
        after = children[index + 1:]
        rest = []
        for node in after:
            if node.tag == qn("w:sectPr") or (node.tag == qn("w:p") and node.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None):
                break
            rest.append(node)
        if any(n.tag == qn("w:tbl") or (n.tag == qn("w:p") and _has_text(n)) for n in rest):
            continue  # not the last block of its section
        for row in child.iter(qn("w:tr")):
            for cell_paragraph in row.iter(qn("w:p")):
                _keep_next(cell_paragraph)
        kept = 0
        for node in reversed(children[:index]):
            if node.tag == qn("w:tbl") and kept < 2:
                keep_table_tail(node)  # a list's total: the last rows come along to the signature's page
                break
            if node.tag != qn("w:p") or node.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
                break
            _keep_next(node)
            if _has_text(node):
                kept += 1
                if kept == 2:
                    break


TAIL_ROWS = 2


def keep_table_tail(table, rows: int = TAIL_ROWS) -> None:
    """The last ``rows`` rows of a list keep with the text after it (the total, then the signature).

    Word keeps a row whose paragraphs are "keep with next" with what follows; LibreOffice keeps only a
    whole table with the next paragraph (it moves a 40-page list off its first page). So the last rows
    become a table of their own after the list, with the same properties and grid, behind a paragraph
    1 pt high (with none between, LibreOffice joins the two tables again); both programs then move
    the small one with the total and the signature."""
    all_rows = table.findall(qn("w:tr"))
    if len(all_rows) <= rows + 1:  # a short list moves whole with the text after it
        tail = all_rows
    else:
        tail = all_rows[-rows:]
        head_pr, grid = table.find(qn("w:tblPr")), table.find(qn("w:tblGrid"))
        new = etree.Element(qn("w:tbl"))
        for part in (head_pr, grid):
            if part is not None:
                new.append(copy.deepcopy(part))
        for row in tail:
            header = row.find(qn("w:trPr") + "/" + qn("w:tblHeader"))
            if header is not None:
                header.getparent().remove(header)
            new.append(row)  # moved out of the list
        table.addnext(new)
        table.addnext(_hairline_paragraph())
    for row in tail:
        for paragraph in row.iter(qn("w:p")):
            _keep_next(paragraph)


def _hairline_paragraph():
    paragraph = etree.Element(qn("w:p"))
    ppr = etree.SubElement(paragraph, qn("w:pPr"))
    etree.SubElement(ppr, qn("w:keepNext"))
    spacing = etree.SubElement(ppr, qn("w:spacing"))
    for key, value in (("before", "0"), ("after", "0"), ("line", "1"), ("lineRule", "exact")):
        spacing.set(qn(f"w:{key}"), value)
    size = etree.SubElement(etree.SubElement(ppr, qn("w:rPr")), qn("w:sz"))
    size.set(qn("w:val"), "2")
    return paragraph


def finish(document, margins: dict | None = None) -> None:
    pin_fonts(document)
    set_page(document, margins or DEFAULT_MARGINS_MM)
    keep_signatures(document)


def template_error_message(error: Exception, template: Path) -> str:
    if isinstance(error, SecurityError):
        return (f"Mẫu {template.name} dùng một cách truy cập không được phép trong biểu mẫu (tên bắt đầu bằng "
                "dấu gạch dưới, gọi hàm hay sửa dữ liệu) nên không được dùng. Hãy chạy «Kiểm tra mẫu» để xem chỗ sai.")
    if isinstance(error, jinja2.TemplateSyntaxError):
        around = " ".join(getattr(error, "docx_context", []) or []).strip()
        where = f" gần đoạn: «{around[:120]}»" if around else ""
        return f"Mẫu {template.name} có thẻ viết sai ({error.message}){where}. Hãy chạy «Kiểm tra mẫu» để xem chỗ sai."
    return f"Không điền được mẫu {template.name}: {error}. Hãy chạy «Kiểm tra mẫu» để xem chỗ sai."


def render_to_document(template: Path, context: dict):
    """Render ``template`` with ``context``; returns the python-docx Document (not yet finished)."""
    tpl = DocxTemplate(str(template))
    try:
        tpl.render(nfc_context(context), jinja_env(), autoescape=True)
    except (jinja2.TemplateError, ValueError, TypeError, etree.XMLSyntaxError) as error:
        raise UserError(template_error_message(error, template)) from error
    return tpl.docx


def check_user_copy(entry, template: Path) -> None:
    """A template edited by a person is checked before use; its errors stop the export, with the place."""
    if template.resolve() == entry.builtin_path.resolve():
        return
    from handbook_desktop.services.forms.check import check_template

    errors = [problem for problem in check_template(template, entry.code) if problem.severity == "error"]
    if errors:
        listed = "; ".join(str(problem) for problem in errors[:3])
        more = f" (và {len(errors) - 3} lỗi khác)" if len(errors) > 3 else ""
        raise UserError(f"Bản sao mẫu {entry.code} ({template.name}) có lỗi: {listed}{more}. "
                        "Hãy sửa bản sao hoặc bấm «Dùng lại mẫu gốc».")


def render_form(code: str, context: dict, out_path, *, margins: dict | None = None,
                template: Path | None = None) -> Path:
    """Fill form ``code`` (the user's copy if there is one) and save it as ``out_path`` (.docx)."""
    entry = find_form(code)
    template = Path(template) if template else entry.template_path()
    if not template.is_file():
        raise UserError(f"Không tìm thấy tệp mẫu {template}.")
    check_user_copy(entry, template)
    from handbook_desktop.services.forms.required import require_values

    require_values(entry, context)
    document = render_to_document(template, context)
    finish(document, margins or margins_mm())
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        document.save(str(out))
    except PermissionError as error:
        raise UserError(f"Không ghi được tệp {out.name}: tệp đang mở trong Word hoặc thư mục không cho ghi.") from error
    return out
