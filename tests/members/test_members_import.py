"""Importing the sheets people really keep: every quirk in one workbook, outcome row by row."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from handbook_desktop.services.excel.cells import CellProblem, legacy_encoding, parse_date_cell
from handbook_desktop.services.excel.importer import apply_import, plan_import
from handbook_desktop.services.excel.writer import write_report
from handbook_desktop.services.members import MemberFilter, count_members, fetch_page, get_member, member_history

TODAY = date(2026, 11, 15)
HEADINGS_TOP = ["STT", "Họ tên", "Ngày tháng năm sinh", "Ngày", None, None, "Số thẻ ĐV", "Số CCCD/CMND",
                "SĐT", "Nam/Nữ", "Sở thích"]
HEADINGS_SUB = [None, None, None, "vào Đảng", "chính thức", "cấp thẻ", None, None, None, None, None]
NFD_NAME = unicodedata.normalize("NFD", "Phạm Thị Hương")

# row number in Excel → (cells from "Họ tên" on, expected action, a word the reason must contain)
ROWS = {
    7: (["Nguyễn Văn Đức", datetime(1980, 5, 3), datetime(2005, 2, 1), datetime(2006, 3, 1), datetime(2006, 9, 1),
         "01.234567", "001080012345", "0912345678", "Nam"], "create", None),
    8: (["Trần Thị Lan", 29221, "05/03/2001", "05/03/2002", None, "02.000111", "001180000111", None, "Nữ"],
        "create", None),
    9: (["Lê Văn Tám", "5/3/75", "12-06-1999", "12.06.2000", None, "03.000222", None, None, "nam"], "create", None),
    10: (["Hoàng Văn Ba", "31/02/1980", None, None, None, None, None, None, "Nam"], "rejected", "không có thật"),
    11: (["Hoàng Văn Bốn", "03/15/1980", None, None, None, None, None, None, "Nam"], "rejected", "tháng 15"),
    # A birth year alone is kept as a year (issue 16), said on the row, never made 01/01.
    12: (["Hoàng Văn Năm", 1975, None, None, None, None, None, None, "Nam"], "create", "…/…/1975"),
    13: ([NFD_NAME, "02/09/1985", "03/02/2010", "03/02/2011", None, "04.000333", None, None, "Nữ"], "create", None),
    # TCVN3 (.VnTime) is converted by the standard's table and said so; VNI is reported, not guessed.
    14: (["NguyÔn V¨n §øc", "01/01/1970", None, None, None, None, None, None, "Nam"], "create", "TCVN3"),
    15: (["Nguyeãn Vaên Ñöùc", "01/01/1971", None, None, None, None, None, None, "Nam"], "rejected", "VNI"),
    16: (["Đỗ Văn Sáu", "01/01/1972", None, None, None, None, 1085012345, None, "Nam"], "rejected", "12 chữ số"),
    17: (["Vũ Thị Bảy", "01/01/2001", "01/01/1999", None, None, None, None, None, "Nữ"], "rejected", "không thể sau"),
    18: (["Vũ Thị Tám", "01/06/1990", "01/01/2005", None, None, None, None, None, "Nữ"], "rejected", "chưa đủ 18"),
    19: (["Ngô Văn Chín", "01/01/1960", "01/01/1990", "01/01/1991", None, "1234567", None, None, "Nam"], "create",
         "NN.NNNNNN"),
    20: (["Nguyễn Văn Đức (trùng)", "01/01/1961", None, None, None, "01.234567", None, None, "Nam"], "rejected",
         "dòng 7"),
    22: (["Bùi Văn Cũ", "10/10/1950", "10/10/1975", "10/10/1976", None, "05.000444", None, "0988000111", "Nam"],
         "update", "Điện thoại"),
    23: (["Bùi Thị Giữ", "11/11/1951", None, None, None, "05.000555", None, None, "Nữ"], "unchanged", None),
    24: (["Lý Văn Mười", "01/01/1965", None, None, None, None, None, None, "Ông"], "rejected", "không có trong danh mục"),
}


def _write_sheet(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "DS đảng viên"
    sheet["A1"] = "ĐẢNG BỘ PHƯỜNG HOÀN KIẾM"
    sheet.merge_cells("A1:K1")
    sheet["A2"] = "DANH SÁCH ĐẢNG VIÊN CHI BỘ KHU DÂN CƯ SỐ 5"
    sheet.merge_cells("A2:K2")
    for column, value in enumerate(HEADINGS_TOP, start=1):
        sheet.cell(row=4, column=column, value=value)
    for column, value in enumerate(HEADINGS_SUB, start=1):
        if value:
            sheet.cell(row=5, column=column, value=value)
    for letter in "ABCGHIJK":
        sheet.merge_cells(f"{letter}4:{letter}5")
    sheet.merge_cells("D4:F4")  # the group heading "Ngày" over three columns
    for column in range(1, 12):
        sheet.cell(row=6, column=column, value=f"({column})")
    for row, (cells, _, _) in ROWS.items():
        sheet.cell(row=row, column=1, value=row - 6)
        for column, value in enumerate(cells, start=2):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy"
        sheet.cell(row=row, column=11, value="đọc sách")
    # row 21 is left empty on purpose
    workbook.save(path)
    return path


@pytest.fixture
def quirky(tmp_path, db, secretary):
    from handbook_desktop.services.members import create_member

    with db.session() as session:
        create_member(session, secretary, {"full_name": "Bùi Văn Cũ", "date_of_birth": date(1950, 10, 10),
                                           "decision_date": date(1975, 10, 10), "ceremony_date": date(1975, 10, 10),
                                           "official_date": date(1976, 10, 10), "party_card_number": "05.000444",
                                           "phone": "0988000000", "gender": "male"}, today=TODAY)
        create_member(session, secretary, {"full_name": "Bùi Thị Giữ", "date_of_birth": date(1951, 11, 11),
                                           "party_card_number": "05.000555", "gender": "female",
                                           "status": "official"}, today=TODAY)
    return _write_sheet(tmp_path / "danh sach.xlsx")


def test_dry_run_reports_every_row_and_changes_nothing(db, quirky):
    with db.read() as session:
        plan = plan_import(session, quirky, today=TODAY)
        assert count_members(session, MemberFilter(on=TODAY)) == 2
    assert plan.header_row == 5
    assert "Sở thích" in " ".join(plan.notes)  # the column not understood is reported, not silently dropped
    assert any("đánh số cột" in note for note in plan.notes)
    outcomes = {row.row_number: row for row in plan.rows}
    assert set(outcomes) == set(ROWS)  # the empty row 21 is no row at all
    for number, (_, action, word) in ROWS.items():
        row = outcomes[number]
        assert row.action == action, (number, row.message)
        if word:
            assert word in row.message, (number, row.message)
    assert outcomes[8].values["date_of_birth"] == date(1980, 1, 1)  # Excel serial 29221
    assert outcomes[9].values["date_of_birth"] == date(1975, 3, 5)  # d/m/yy, day first
    assert outcomes[9].values["decision_date"] == date(1999, 6, 12)
    assert outcomes[9].values["official_date"] == date(2000, 6, 12)
    assert outcomes[7].values["national_id"] == "001080012345"  # leading zeros kept
    assert outcomes[13].full_name == "Phạm Thị Hương" and unicodedata.is_normalized("NFC", outcomes[13].full_name)
    assert outcomes[22].changes == [("phone", "Điện thoại", "0988****00", "0988****11")]
    assert outcomes[14].values["full_name"] == "Nguyễn Văn Đức" and "chuyển sang Unicode" in outcomes[14].message
    assert outcomes[12].birth_year == 1975 and "date_of_birth" not in outcomes[12].values
    assert plan.counts() == {"created": 7, "updated": 1, "unchanged": 1, "rejected": 8, "asked": 0}


def test_apply_writes_accepted_rows_and_a_second_import_changes_nothing(db, secretary, quirky, tmp_path):
    plan = apply_import(db, secretary, quirky, today=TODAY)
    assert plan.applied and plan.counts()["created"] == 7
    with db.read() as session:
        names = [r["full_name"] for r in fetch_page(session, MemberFilter(on=TODAY), 0, 50)]
        assert "Phạm Thị Hương" in names and len(names) == 9
        updated = fetch_page(session, MemberFilter(search="bui van cu", on=TODAY), 0, 5)[0]
        assert updated["phone"] == "0988000111"
        history = member_history(session, updated["uuid"])
        assert any(h["field"] == "phone" and h["username"] == "admin" for h in history)
        lam = fetch_page(session, MemberFilter(search="tran thi lan", on=TODAY), 0, 5)[0]
        assert get_member(session, lam["uuid"]).status == "official"  # from its official date
    again = apply_import(db, secretary, quirky, today=TODAY)
    counts = again.counts()
    assert counts["created"] == 0 and counts["updated"] == 0 and counts["unchanged"] == 9
    assert counts["rejected"] == 8
    report = tmp_path / "ket-qua.xlsx"
    write_report(again, report)
    sheet = load_workbook(report).active
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "Dòng")
    header = rows[header_index]
    assert header[-2:] == ("Kết quả", "Lý do, ghi chú")
    body = {r[0]: r for r in rows[header_index + 1:]}
    assert body[15][-2] == "Không nhận" and "VNI" in body[15][-1]
    assert body[15][2] == "Nguyeãn Vaên Ñöùc"  # the row echoed as it was
    assert body[14][-2] == "Không đổi"  # converted the first time, the same record the second
    assert body[7][-2] == "Không đổi"


def test_an_import_writes_one_audit_line_per_record_with_its_fields_inside(db, secretary, quirky):
    """Issue 18 §3: a 20,000-row import wrote ~509,000 audit rows (one per field); now one per record."""
    from sqlalchemy import select

    from handbook_desktop.services import audit
    from handbook_desktop.store.models import AuditLog, Member

    with db.read() as session:
        before = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    apply_import(db, secretary, quirky, today=TODAY)
    with db.read() as session:
        lines = session.scalars(select(AuditLog).where(AuditLog.id > before).order_by(AuditLog.id)).all()
        created = {m.uuid: m for m in session.scalars(select(Member).where(Member.full_name != "Bùi Văn Cũ"))}
        by_action = {}
        for line in lines:
            by_action.setdefault(line.action, []).append(line)
        assert sorted(by_action) == ["create", "import", "update"]
        assert len(by_action["create"]) == 7 and len(by_action["update"]) == 1 and len(by_action["import"]) == 1
        for line in by_action["create"]:
            member = created[line.entity_uuid]
            changes = {field: new for field, _, new in audit.read_changes(line)}
            assert changes["full_name"] == member.full_name
            assert changes.get("birth_year") == (str(member.birth_year) if member.birth_year else None)
        duc = next(line for line in by_action["create"] if created[line.entity_uuid].national_id == "001080012345")
        assert "001080012345" not in duc.changes  # masked inside the line too
        (update,) = by_action["update"]
        assert [(f, old, new) for f, old, new in audit.read_changes(update)] == [("phone", "0988****00", "0988****11")]


def test_importing_changes_all_or_nothing(db, secretary, quirky, monkeypatch):
    from handbook_desktop.services.excel import importer

    real = importer.create_rows
    written = {}

    def failing(session, actor, rows):
        real(session, actor, rows)  # the new members are in the open transaction …
        written["members"] = count_members(session, MemberFilter(on=TODAY))
        raise RuntimeError("disk full")  # … when the disk fills

    monkeypatch.setattr(importer, "create_rows", failing)
    with pytest.raises(RuntimeError):
        apply_import(db, secretary, quirky, today=TODAY)
    assert written["members"] > 2
    with db.read() as session:
        assert count_members(session, MemberFilter(on=TODAY)) == 2


def test_header_row_found_anywhere_in_the_first_rows_with_synonyms(db, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for row in range(1, 12):
        sheet.cell(row=row, column=1, value=f"Ghi chú đầu trang {row}" if row % 2 else None)
    headings = ["Ho ten", "Ngày sinh (dd/mm/yyyy)", "Số thẻ đảng viên", "Giới tính", "Chức vụ Đảng", "Trạng thái"]
    for column, value in enumerate(headings, start=1):
        sheet.cell(row=12, column=column, value=value)
    values = ["Đinh Văn Ước", "07/08/1966", "06.000666", "Nam", "Bí thư", "Chính thức"]
    for column, value in enumerate(values, start=1):
        sheet.cell(row=13, column=column, value=value)
    path = tmp_path / "synonyms.xlsx"
    workbook.save(path)
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    assert plan.header_row == 12
    row = plan.rows[0]
    assert row.action == "create", row.message
    assert row.values["party_position"] == "secretary" and row.values["status"] == "official"
    assert row.values["date_of_birth"] == date(1966, 8, 7)


def test_a_sheet_without_a_header_is_refused_with_a_message(db, tmp_path):
    from handbook_desktop.services.errors import UserError

    workbook = Workbook()
    workbook.active["A1"] = "Không có tiêu đề"
    path = tmp_path / "blank.xlsx"
    workbook.save(path)
    with pytest.raises(UserError, match="dòng tiêu đề"), db.read() as session:
        plan_import(session, path, today=TODAY)


def _write_xls(path: Path) -> Path:
    """The same sheet as a legacy Excel 97–2003 file (BIFF8, as xlwt and old Excel write it)."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("DS dang vien")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    sheet.write_merge(0, 0, 0, 10, "ĐẢNG BỘ PHƯỜNG HOÀN KIẾM")
    for column, value in enumerate(HEADINGS_TOP):
        if value and column not in (3,):
            sheet.write_merge(3, 4, column, column, value)
    sheet.write_merge(3, 3, 3, 5, "Ngày")
    for column, value in enumerate(HEADINGS_SUB):
        if value:
            sheet.write(4, column, value)
    for column in range(11):
        sheet.write(5, column, f"({column + 1})")
    for row, (cells, _, _) in ROWS.items():
        sheet.write(row - 1, 0, row - 6)
        for column, value in enumerate(cells, start=1):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write(row - 1, column, value, date_style)
            else:
                sheet.write(row - 1, column, value)
    book.save(str(path))
    return path


def test_legacy_xls_is_read(db, quirky, tmp_path):
    xls = _write_xls(tmp_path / "danh sach cu.xls")
    with db.read() as session:
        plan = plan_import(session, xls, today=TODAY)
    outcomes = {row.row_number: row for row in plan.rows}
    assert {n: r.action for n, r in outcomes.items()} == {number: action for number, (_, action, _) in ROWS.items()}
    assert outcomes[7].values["date_of_birth"] == date(1980, 5, 3)  # a real date cell
    assert outcomes[8].values["date_of_birth"] == date(1980, 1, 1)  # a serial number
    assert outcomes[7].values["national_id"] == "001080012345"
    assert plan.counts()["created"] == 7


@pytest.mark.parametrize("value, expected", [
    (datetime(1975, 3, 5, 0, 0), date(1975, 3, 5)),
    (27458, date(1975, 3, 5)),
    ("05/03/1975", date(1975, 3, 5)),
    ("5/3/75", date(1975, 3, 5)),
    ("05-03-1975", date(1975, 3, 5)),
    ("05.03.1975", date(1975, 3, 5)),
    ("1975-03-05", date(1975, 3, 5)),
    ("5/3/15", date(2015, 3, 5)),  # 1915 would be over a hundred years ago
    (" 05 / 03 / 1975 ", date(1975, 3, 5)),
    (None, None),
    ("", None),
])
def test_dates_in_every_form_are_read_day_first(value, expected):
    assert parse_date_cell(value, TODAY) == expected


@pytest.mark.parametrize("value, words", [
    ("31/02/1980", "không có thật"), ("12/13/1980", "tháng 13"), ("1975", "Chỉ có năm"), (1975, "Chỉ có năm"),
    ("03/1975", "thiếu ngày"), ("mùng 5 tháng 3", "Không hiểu"), ("5/3/26", "thế kỷ"), (45, "năm 1900"),
])
def test_impossible_or_ambiguous_dates_are_reported_never_guessed(value, words):
    with pytest.raises(CellProblem, match=words):
        parse_date_cell(value, TODAY)


@pytest.mark.parametrize("text, expected", [
    ("NguyÔn V¨n §øc", "TCVN3"), ("Hµ Néi", "TCVN3"), ("TrÇn ThÞ Thu", "TCVN3"),
    ("Nguyeãn Vaên Ñöùc", "VNI"), ("Traàn Thò Thu Höông", "VNI"),
    ("Nguyễn Văn Đức", None), ("Hà Nội", None), ("Số 5, ngõ 12° Hàng Bạc", None), ("Phạm Thị Hương", None),
])
def test_legacy_font_text_is_detected(text, expected):
    assert legacy_encoding(text) == expected


@pytest.mark.parametrize("tcvn3, unicode_text", [
    ("NguyÔn V¨n §øc", "Nguyễn Văn Đức"), ("Hµ Néi", "Hà Nội"), ("TrÇn ThÞ Thu H­¬ng", "Trần Thị Thu Hương"),
    ("Thµnh phè Hå ChÝ Minh", "Thành phố Hồ Chí Minh"), ("§¶ng Céng s¶n ViÖt Nam", "Đảng Cộng sản Việt Nam"),
    ("B¶o Th¾ng", "Bảo Thắng"), ("M­êng Kh­¬ng", "Mường Khương"), ("Ch©u ¢u, ¤ M«n, ¥n, £-®ª", "Châu Âu, Ô Môn, Ơn, Ê-đê"),
    ("Kü s­ x©y dùng", "Kỹ sư xây dựng"), ("Tr­ëng phßng", "Trưởng phòng"), ("Quúnh Ph­îng", "Quỳnh Phượng"),
])
def test_tcvn3_text_converts_by_the_standard_table(tcvn3, unicode_text):
    from handbook_desktop.services.excel.cells import from_tcvn3

    assert legacy_encoding(tcvn3) == "TCVN3"
    assert from_tcvn3(tcvn3) == unicode_text


def test_the_tcvn3_table_holds_every_vietnamese_letter_once():
    """Built from the letters themselves, not from the table: every lowercase Vietnamese letter
    outside ASCII (67 of them) and the seven marked capitals, each at exactly one code."""
    from handbook_desktop.services.excel.cells import TCVN3_TO_UNICODE, from_tcvn3

    tones = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
    vowels = ["a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y"]
    letters = {unicodedata.normalize("NFC", v + t) for v in vowels for t in tones} | {"đ"}
    letters = {ch for ch in letters if not ch.isascii()}
    assert len(letters) == 67
    values = [v for v in TCVN3_TO_UNICODE.values() if v != " "]
    assert len(values) == len(set(values))
    assert set(values) == letters | {"Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"}
    assert from_tcvn3("«ABC»") is None  # only signs Unicode text uses too: not converted
    assert from_tcvn3("NguyÔn € V¨n") is None  # a character TCVN3 does not have: not guessed
