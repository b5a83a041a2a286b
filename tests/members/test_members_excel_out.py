"""The exported list and the import template, read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from handbook_desktop.services.excel.writer import ALL_COLUMNS, export_members, write_template
from handbook_desktop.services.members import MemberFilter, iter_rows
from handbook_desktop.services.members.fields import ETHNICITIES, FIELD_BY_KEY, FIELDS

TODAY = date(2026, 11, 15)


def test_export_is_formatted_for_print_and_keeps_codes_as_text(demo_db, tmp_path):
    with demo_db.read() as session:
        rows = list(iter_rows(session, MemberFilter(statuses=("official",), on=TODAY), full=True))
    path = tmp_path / "ds.xlsx"
    count = export_members(rows, path, title="Danh sách đảng viên Chi bộ 3", today=TODAY)
    assert count == len(rows) > 50
    sheet = load_workbook(path).active
    assert sheet.cell(row=1, column=1).value == "DANH SÁCH ĐẢNG VIÊN CHI BỘ 3"
    assert sheet.cell(row=2, column=1).value == f"Số người: {count} — lập ngày 15/11/2026"
    header = [c.value for c in sheet[3]]
    assert header[0] == "STT" and header[1:] == ["Chi bộ"] + [f.label for f in FIELDS]
    assert sheet.freeze_panes == "C4"
    assert sheet.auto_filter.ref == f"A3:{sheet.cell(row=3, column=len(header)).column_letter}{3 + count}"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"
    first = {header[i]: sheet.cell(row=4, column=i + 1) for i in range(len(header))}
    assert first["Họ và tên"].value == rows[0]["full_name"] and first["Họ và tên"].font.name == "Times New Roman"
    assert first["Ngày sinh"].number_format == "dd/mm/yyyy"
    assert isinstance(first["Ngày sinh"].value, datetime)
    assert first["Số CCCD"].data_type == "s" and first["Số CCCD"].value == rows[0]["national_id"]
    assert first["Trạng thái"].value == "Đảng viên chính thức"
    assert sheet.cell(row=3, column=2).font.name == "Times New Roman" and sheet.cell(row=3, column=2).font.bold


def test_export_reimports_unchanged(demo_db, secretary, tmp_path):
    from handbook_desktop.services.excel.importer import plan_import

    with demo_db.read() as session:
        rows = list(iter_rows(session, MemberFilter(on=TODAY), full=True))
    path = tmp_path / "ds.xlsx"
    export_members(rows, path, title="Danh sách", today=TODAY, notice="Tài liệu có dữ liệu cá nhân")
    with demo_db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    assert plan.header_row == 4
    assert plan.counts() == {"created": 0, "updated": 0, "unchanged": len(rows), "rejected": 0, "asked": 0}


def test_template_has_a_drop_down_for_every_enumeration(tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(path, unit_names=["Chi bộ số 1", "Chi bộ số 2"])
    book = load_workbook(path)
    sheet = book["Đảng viên"]
    lists = book["Danh mục"]
    assert lists.sheet_state == "hidden"
    header = [c.value for c in sheet[1]]
    assert header == ["Chi bộ"] + [f.label for f in FIELDS]
    by_column = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_column[header[cell_range.min_col - 1]] = validation
    for key in ["unit"] + [f.key for f in FIELDS if f.kind in ("enum", "choice")]:
        label = "Chi bộ" if key == "unit" else FIELD_BY_KEY[key].label
        validation = by_column[label]
        assert validation.type == "list" and "'Danh mục'!" in validation.formula1, label
        column_letter = validation.formula1.split("!")[1].split("$")[1]
        values = [c.value for c in lists[column_letter][1:] if c.value is not None]
        expected = ["Chi bộ số 1", "Chi bộ số 2"] if key == "unit" else [lbl for _, lbl in FIELD_BY_KEY[key].choices]
        assert values == expected, label
    assert by_column["Giới tính"].errorStyle == "stop" and by_column["Dân tộc"].errorStyle == "warning"
    assert len(ETHNICITIES) >= 54
    assert by_column["Ngày sinh"].type == "date"
    cccd_column = header.index("Số CCCD") + 1
    assert sheet.cell(row=2, column=cccd_column).number_format == "@"
    assert "Hướng dẫn" in book.sheetnames


def test_a_filled_template_imports(db, tmp_path):
    from handbook_desktop.services.excel.importer import plan_import

    path = tmp_path / "mau.xlsx"
    write_template(path)
    book = load_workbook(path)
    sheet = book["Đảng viên"]
    header = [c.value for c in sheet[1]]
    values = {"Họ và tên": "Trịnh Thị Yến", "Giới tính": "Nữ", "Ngày sinh": datetime(1979, 9, 2),
              "Số CCCD": "001179000001", "Trạng thái": "Đảng viên dự bị", "Ngày quyết định kết nạp": "02/01/2026",
              "Ngày lễ kết nạp": "02/02/2026", "Chức vụ đảng": "Chi ủy viên", "Dân tộc": "Tày"}
    for label, value in values.items():
        sheet.cell(row=2, column=header.index(label) + 1, value=value)
    book.save(path)
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    [row] = plan.rows
    assert row.action == "create", row.message
    assert row.values["status"] == "probationary" and row.values["party_position"] == "committee_member"
    assert row.values["national_id"] == "001179000001" and row.values["ethnicity"] == "Tày"
