"""Templates a secretary can change: the copy wins, and the check says what is wrong and where."""

from __future__ import annotations

import shutil

from docx import Document

from handbook_desktop import paths
from handbook_desktop.services import forms
from handbook_desktop.services.forms.samples import sample_context


def _edit(path, old, new_runs):
    """Replace the paragraph whose text is ``old`` by runs ``new_runs`` (what Word does when it splits)."""
    document = Document(str(path))
    for paragraph in list(document.paragraphs) + [p for t in document.tables for r in t.rows for c in r.cells
                                                  for p in c.paragraphs]:
        if paragraph.text == old:
            for run in list(paragraph.runs):
                run._r.getparent().remove(run._r)
            for text in new_runs:
                paragraph.add_run(text)
            document.save(str(path))
            return
    raise AssertionError(f"no paragraph {old!r}")


def test_builtin_templates_pass_the_check():
    for entry in forms.catalog():
        assert forms.check_template(code=entry.code) == [], entry.code


def test_user_copy_wins_over_builtin(tmp_path):
    entry = forms.find_form("NQ-MCT")
    copy = forms.make_user_copy("NQ-MCT")
    assert copy.parent == paths.user_templates_dir() and entry.template_path() == copy
    _edit(copy, "-----", ["BẢN SAO CỦA CHI BỘ"])
    out = forms.render_form("NQ-MCT", sample_context("NQ-MCT"), tmp_path / "x.docx")
    assert "BẢN SAO CỦA CHI BỘ" in [p.text for p in Document(str(out)).paragraphs]
    aside = forms.remove_user_copy("NQ-MCT")
    assert aside.exists() and not entry.has_user_copy  # set aside, never deleted
    out = forms.render_form("NQ-MCT", sample_context("NQ-MCT"), tmp_path / "y.docx")
    assert "BẢN SAO CỦA CHI BỘ" not in [p.text for p in Document(str(out)).paragraphs]


def test_check_reports_unknown_variable_with_place(tmp_path):
    path = tmp_path / "t.docx"
    shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, path)
    _edit(path, "-----", ["{{ member.ful_name }}"])
    problems = forms.check_template(path, "NQ-MCT")
    assert any("member.ful_name" in p.message and p.place.startswith("đoạn") for p in problems), problems


def test_check_reports_syntax_error(tmp_path):
    path = tmp_path / "t.docx"
    shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, path)
    _edit(path, "-----", ["{% if member.full_name %}chưa đóng"])
    problems = forms.check_template(path, "NQ-MCT")
    assert problems and problems[0].severity == "error" and "thẻ viết sai" in problems[0].message


def test_check_reports_braces_split_by_word(tmp_path):
    path = tmp_path / "t.docx"
    shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, path)
    _edit(path, "-----", ["{", "{ member.full_name }}"])
    problems = forms.check_template(path, "NQ-MCT")
    assert problems[0].severity == "error" and "tách" in problems[0].message and problems[0].place.startswith("đoạn")


def test_check_warns_about_tag_spread_over_runs_but_it_renders(tmp_path):
    path = tmp_path / "t.docx"
    shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, path)
    _edit(path, "-----", ["{{ member.full", "_name }}"])
    problems = forms.check_template(path, "NQ-MCT")
    assert [p.severity for p in problems] == ["warning"]
    out = forms.render_form("NQ-MCT", sample_context("NQ-MCT"), tmp_path / "o.docx", template=path)
    assert "Ngô Đức Thắng" in [p.text for p in Document(str(out)).paragraphs]


def test_not_a_docx_is_reported(tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(b"not a zip")
    problems = forms.check_template(path, "NQ-MCT")
    assert problems[0].severity == "error" and "không phải tệp Word" in problems[0].message


def test_broken_user_copy_stops_the_export_with_the_place(tmp_path):
    import pytest

    from handbook_desktop.services.errors import UserError

    copy = forms.make_user_copy("NQ-MCT")
    _edit(copy, "-----", ["{{ member.ful_name }}"])
    with pytest.raises(UserError, match=r"member\.ful_name") as caught:
        forms.render_form("NQ-MCT", sample_context("NQ-MCT"), tmp_path / "x.docx")
    assert "đoạn" in str(caught.value) and not (tmp_path / "x.docx").exists()
    with pytest.raises(UserError):
        from handbook_desktop.services.progress import drain

        drain(forms.render_batch("NQ-MCT", [sample_context("NQ-MCT")], tmp_path / "all.docx"))
