"""Reading a sheet's layout: where its header is (one, two or three rows, merged parents over their
columns), what each column holds, the row-number column, the groups of rows ("I. ĐẢNG VIÊN CHÍNH
THỨC", "Tổ 1") and where the table ends (totals, the signature block, notes). Nothing here reads a
member; the importer reads the rows this finds.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from handbook_desktop.services.excel.cells import from_tcvn3
from handbook_desktop.services.excel.headings import SKIP, UNIT_KEY, heading_key, unicode_text, words
from handbook_desktop.services.excel.reader import Sheet

HEADER_SEARCH_ROWS = 30
MAX_HEADER_DEPTH = 3
_DATE_TEXT = re.compile(r"^\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}$")


def base_field(key: str) -> str:
    """``date_of_birth@male`` → ``date_of_birth``."""
    return key.split("@", 1)[0]


@dataclass
class BodyRow:
    index: int  # 0-based row of the sheet
    cells: list
    group: str | None = None  # the group heading above it ("Tổ 1"), as written
    group_status: str | None = None  # the status that heading names


@dataclass
class Layout:
    sheet: Sheet
    header_rows: tuple[int, int]  # first and last, 0-based
    columns: dict[int, str]  # column → field key (maybe "date_of_birth@male") or UNIT_KEY
    headings: dict[int, str]  # column → heading as written (parents joined with " › ")
    ignored: list[str]  # headings not understood
    ordinal_column: int | None
    sheet_status: str | None = None  # "transferred_out" for a sheet of members who left
    body: list[BodyRow] = field(default_factory=list)
    groups: list[tuple[int, str, str | None]] = field(default_factory=list)  # (row, text, status)
    end: tuple[int, str] | None = None  # (row, text) where the table ends
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    remembered: bool = False  # the columns came from a mapping the secretary fixed before

    @property
    def header_row(self) -> int:
        return self.header_rows[1]

    def signature(self) -> str:
        """What identifies this layout next month: the header's words, column by column."""
        parts = []
        for column in range(self.sheet.width):
            texts = [heading_key(self.sheet.value(r, column)) for r in range(self.header_rows[0], self.header_rows[1] + 1)]
            parts.append("|".join(texts))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def fields(self) -> set[str]:
        return {base_field(key) for key in self.columns.values()}


def _text(value) -> str | None:
    if value is None or isinstance(value, (int, float, date, datetime, bool)):
        return None
    text = str(value).strip()
    return text or None


def _looks_like_data(value) -> bool:
    if isinstance(value, (date, datetime)):
        return True
    return isinstance(value, str) and bool(_DATE_TEXT.match(value.strip()))


def _column_path(sheet: Sheet, first: int, last: int, column: int) -> list[str]:
    """The distinct heading texts of a column from top to bottom, merged parents included."""
    texts: list[str] = []
    for row in range(first, last + 1):
        value = _text(sheet.value(row, column))
        if (value is None and row < last and (row, column) not in sheet.merged_origin
                and _text(sheet.value(row + 1, column))):
            # A parent written once over several columns without a merge: "Ngày vào Đảng" over
            # "Dự bị | Chính thức" where only the first cell holds the text.
            left = column - 1
            while left >= 0 and _text(sheet.value(row, left)) is None and _text(sheet.value(row + 1, left)):
                left -= 1
            if left >= 0 and _text(sheet.value(row + 1, left)) and (row, left) not in sheet.merged_origin:
                value = _text(sheet.value(row, left))
        if value is not None and (not texts or heading_key(texts[-1]) != heading_key(value)):
            texts.append(value)
    return texts


def _lookup(path: list[str]) -> str | None:
    """The field of a column headed by ``path`` (top to bottom): the lowest heading under its
    nearest parent that makes sense of it, else alone."""
    vocabulary = words()
    keys = [heading_key(t) for t in path]
    for parent in reversed(keys[:-1]):
        found = vocabulary.field_of(parent, keys[-1])
        if found:
            return found
    return vocabulary.field_of(None, keys[-1]) if keys[-1] else None


def _match(sheet: Sheet, first: int, last: int) -> Layout | None:
    vocabulary = words()
    for row in range(first, last + 1):
        if any(_looks_like_data(v) for v in sheet.rows[row]):
            return None  # a header holds no dates: this window reaches into the data
    columns: dict[int, str] = {}
    headings: dict[int, str] = {}
    ignored: list[str] = []
    ordinal = None
    for column in range(sheet.width):
        path = _column_path(sheet, first, last, column)
        if not path:
            continue
        found, path = _lookup(path), path
        if found is None:
            # A TCVN3 heading whose letters all look like Latin-1 ones ("Giíi tÝnh"): try it converted.
            converted = [from_tcvn3(t) or t for t in path]
            if converted != path and _lookup(converted) is not None:
                found, path = _lookup(converted), converted
        keys = [heading_key(t) for t in path]
        if not keys[-1]:
            continue
        shown = " › ".join(unicode_text(t) for t in path)
        if keys[-1] in vocabulary.ordinal and len(keys) == 1:
            ordinal = column
            continue
        if found == SKIP:
            continue
        taken = {base_field(k) for k in columns.values()}
        if found is None or (base_field(found) in taken and "@" not in found):
            ignored.append(shown)
            continue
        columns[column] = found
        headings[column] = shown
    fields = {base_field(k) for k in columns.values()}
    if "full_name" not in fields and "birth_name" in fields:
        # "Họ và tên khai sinh" as the only name column: the sheet's name for the person.
        for column, key in columns.items():
            if key == "birth_name":
                columns[column] = "full_name"
        fields = {base_field(k) for k in columns.values()}
    if "full_name" not in fields or len(fields) < 2:
        return None
    return Layout(sheet, (first, last), columns, headings, ignored, ordinal)


def _score(layout: Layout) -> tuple[int, int, int]:
    """More fields; then fewer headings not understood (a group row or a title taken into the
    header); then the deeper window, which explains the parents."""
    fields = layout.fields() | ({"gender"} if any("@" in k for k in layout.columns.values()) else set())
    return len(fields), -len(layout.ignored), layout.header_rows[1] - layout.header_rows[0]


def find_layout(sheet: Sheet) -> Layout | None:
    """The header of a member list on this sheet: the window of up to three rows in the first
    rows that names the most fields (a deeper window wins a tie: it explains the parents)."""
    best = None
    for first in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        if not any(_text(v) for v in sheet.rows[first]):
            continue
        for depth in range(MAX_HEADER_DEPTH):
            last = first + depth
            if last >= len(sheet.rows):
                break
            layout = _match(sheet, first, last)
            if layout is not None and (best is None or _score(layout) > _score(best)):
                best = layout
    if best is not None:
        best.sheet_status = _sheet_status(sheet, best.header_rows[0])
        read_body(best)
    return best


def _sheet_status(sheet: Sheet, header_first: int) -> str | None:
    """A sheet of members who left ("Đã chuyển đi"), said by its name or its title above the header."""
    vocabulary = words()
    texts = [sheet.name] + [t for r in range(header_first) for t in (_text(v) for v in sheet.rows[r]) if t]
    for text in texts:
        is_group, status = vocabulary.group(text)
        if status and status not in ("official", "probationary"):
            return status
    return None


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


def read_body(layout: Layout) -> None:
    """Sort the rows under the header: members, group headings, the end of the table, the rest."""
    sheet, vocabulary = layout.sheet, words()
    group = group_status = None
    layout.body, layout.groups, layout.skipped, layout.end = [], [], [], None
    name_columns = [c for c, k in layout.columns.items() if k == "full_name"]
    merged_rows = {r for r, _ in sheet.merged_origin}
    plain_from = layout.header_row + 3  # below the rows that may number the columns
    for index in range(layout.header_row + 1, len(sheet.rows)):
        cells = list(sheet.rows[index])
        if index >= plain_from and index not in merged_rows and _member_row(cells, name_columns):
            layout.body.append(BodyRow(index, cells, group, group_status))  # the usual case, decided at once
            continue
        filled = [(c, v) for c, v in enumerate(cells) if v is not None and (v.__class__ is not str or v.strip())]
        if not filled:
            continue
        if index in merged_rows and any(sheet.merged_origin.get((index, c), (index, c))[0] <= layout.header_row
                                        for c in layout.columns):
            continue  # still part of a heading merged down from above
        if index <= layout.header_row + 2 and is_column_numbers(cells):
            layout.skipped.append((index, "dòng đánh số cột"))
            continue
        named = any(c in name_columns for c, _ in filled)
        if named and len(filled) > 2:
            layout.body.append(BodyRow(index, cells, group, group_status))  # a member row: the usual case
            continue
        texts = [(c, unicode_text(str(v)).strip()) for c, v in filled if isinstance(v, str)]
        ordinal = layout.ordinal_column
        numbered = ordinal is not None and any(c == ordinal and not isinstance(v, str) for c, v in filled)
        distinct = {v for _, v in texts}
        if len(filled) <= 2 and texts and not numbered:
            if any(vocabulary.ends_table(t) for _, t in texts):
                layout.end = (index, texts[0][1])
                break
            is_group, status = vocabulary.group(texts[0][1]) if len(distinct) == 1 else (False, None)
            if is_group:
                group, group_status = texts[0][1], status
                layout.groups.append((index, group, status))
                continue
        if not named:
            if len(filled) <= 2 and texts and any(vocabulary.ends_table(t) for _, t in texts):
                layout.end = (index, texts[0][1])
                break
            layout.skipped.append((index, "không có họ tên"))
            continue
        layout.body.append(BodyRow(index, cells, group, group_status))


def _member_row(cells: list, name_columns: list[int]) -> bool:
    """A name and at least two other cells filled (what the full sort below calls a member row),
    found without listing the filled cells."""
    width = len(cells)
    if width - cells.count(None) < 3:
        return False
    for column in name_columns:
        if column < width:
            value = cells[column]
            if value is not None and (value.__class__ is not str or value.strip()):
                break
    else:
        return False
    count = 0
    for value in cells:
        if value is not None and (value.__class__ is not str or value.strip()):
            count += 1
            if count == 3:
                return True
    return False


def apply_mapping(layout: Layout, mapping: dict[int, str], *, remembered: bool = False) -> None:
    """Columns as the secretary set them (``""`` for a column not imported); the body is read again."""
    columns = {}
    for column, key in mapping.items():
        if key:
            columns[int(column)] = key
    layout.columns = columns
    for column in columns:
        if column not in layout.headings:
            path = _column_path(layout.sheet, layout.header_rows[0], layout.header_rows[1], column)
            layout.headings[column] = " › ".join(unicode_text(t) for t in path) or f"Cột {column + 1}"
    known = set(layout.headings.values())
    layout.ignored = [h for c, h in layout.headings.items() if c not in columns and h in known]
    layout.remembered = remembered
    read_body(layout)


__all__ = ["BodyRow", "Layout", "UNIT_KEY", "apply_mapping", "base_field", "find_layout", "is_column_numbers",
           "read_body"]
