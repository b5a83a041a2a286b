"""Layouts of our own, not among the shared samples: groups that say the status, totals and a
signature block, three-row headers, .xls and .ods, the official 7-HSĐV and 2-HSĐV layouts, phones
that lost their 0, name-only rows, ambiguous matches, and a mapping remembered for next month."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from handbook_desktop.services.excel.importer import apply_import, plan_import
from handbook_desktop.services.members import MemberFilter, fetch_page, get_member

TODAY = date(2026, 11, 30)


def _save(rows: list[list], path: Path, merges=(), title="DS") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def _stored(db) -> dict:
    with db.read() as session:
        rows = fetch_page(session, MemberFilter(on=TODAY), 0, 200)
        return {r["full_name"]: get_member(session, r["uuid"]) for r in rows}


GROUPED = [
    ["CHI BỘ KHU DÂN CƯ SỐ 5"], [],
    ["TT", "Họ và tên", "Ngày, tháng, năm", None, None, "Điện thoại"],
    [None, None, "Sinh", "Vào Đảng", "Chính thức", None],
    ["I. ĐẢNG VIÊN CHÍNH THỨC"],
    [1, "Nguyễn Văn An", "01/02/1960", "03/02/1985", "03/02/1986", 912345678],
    [2, "Trần Thị Bình", "05/06/1970", "19/05/1995", "19/05/1996", "0983111222"],
    ["II. ĐẢNG VIÊN DỰ BỊ"],
    [3, "Lê Văn Cường", "07/08/2000", "02/09/2026", None, None],
    [4, "Phạm Thị Dung", "09/10/2001", "15/10/2026", None, None],
    [None, "Tổng cộng: 4 đồng chí"],
    [],
    [None, "Người lập biểu", None, None, "T/M CHI ỦY"],
    [None, None, None, None, "BÍ THƯ"],
    [], [],
    [None, "Hoàng Văn Em", None, None, "Nguyễn Văn An"],
]


def test_groups_give_the_status_and_nothing_under_the_table_is_a_member(db, secretary, tmp_path):
    """The sheet of issue 16: two-row header under a merged 'Ngày, tháng, năm', status groups, totals,
    the signature block and the signers' names."""
    path = _save(GROUPED, tmp_path / "nhom.xlsx", merges=["C3:E3", "A3:A4", "B3:B4", "F3:F4"])
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    assert [r.full_name for r in plan.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    assert all(r.action == "create" for r in plan.rows), [r.message for r in plan.rows]
    sheet = plan.sheets[0]
    assert sheet.header_rows == (3, 4)
    assert [(row, status) for row, _, status in sheet.groups] == [(5, "official"), (8, "probationary")]
    assert sheet.end == (11, "Tổng cộng: 4 đồng chí")
    notes = " ".join(plan.notes)
    assert "nhóm 'I. ĐẢNG VIÊN CHÍNH THỨC'" in notes and "bảng kết thúc ở dòng 11" in notes
    cuong = plan.rows[2]
    assert cuong.values["decision_date"] == date(2026, 9, 2) and cuong.values["status"] == "probationary"
    assert any("nhóm 'II. ĐẢNG VIÊN DỰ BỊ'" in a for a in cuong.assumptions)  # said on the row
    an = plan.rows[0]
    assert an.values["phone"] == "0912345678" and any("mất số 0" in w for w in an.warnings)
    apply_import(db, secretary, path, today=TODAY)
    stored = _stored(db)
    assert sorted(stored) == sorted(r.full_name for r in plan.rows)  # no "Hoàng Văn Em", no totals
    assert stored["Lê Văn Cường"].status == "probationary" and stored["Lê Văn Cường"].official_date is None
    again = apply_import(db, secretary, path, today=TODAY)
    assert again.counts()["created"] == 0 and again.counts()["unchanged"] == 4


def test_three_header_rows_and_a_sheet_of_members_who_left(db, secretary, tmp_path):
    workbook = Workbook()
    active = workbook.active
    active.title = "Đang sinh hoạt"
    for row in [["DANH SÁCH ĐẢNG VIÊN"], ["STT", "Họ và tên", "Thông tin", None, None],
                [None, None, "Năm sinh", None, "Ngày vào Đảng"], [None, None, "Nam", "Nữ", None],
                [1, "Đỗ Văn Hải", 1958, None, "12/12/1980"], [2, "Mai Thị Hoa", None, "1962", "03/02/1990"]]:
        active.append(row)
    active.merge_cells("C2:E2"); active.merge_cells("C3:D3")
    left = workbook.create_sheet("DS chuyển đi")
    for row in [["Họ và tên", "Ngày sinh", "Ngày chuyển đi"], ["Vũ Minh Khang", "04/04/1985", "01/10/2026"]]:
        left.append(row)
    path = tmp_path / "ba-dong.xlsx"
    workbook.save(path)
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    rows = {r.full_name: r for r in plan.rows}
    assert plan.sheets[0].header_rows == (2, 4)
    hai, hoa = rows["Đỗ Văn Hải"], rows["Mai Thị Hoa"]
    assert (hai.birth_year, hai.values["gender"], hoa.birth_year, hoa.values["gender"]) == (1958, "male", 1962, "female")
    assert "date_of_birth" not in hai.values and any("…/…/1958" in w for w in hai.warnings)
    # Admitted 1980 and no official-date column: official, said as an assumption to complete.
    assert hai.values["status"] == "official" and any("hãy bổ sung" in a for a in hai.assumptions)
    assert rows["Vũ Minh Khang"].values["status"] == "transferred_out"
    apply_import(db, secretary, path, today=TODAY)
    with db.read() as session:
        found = fetch_page(session, MemberFilter(on=TODAY, search="do van hai"), 0, 5)[0]
        member = get_member(session, found["uuid"])
        assert member.date_of_birth is None and member.birth_year == 1958  # never 01/01/1958
    assert apply_import(db, secretary, path, today=TODAY).counts()["created"] == 0


def test_a_chosen_sheet_only(db, tmp_path):
    from test_sheets_samples import sample

    path, _ = sample("d_hai_trang")
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY, sheets=["Đã chuyển đi"])
    assert [r.full_name for r in plan.rows] == ["Quách Minh Khôi"] and plan.other_sheets == ["Đang sinh hoạt"]


def _xls(path: Path) -> Path:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DSDV")
    for r, row in enumerate(GROUPED):
        for c, value in enumerate(row):
            if value is not None and not (r == 2 and c in (0, 1, 2, 5)):
                sheet.write(r, c, value)
    sheet.write_merge(2, 2, 2, 4, "Ngày, tháng, năm")
    for c, text in ((0, "TT"), (1, "Họ và tên"), (5, "Điện thoại")):
        sheet.write_merge(2, 3, c, c, text)
    book.save(str(path))
    return path


def _ods(path: Path, rows: list[list]) -> Path:
    """An OpenDocument sheet written part by part, as LibreOffice lays it out."""
    cells = []
    for row in rows:
        out = []
        for value in row:
            if value is None:
                out.append("<table:table-cell/>")
            elif isinstance(value, (int, float)):
                out.append(f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'
                           "</table:table-cell>")
            else:
                out.append(f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>')
        cells.append("<table:table-row>" + "".join(out) + "</table:table-row>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="DSDV">' + "".join(cells)
               + "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_xls_and_ods_read_like_xlsx(db, tmp_path, kind):
    if kind == "xls":
        path = _xls(tmp_path / "nhom.xls")
    else:
        rows = [list(r) for r in GROUPED]
        rows[2] = ["TT", "Họ và tên", "Ngày, tháng, năm", None, None, "Điện thoại"]
        path = _ods(tmp_path / "nhom.ods", rows)
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    assert [r.full_name for r in plan.rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    assert [r.values["status"] for r in plan.rows] == ["official", "official", "probationary", "probationary"]
    assert plan.rows[0].values["decision_date"] == date(1985, 2, 3)
    assert plan.rows[0].values["phone"] == "0912345678"


# Sổ danh sách đảng viên, mẫu 7-HSĐV: the columns as the register prints them (check against the
# printed book); two header rows with merged parents.
BOOK_7 = [["Số thứ tự", "Họ và tên", "Ngày, tháng, năm sinh", None, "Quê quán", "Dân tộc", "Tôn giáo",
           "Nghề nghiệp", "Trình độ", None, "Ngày vào Đảng", None, "Số thẻ đảng viên", "Ghi chú"],
          [None, None, "Nam", "Nữ", None, None, None, None, "Văn hóa", "Chuyên môn", "Dự bị", "Chính thức", None, None],
          list(range(1, 15)),
          [1, "Nguyễn Văn Bảy", "12/03/1955", None, "Hà Nội", "Kinh", "Không", "Hưu trí", "10/10", "Đại học",
           "19/05/1980", "19/05/1981", "01.000123", None]]
# The fields of Phiếu đảng viên (2-HSĐV) as the national register exports them, one header row.
FIELDS_2 = ["Họ và tên đang dùng", "Họ và tên khai sinh", "Tên gọi khác", "Giới tính", "Ngày sinh", "Nơi sinh",
            "Quê quán", "Nơi thường trú", "Nơi tạm trú", "Dân tộc", "Tôn giáo", "Số CCCD", "Ngày vào Đảng",
            "Ngày chính thức", "Số thẻ đảng viên", "Số lý lịch", "Nghề nghiệp", "Giáo dục phổ thông",
            "Chuyên môn nghiệp vụ", "Học vị", "Lý luận chính trị", "Ngoại ngữ", "Tin học"]


def test_the_official_layouts_import_without_any_mapping(db, tmp_path):
    book = _save(BOOK_7, tmp_path / "7-hsdv.xlsx", merges=["C1:D1", "I1:J1", "K1:L1", "A1:A2", "B1:B2"])
    fields = _save([FIELDS_2, ["Trần Văn Tám", "Trần Văn Tám", None, "Nam", "02/02/1972", "Hà Nội", "Hà Nội",
                               "Số 1 Hàng Bạc", None, "Kinh", "Không", "001072000123", "03/02/2000", "03/02/2001",
                               "01.000456", "123456HN", "Kỹ sư", "12/12", "Đại học", "Thạc sĩ", "Trung cấp",
                               "Anh B", "Cơ bản"]], tmp_path / "2-hsdv.xlsx")
    with db.read() as session:
        seven = plan_import(session, book, today=TODAY)
        two = plan_import(session, fields, today=TODAY)
    assert seven.ignored_columns == [] and two.ignored_columns == []
    assert len(seven.sheets[0].columns) == 13 and len(two.sheets[0].columns) == len(FIELDS_2)
    row = seven.rows[0]
    assert row.action == "create", row.message
    assert (row.values["gender"], row.values["date_of_birth"], row.values["official_date"],
            row.values["general_education"], row.values["professional_level"]) == (
        "male", date(1955, 3, 12), date(1981, 5, 19), "10/10", "Đại học")
    assert two.rows[0].action == "create" and two.rows[0].values["national_id"] == "001072000123"


def test_name_only_rows_match_existing_members_and_ambiguous_ones_are_asked(db, secretary, add_member, tmp_path):
    add_member("Ngô Thị Lan", date_of_birth=date(1970, 1, 1))
    add_member("Đinh Văn Minh", date_of_birth=date(1960, 5, 5))
    add_member("Đinh Văn Minh", date_of_birth=date(1988, 8, 8))
    add_member("Lý Văn Nam")
    path = _save([["STT", "Họ và tên", "Năm sinh", "Điện thoại"],
                  [1, "Ngô Thị Lan", None, "0912000999"],  # name alone: the one record of that name
                  [2, "Đinh Văn Minh", None, None],  # two records of that name: asked
                  [3, "Đinh Văn Minh", 1988, None],  # the year tells which
                  [4, "Lý Văn Nam", 1975, None]],  # a year the only record lacks: asked, not merged
                 tmp_path / "ten.xlsx")
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    lan, minh, minh88, nam = plan.rows
    assert lan.action == "update" and lan.changes[0][0] == "phone"
    assert any("khớp theo họ tên" in a for a in lan.assumptions)
    assert minh.action == "ask" and len(minh.candidates) == 2 and "1960" in minh.message
    assert minh88.action == "unchanged"
    assert nam.action == "ask" and len(nam.candidates) == 1
    # The secretary answers: the first is the man born 1960, the other a new person.
    born_1960 = next(uuid for uuid, text in minh.candidates if "1960" in text)
    answers = {minh.key: born_1960, nam.key: "new"}
    done = apply_import(db, secretary, path, today=TODAY, answers=answers)
    assert done.counts() == {"created": 1, "updated": 1, "unchanged": 2, "rejected": 0, "asked": 0}
    again = apply_import(db, secretary, path, today=TODAY)
    assert again.counts()["created"] == 0 and again.counts()["updated"] == 0


def test_a_mapping_set_once_is_remembered_for_the_same_layout(db, secretary, tmp_path):
    rows = [["Họ và tên", "Ngày sinh", "Cột lạ"], ["Hà Văn Phong", "01/01/1970", "0912000888"]]
    path = _save(rows, tmp_path / "thang-11.xlsx")
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    assert plan.ignored_columns == ["Cột lạ"] and "phone" not in plan.rows[0].values
    sheet = plan.sheets[0]
    mapping = dict(sheet.columns) | {2: "phone"}
    apply_import(db, secretary, path, today=TODAY, mappings={sheet.name: mapping})
    rows[1] = ["Hà Văn Phong", "01/01/1970", "0912000777"]
    nextmonth = _save(rows, tmp_path / "thang-12.xlsx")
    with db.read() as session:
        plan = plan_import(session, nextmonth, today=TODAY)
    assert plan.sheets[0].remembered and plan.rows[0].changes == [("phone", "Điện thoại", "0912****88", "0912****77")]


def test_the_command_line_chooses_sheets_and_answers_questions(db, add_member, capsys, monkeypatch):
    from handbook_desktop.cli import main
    from test_sheets_samples import sample

    monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau123")
    add_member("Quách Minh Khôi")
    add_member("Quách Minh Khôi", party_card_number="01.000321")
    path, _ = sample("d_hai_trang")
    file = str(db.file)
    db.close()
    code = main(["--db", file, "members", "import", str(path), "--sheet", "Đã chuyển đi", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and "cần chọn 1" in out and "--answer 'Đã chuyển đi!4=" in out
    answer = out.split("--answer '")[1].split("'")[0]
    code = main(["--db", file, "members", "import", str(path), "--sheet", "Đã chuyển đi", "--answer", answer,
                 "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["updated"] == 1 and result["asked"] == 0 and result["created"] == 0
