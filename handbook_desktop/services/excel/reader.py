"""Opening a member sheet as people keep it: .xlsx or legacy .xls, the header row anywhere in the
first rows, group headings merged above it, and the many names people give the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from handbook_desktop.domain.text import fold
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.members.fields import FIELDS, UNIT_LABEL, UNIT_SYNONYMS

HEADER_SEARCH_ROWS = 15
UNIT_KEY = "unit"
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z ]+")
_ORDINAL_HEADINGS = {"stt", "tt", "so tt", "so thu tu"}


def heading_key(text) -> str:
    """A heading reduced to compare: folded, no parenthesised hints, no punctuation."""
    if text is None:
        return ""
    value = fold(_PARENTHESES.sub(" ", str(text)))
    return " ".join(_NOT_WORD.sub(" ", value).split())


def _heading_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for spec in FIELDS:
        for name in (spec.label, *spec.synonyms):
            table.setdefault(heading_key(name), spec.key)
    for name in (UNIT_LABEL, *UNIT_SYNONYMS):
        table.setdefault(heading_key(name), UNIT_KEY)
    from handbook_desktop.services.excel.gaps import gap_headings  # leaving the Party, re-admission

    for name, key in gap_headings().items():
        table.setdefault(name, key)
    return table


HEADINGS = _heading_table()


@dataclass
class Sheet:
    name: str
    rows: list[list]  # cell values, merged ranges filled with their top-left value
    merged_origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def value(self, row: int, column: int):
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return None


@dataclass
class Layout:
    header_row: int  # 0-based index into Sheet.rows
    columns: dict[int, str]  # column index → field key (or UNIT_KEY)
    headings: dict[int, str]  # column index → heading as written
    ignored: list[str]  # headings not understood, reported to the user
    ordinal_column: int | None


def read_workbook(path: Path) -> list[Sheet]:
    path = Path(path)
    if not path.exists():
        raise UserError(f"Không tìm thấy tệp '{path}'.")
    suffix = path.suffix.lower()
    try:
        if suffix == ".xls":
            return _read_xls(path)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
    except UserError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file is the user's problem to know about
        raise UserError(f"Không đọc được tệp Excel '{path.name}': tệp hỏng hoặc không đúng định dạng.") from error
    raise UserError("Chỉ nhập được tệp Excel .xlsx hoặc .xls.")


def _read_xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True)
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.sheet_state != "visible":
            continue
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
        sheet = Sheet(worksheet.title, rows)
        for merged in worksheet.merged_cells.ranges:
            top = sheet.value(merged.min_row - 1, merged.min_col - 1)
            for r in range(merged.min_row - 1, merged.max_row):
                while len(sheet.rows) <= r:
                    sheet.rows.append([])
                for c in range(merged.min_col - 1, merged.max_col):
                    while len(sheet.rows[r]) <= c:
                        sheet.rows[r].append(None)
                    sheet.rows[r][c] = top
                    sheet.merged_origin[(r, c)] = (merged.min_row - 1, merged.min_col - 1)
        sheets.append(sheet)
    workbook.close()
    return sheets


def _read_xls(path: Path) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True)
    sheets = []
    for sheet_xls in book.sheets():
        if getattr(sheet_xls, "visibility", 0) != 0:
            continue
        rows = []
        for r in range(sheet_xls.nrows):
            row = []
            for c in range(sheet_xls.ncols):
                cell = sheet_xls.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(None)
                else:
                    row.append(cell.value)
            rows.append(row)
        sheet = Sheet(sheet_xls.name, rows)
        for r1, r2, c1, c2 in sheet_xls.merged_cells:
            top = sheet.value(r1, c1)
            for r in range(r1, r2):
                for c in range(c1, c2):
                    if r < len(sheet.rows) and c < len(sheet.rows[r]):
                        sheet.rows[r][c] = top
                        sheet.merged_origin[(r, c)] = (r1, c1)
        sheets.append(sheet)
    return sheets


def _match(sheet: Sheet, row: int) -> Layout:
    columns: dict[int, str] = {}
    headings: dict[int, str] = {}
    ignored: list[str] = []
    ordinal = None
    width = len(sheet.rows[row]) if row < len(sheet.rows) else 0
    for column in range(width):
        value = sheet.value(row, column)
        if value is None or isinstance(value, (datetime, int, float)):
            continue
        key = heading_key(value)
        if not key:
            continue
        if key in _ORDINAL_HEADINGS:
            ordinal = column
            continue
        found = HEADINGS.get(key)
        if found is None and row > 0:
            # A group heading merged above ("Ngày" over "sinh | kết nạp | chính thức").
            above = sheet.value(row - 1, column)
            if above is not None and sheet.merged_origin.get((row, column)) != sheet.merged_origin.get((row - 1, column)):
                found = HEADINGS.get(heading_key(f"{above} {value}"))
        if found is None or found in columns.values():
            ignored.append(str(value).strip())
            continue
        columns[column] = found
        headings[column] = str(value).strip()
    return Layout(row, columns, headings, ignored, ordinal)


def find_layout(sheets: list[Sheet]) -> tuple[Sheet, Layout]:
    """The sheet and row that look most like a member list's header row."""
    best: tuple[int, Sheet, Layout] | None = None
    for sheet in sheets:
        for row in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
            layout = _match(sheet, row)
            if "full_name" not in layout.columns.values():
                continue
            score = len(layout.columns)
            # On a tie the lower row wins: it sits under the group headings merged above it.
            if best is None or score >= best[0]:
                best = (score, sheet, layout)
    if best is None or best[0] < 2:
        raise UserError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu: cần ít nhất cột 'Họ và tên' "
            "và một cột khác (ví dụ 'Ngày sinh'). Hãy dùng tệp mẫu nhập liệu."
        )
    return best[1], best[2]


def is_column_numbers(values: list) -> bool:
    """The row of column numbers printed under many headers: 1, 2, 3 … or (1), (2), (3) …"""
    filled = [v for v in values if v not in (None, "")]
    if len(filled) < 3:
        return False
    numbers = []
    for value in filled:
        text = str(value).strip().strip("()")
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
