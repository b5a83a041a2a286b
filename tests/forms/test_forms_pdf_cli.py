"""PDF through LibreOffice (page counts of every form) and the command line."""

from __future__ import annotations

import json

import pytest

from handbook_desktop.cli import main
from handbook_desktop.services import forms
from handbook_desktop.services.forms.export import find_soffice, pdf_pages
from handbook_desktop.services.forms.samples import sample_context


@pytest.mark.slow
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_every_form_converts_to_pdf_with_expected_pages(tmp_path):
    for entry in forms.catalog():
        docx = forms.render_form(entry.code, sample_context(entry.code), tmp_path / f"{entry.file}")
        pdf = forms.export_pdf(docx)
        assert pdf.is_file()
        assert pdf_pages(pdf) == entry.pages, entry.code


def test_cli_list_json(capsys):
    assert main(["forms", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    codes = {item["code"] for item in data}
    assert {"2-HSĐV", "BB-SHCB", "1-SHĐ"} <= codes
    assert all({"code", "title", "subject", "doc_type", "version", "notes"} <= set(item) for item in data)


def test_cli_render_member_form_and_refusals(demo_db, tmp_path, capsys):
    from handbook_desktop.services.forms.build import current_members

    with demo_db.read() as session:
        uuid = current_members(session)[0].uuid
    path = str(demo_db.file)
    demo_db.close()
    out = tmp_path / "phieu.docx"
    assert main(["--db", path, "forms", "render", "2-hsdv", "--member", uuid, "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == "2-HSĐV" and out.is_file()
    assert main(["--db", path, "forms", "render", "2-HSĐV", "--out", str(tmp_path / "x.docx")]) == 1
    assert "chọn một đảng viên" in capsys.readouterr().err
    assert main(["--db", path, "forms", "render", "KHONG-CO", "--out", str(tmp_path / "y.docx")]) == 1
    assert "Không có biểu mẫu" in capsys.readouterr().err
