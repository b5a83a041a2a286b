"""Many documents in one go: merged into one file (a section each) or a folder, with cancel."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml.ns import qn

from handbook_desktop.services import forms
from handbook_desktop.services.forms.samples import sample_context
from handbook_desktop.services.progress import CancelFlag, Cancelled, drain


def _contexts(n):
    result = []
    for i in range(n):
        context = sample_context("2-HSĐV")
        context["member"]["full_name_upper"] = f"ĐẢNG VIÊN SỐ {i} & <{i}>"
        result.append(context)
    return result


def test_merged_file_has_one_section_per_document(tmp_path):
    steps = []
    out = drain(forms.render_batch("2-HSĐV", _contexts(12), tmp_path / "all.docx"), steps.append)
    document = Document(str(out))
    assert len(document.sections) == 12
    text = "".join(t.text or "" for t in document.element.body.iter(qn("w:t")))
    for i in range(12):
        assert f"ĐẢNG VIÊN SỐ {i} & <{i}>" in text
    assert "{{" not in document.element.body.xml
    starts = document.element.body.findall(".//" + qn("w:pgNumType"))
    assert len(starts) >= 11 and all(s.get(qn("w:start")) == "1" for s in starts)
    assert steps[-1].done == steps[-1].total == 12
    fonts = document.element.body.findall(".//" + qn("w:rFonts"))
    assert fonts and all(f.get(qn("w:eastAsia")) == "Times New Roman" for f in fonts)


def test_folder_of_files(tmp_path):
    names = ["Lê Thị Mai", "Trần/Văn:An"]
    folder = drain(forms.render_batch("2-HSĐV", _contexts(2), tmp_path / "out", merge=False, names=names))
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["Lê Thị Mai.docx", "Trần_Văn_An.docx"]


def test_cancel_leaves_no_file(tmp_path):
    flag = CancelFlag()
    work = forms.render_batch("2-HSĐV", _contexts(30), tmp_path / "all.docx", flag=flag)
    next(work)
    flag.cancel()
    with pytest.raises(Cancelled):
        drain(work)
    assert not (tmp_path / "all.docx").exists()
