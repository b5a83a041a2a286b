"""``forms check FILE`` and ``forms batch CODE`` from the command line."""

from __future__ import annotations

import json
import shutil
import zipfile

from docx import Document

from handbook_desktop.cli import main
from handbook_desktop.services import forms


def test_forms_check_names_the_place_and_fails(tmp_path, capsys):
    good = tmp_path / forms.find_form("NQ-MCT").file
    shutil.copyfile(forms.find_form("NQ-MCT").builtin_path, good)
    assert main(["forms", "check", str(good)]) == 0
    assert "không có lỗi" in capsys.readouterr().out
    bad = tmp_path / "ban-sao.docx"
    shutil.copyfile(good, bad)
    document = Document(str(bad))
    paragraph = next(p for p in document.paragraphs if p.text == "-----")
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.add_run("{{ lipsum.__globals__ }}")
    document.save(str(bad))
    assert main(["forms", "check", str(bad), "--code", "nq-mct", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert not report["ok"] and any(p["place"].startswith("đoạn") and "gạch dưới" in p["message"]
                                    for p in report["problems"])


def test_forms_batch_merges_with_pages_restarting(demo_db, tmp_path, capsys):
    from handbook_desktop.services.forms.build import current_members

    with demo_db.read() as session:
        uuids = [m.uuid for m in current_members(session)[:3]]
    path = str(demo_db.file)
    demo_db.close()
    out = tmp_path / "phieu.docx"
    args = ["--db", path, "forms", "batch", "2-hsdv", "--out", str(out), "--json"]
    for uuid in uuids:
        args += ["--member", uuid]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 3
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert xml.count("<w:sectPr") == 3 and xml.count('<w:pgNumType w:start="1"/>') == 3
