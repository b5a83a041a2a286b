"""A sheet's cells read the same whether the reader remembers what each value of a column gave (a
column whose values repeat) or reads every cell afresh (a column of names or numbers): values,
year of birth, status from the notes, notes and problems, in the same order."""

from __future__ import annotations

from datetime import date, datetime

from handbook_desktop.services.excel.values import RowReader

TODAY = date(2026, 11, 15)
COLUMNS = {0: "full_name", 1: "date_of_birth@male", 2: "date_of_birth@female", 3: "decision_date",
           4: "phone", 5: "national_id", 6: "gender", 7: "notes", 8: "hometown", 9: "record_number"}
HEADINGS = {c: f"Cột {k}" for c, k in COLUMNS.items()}
CELLS = [
    ["Nguyễn Văn Đức", datetime(1980, 5, 3), None, "01/02/2005", 912345678.0, 1080012345.0, "Nam", "Dự bị", "Hà Nội",
     "123456 hn"],
    ["NguyÔn V¨n §øc", None, "5/3/75", "31/02/2005", "0912 345 678", "001080012345", "Ông", "đọc sách", "  ", None],
    ["Nguyeãn Vaên Ñöùc", 1958, None, 29221, "abc", "00108001234", "Nữ", "Miễn sinh hoạt", "Hà Nội", "7654321HN"],
    ["  ", "1958", None, "03/15/1980", 912345678, 1085012345, True, None, "Huế", "12 34 56HN"],
    ["Trần Thị Lan", None, 1961.0, datetime(2010, 1, 1), None, None, "nữ", "Chính thức", "Hà Nội", None],
]


def _read(reader, cells):
    row = reader.read(cells)
    return (list(row.values.items()), row.birth_year, row.status_from_notes, row.notes, row.problems)


def test_remembered_cells_read_as_cells_read_afresh():
    remembering = RowReader(COLUMNS, HEADINGS, TODAY)
    afresh = RowReader(COLUMNS, HEADINGS, TODAY)
    for entry in afresh.plan:
        entry[5] = None  # never remember
    rows = CELLS * 3  # the second and third time from what was remembered
    seen = [_read(remembering, cells) for cells in rows]
    assert seen == [_read(afresh, cells) for cells in rows]
    assert all(entry[5] for entry in remembering.plan if entry[1] in ("gender", "hometown"))  # it did remember
    first = seen[0]
    assert ("gender", "male") in first[0] and ("status", None) not in first[0]
    assert first[2] == "probationary" and first[0][-1] == ("record_number", "123456HN")
    assert any("mất số 0" in note for note in first[3])
    assert seen[2][1] == 1958 and any("VNI" in problem for problem in seen[2][4])
    assert any("không có trong danh mục" in problem for problem in seen[1][4])


def test_a_column_whose_values_do_not_repeat_is_read_afresh_after_a_trial():
    reader = RowReader({0: "full_name", 1: "gender"}, {0: "Họ tên", 1: "Giới tính"}, TODAY)
    for number in range(300):
        reader.read([f"Người số {number}", "Nam" if number % 2 else "Nữ"])
    names, genders = reader.plan
    assert names[5] is None and len(genders[5]) == 2
