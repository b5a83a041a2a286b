"""Opening a sheet as people keep it: .xlsx, legacy .xls or LibreOffice .ods, every sheet of it,
with merged cells known, after the file has passed the bounds of ``limits``.

One reader for the three formats: python-calamine (Rust). Measured by bench/bench_sheets.py on a
20,000-row member list (shared 2-core machine under load, best of 3): calamine 1.05 s for the .xlsx
with the bounds check of ``limits`` included, openpyxl read_only 7.5 s; for the same list as .xls,
calamine 0.17 s and xlrd 0.56 s. It also reads .ods, which neither does. openpyxl stays for writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.excel.limits import ExcelLimits, SheetTooLarge, check_cell, check_file, thousands

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class Sheet:
    name: str
    rows: list[list]  # cell values (None when empty), merged ranges filled with their top-left value
    merged_origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    hidden: bool = False

    def value(self, row: int, column: int):
        if 0 <= row < len(self.rows) and 0 <= column < len(self.rows[row]):
            return self.rows[row][column]
        return None

    @cached_property
    def width(self) -> int:  # computed once the sheet is read (merged cells filled)
        return max((len(row) for row in self.rows), default=0)


def read_workbook(path: Path, limits: ExcelLimits | None = None) -> list[Sheet]:
    """Every sheet of the file, hidden ones marked; refuses a file over a bound before reading it."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"Không tìm thấy tệp '{path}'.")
    if path.suffix.lower() not in SUFFIXES:
        raise UserError("Chỉ nhập được bảng tính .xlsx, .xls hoặc .ods.")
    limits = limits or ExcelLimits.shipped()
    check_file(path, limits)
    try:
        return _read(path, limits)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file is the user's problem to know about
        raise UserError(f"Không đọc được tệp '{path.name}': tệp hỏng hoặc không đúng định dạng bảng tính.") from error


def _read(path: Path, limits: ExcelLimits) -> list[Sheet]:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_path(str(path))
    sheets = []
    for meta in book.sheets_metadata:
        data = book.get_sheet_by_name(meta.name)
        if data.total_height > limits.max_rows:
            raise SheetTooLarge(f"Trang '{meta.name}' có {thousands(data.total_height)} dòng, quá giới hạn {thousands(limits.max_rows)} "
                                "dòng của một lần nhập: hãy tách thành nhiều tệp.")
        if data.total_width > limits.max_columns:
            raise SheetTooLarge(f"Trang '{meta.name}' có {data.total_width} cột, quá giới hạn {limits.max_columns} cột.")
        top, left = data.start or (0, 0)
        rows: list[list] = [[] for _ in range(top)]
        for number, values in enumerate(data.iter_rows(), start=top):
            row = [None] * left
            for column, value in enumerate(values, start=left):
                if value == "":
                    value = None
                elif isinstance(value, str):
                    check_cell(value, limits, meta.name, number, column)
                row.append(value)
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        sheet = Sheet(meta.name, rows, hidden=meta.visible != SheetVisibleEnum.Visible)
        _fill_merged(sheet, data.merged_cell_ranges or [])
        sheets.append(sheet)
    return sheets


def _fill_merged(sheet: Sheet, ranges) -> None:
    for (r1, c1), (r2, c2) in ranges:
        if r2 - r1 > 1000 or c2 - c1 > 300:
            continue  # a merge over a whole page's width or length is decoration, not a heading
        top = sheet.value(r1, c1)
        for r in range(r1, r2 + 1):
            while len(sheet.rows) <= r:
                sheet.rows.append([])
            row = sheet.rows[r]
            while len(row) <= c2:
                row.append(None)
            for c in range(c1, c2 + 1):
                row[c] = top
                sheet.merged_origin[(r, c)] = (r1, c1)
    sheet.__dict__.pop("width", None)
