"""Many documents of one form: merged into one .docx (one section each) or one file each.

The template body is compiled by Jinja once and rendered for every context, so that 500 phiếu
đảng viên take seconds, not minutes. Each document is its own section in the merged file, so its
page numbers start again and its first page carries none (DOMAIN.md §11).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.catalog import find_form
from handbook_desktop.services.forms.render import (
    check_user_copy, finish, jinja_env, margins_mm, nfc_context, render_form, template_error_message,
)
from handbook_desktop.services.progress import CancelFlag, Progress, ProgressGen

_PARA = re.compile(r"<w:p([ >])")
_PARA_BACK = re.compile(r"\n<w:p([ >])")


class _Compiled:
    def __init__(self, template: Path):
        self.path = template
        self.tpl = DocxTemplate(str(template))
        self.tpl.init_docx()
        self.tpl.render_init()
        self.env = jinja_env()
        source = _PARA.sub(r"\n<w:p\1", self.tpl.patch_xml(self.tpl.get_xml()))
        try:
            self.body = self.env.from_string(source)
        except Exception as error:  # noqa: BLE001 - jinja syntax errors and the like
            raise UserError(template_error_message(error, template)) from error

    def body_tree(self, context: dict):
        try:
            xml = self.body.render(nfc_context(context))
        except Exception as error:  # noqa: BLE001
            raise UserError(template_error_message(error, self.path)) from error
        xml = _PARA_BACK.sub(r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        xml = self.tpl.resolve_listing(xml)
        return self.tpl.fix_tables(xml)

    def start_document(self, first_context: dict):
        """The package of the merged file: the template with its headers rendered once."""
        self.tpl.map_tree(self.body_tree(first_context))
        for uri in (self.tpl.HEADER_URI, self.tpl.FOOTER_URI):
            for key, xml in self.tpl.build_headers_footers_xml(first_context, uri, self.env):
                self.tpl.map_headers_footers_xml(key, xml)
        return self.tpl.docx


def _section_break(sect_pr) -> etree._Element:
    """A paragraph ending a section with the document's own page setup, numbering from 1."""
    paragraph = etree.Element(qn("w:p"))
    ppr = etree.SubElement(paragraph, qn("w:pPr"))
    section = copy.deepcopy(sect_pr)
    for old in section.findall(qn("w:pgNumType")):
        section.remove(old)
    numbering = etree.Element(qn("w:pgNumType"))
    numbering.set(qn("w:start"), "1")
    # pgNumType goes after pgMar/paperSrc/pgBorders/lnNumType and before cols (CT_SectPr order)
    cols = section.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(numbering)
    else:
        section.append(numbering)
    ppr.append(section)
    return paragraph


def _restart_numbering(sect_pr) -> None:
    """The body's own section (the last document's) numbers from 1 as well (it printed "4" after "2")."""
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = etree.Element(qn("w:pgNumType"))
        cols = sect_pr.find(qn("w:cols"))
        if cols is not None:
            cols.addprevious(numbering)
        else:
            sect_pr.append(numbering)
    numbering.set(qn("w:start"), "1")


def render_batch(code: str, contexts: list[dict], out_path, *, merge: bool = True, margins: dict | None = None,
                 names: list[str] | None = None, flag: CancelFlag | None = None) -> ProgressGen:
    """Render form ``code`` once per context. Yields progress; returns the file (merge) or the folder.

    ``names`` gives the file name of each document when not merging (made safe for Windows).
    Cancelling leaves no half-written merged file behind.
    """
    entry = find_form(code)
    contexts = list(contexts)
    if not contexts:
        raise UserError("Danh sách trống: không có gì để xuất.")
    margins = margins or margins_mm()
    total = len(contexts)
    out = Path(out_path)
    if not merge:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for index, context in enumerate(contexts):
            if flag is not None:
                flag.check()
            name = _safe_name(names[index] if names else f"{index + 1:04d}") + ".docx"
            written.append(render_form(entry.code, context, out / name, margins=margins))
            yield Progress(index + 1, total, f"Đã xuất {index + 1}/{total} tệp")
        return out
    check_user_copy(entry, entry.template_path())
    from handbook_desktop.services.forms.required import require_values

    for context in contexts:  # all refused before anything is written
        require_values(entry, context)
    compiled = _Compiled(entry.template_path())
    document = compiled.start_document(contexts[0])
    body = document.element.body
    sect_pr = body.find(qn("w:sectPr"))
    yield Progress(1, total, f"Đã điền 1/{total} văn bản")
    for index, context in enumerate(contexts[1:], start=2):
        if flag is not None:
            flag.check()
        sect_pr.addprevious(_section_break(sect_pr))
        tree = compiled.body_tree(context)
        for child in list(tree):
            if child.tag != qn("w:sectPr"):
                sect_pr.addprevious(child)
        if index % 10 == 0 or index == total:
            yield Progress(index, total, f"Đã điền {index}/{total} văn bản")
    _restart_numbering(sect_pr)
    finish(document, margins)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".tmp")
    try:
        document.save(str(partial))
        partial.replace(out)
    except PermissionError as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"Không ghi được tệp {out.name}: tệp đang mở trong Word hoặc thư mục không cho ghi.") from error
    yield Progress(total, total, "Đã ghi tệp")
    return out


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def _safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:120] or "van-ban"
