"""One row of a member sheet read into record values, with every assumption said.

Cells that cannot be taken as they are reject the row (``problems``); what was done to a cell the
secretary should know about — a font converted, a lost leading 0 put back, a birth year kept as a
year — is a note on the row (``notes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from handbook_desktop.services.excel.cells import CellProblem, from_tcvn3, legacy_encoding, parse_date_cell, text_cell
from handbook_desktop.services.excel.gaps import GAP_COLUMNS
from handbook_desktop.services.excel.headings import UNIT_KEY
from handbook_desktop.domain.text import clean
from handbook_desktop.services.members.fields import FIELD_BY_KEY, enum_code
from handbook_desktop.services.members.records import finish_text

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_DIGITS = re.compile(r"[\s.\-]")
# Vietnamese mobile numbers since 2018 are 0 + 9 digits starting 3, 5, 7, 8 or 9; a landline with its
# area code is 0 + 2 + 9 digits. A number cell drops the 0.
_PHONE_WITHOUT_ZERO = re.compile(r"^(?:[35789]\d{8}|2\d{9})$")


@dataclass
class RowValues:
    values: dict = field(default_factory=dict)
    birth_year: int | None = None  # the year alone, when the sheet gives no day and month
    unit_text: str | None = None
    status_from_notes: str | None = None  # "Dự bị" written in the notes column
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    name_fold: str = ""  # the folded name, once the row is to be matched


@lru_cache(maxsize=4096)
def _code(key: str, text: str) -> str | None:
    """An enumeration's code from its text, remembered: a sheet repeats "Nam", "Nữ", "Chính thức"."""
    return enum_code(FIELD_BY_KEY[key], text)


def year_only(value) -> int | None:
    """1958 from a cell holding a year alone (number or text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and 1900 <= value <= 2100:
        return int(value)
    if isinstance(value, str):
        match = _YEAR.match(value)
        if match and 1900 <= int(match.group(1)) <= 2100:
            return int(match.group(1))
    return None


def _legacy(text: str, key: str, heading: str, row: RowValues) -> str | None:
    encoding = legacy_encoding(text)
    converted = from_tcvn3(text) if encoding == "TCVN3" else None
    if converted is not None:
        if key == "full_name":  # .VnTime has no toned capitals: "¸nh" was typed for "Ánh"
            converted = " ".join(word[:1].upper() + word[1:] for word in converted.split(" "))
        row.notes.append(f"Cột '{heading}': chữ phông TCVN3 '{text[:30]}' đã chuyển sang Unicode: '{converted[:30]}'.")
        return converted
    if encoding:
        row.problems.append(
            f"Cột '{heading}' có chữ gõ bằng phông cũ {encoding} ('{text[:30]}'): hãy chuyển bảng sang "
            "Unicode (Unikey → Công cụ chuyển mã) rồi nhập lại."
        )
        return None
    return text


def _phone(raw, text: str, heading: str, row: RowValues) -> str:
    digits = text if text.isdigit() else _DIGITS.sub("", text)
    if _PHONE_WITHOUT_ZERO.match(digits):
        restored = "0" + digits
        how = " (ô kiểu số)" if isinstance(raw, (int, float)) else ""
        row.notes.append(f"Cột '{heading}': số điện thoại {digits} mất số 0 đầu{how}: ghi là {restored}.")
        return restored
    return text


def _national_id(raw, text: str, heading: str, row: RowValues) -> str:
    digits = text if text.isdigit() else _DIGITS.sub("", text)
    if isinstance(raw, (int, float)) and digits.isdigit() and len(digits) == 11:
        # A CCCD begins with the province code 001–096: a number cell drops its first 0.
        restored = "0" + digits
        row.notes.append(f"Cột '{heading}': số CCCD mất số 0 đầu (ô kiểu số): ghi là {restored[:4]}******{restored[-2:]}.")
        return restored
    return text


_FINISHED = frozenset({"national_id", "phone", "record_number"})  # what finish_text changes
_BLANK = object()  # a cell that says nothing (empty or spaces)
_TRIAL = 200  # values of a column seen before deciding whether they repeat


class RowReader:
    """Reads the rows of one layout: what each column is (its field, kind and heading) is worked out
    once, not again for each of 20,000 rows; and what a cell gives is remembered per column, since
    a sheet repeats its values (dates, "Nam", "Nữ", the same hometown)."""

    def __init__(self, columns: dict[int, str], headings: dict[int, str], today: date):
        self.today = today
        self.rows = 0
        self.unit_columns: list[int] = []
        # [column, key, spec, heading, gender, what each value gave (None: values do not repeat), misses]
        self.plan: list[list] = []
        for column, key in columns.items():
            if key == UNIT_KEY:
                self.unit_columns.append(column)
                continue
            if key in GAP_COLUMNS:  # leaving the Party and re-admission: read by gaps.read_gap
                continue
            key, _, gender = key.partition("@")
            self.plan.append([column, key, FIELD_BY_KEY[key], headings.get(column, f"Cột {column + 1}"), gender, {}, 0])

    def read(self, cells: list) -> RowValues:
        self.rows += 1
        row = RowValues()
        width = len(cells)
        for column in self.unit_columns:
            row.unit_text = text_cell(cells[column] if column < width else None)
        values = row.values
        for entry in self.plan:
            column = entry[0]
            raw = cells[column] if column < width else None
            if raw is None:
                continue
            given = entry[5]
            if given is None:  # a column of names or numbers, each different: read as it is
                if isinstance(raw, str) and not raw.strip():
                    continue
                if entry[4]:
                    values["gender"] = entry[4]
                self._value(raw, entry[1], entry[2], entry[3], row)
                continue
            # 1, 1.0 and True are one key to a dict: the type is part of it, but for text.
            memo = raw if raw.__class__ is str else (raw.__class__, raw)
            found = given.get(memo)
            if found is None:
                found = given[memo] = self._cell(raw, entry)
                entry[6] += 1
                if entry[6] == _TRIAL and self.rows < _TRIAL * 1.1:
                    entry[5] = None  # hardly a value twice in the first rows: stop remembering
            if found is _BLANK:
                continue
            pairs, year, from_notes, notes, problems = found
            for field_key, value in pairs:
                values[field_key] = value
            if year is not None:
                row.birth_year = year
            if from_notes is not None:
                row.status_from_notes = from_notes
            if notes:
                row.notes.extend(notes)
            if problems:
                row.problems.extend(problems)
        return row

    def _cell(self, raw, entry: list):
        """What one cell gives: (values, birth year, status from the notes, notes, problems)."""
        if isinstance(raw, str) and not raw.strip():
            return _BLANK
        row = RowValues()
        if entry[4]:
            # The birth date (or year) written under "Nam" or "Nữ": the column says the gender.
            row.values["gender"] = entry[4]
        self._value(raw, entry[1], entry[2], entry[3], row)
        return (tuple(row.values.items()), row.birth_year, row.status_from_notes, tuple(row.notes), tuple(row.problems))

    def _value(self, raw, key: str, spec, heading: str, row: RowValues) -> None:
        values = row.values
        if spec.kind == "date":
            year = year_only(raw) if key == "date_of_birth" else None
            if year is not None:
                row.birth_year = year
                row.notes.append(f"Cột '{heading}': chỉ có năm sinh {year}, ghi là …/…/{year} — cần bổ sung ngày, tháng.")
                return
            try:
                value = parse_date_cell(raw, self.today)
            except CellProblem as problem:
                row.problems.append(f"Cột '{heading}': {problem}")
                return
            if value is not None:
                values[key] = value
            return
        text = clean(raw) if raw.__class__ is str else text_cell(raw)  # text_cell of text is clean
        if text is None:
            return
        if not text.isascii():
            converted = _legacy(text, key, heading, row)
            if converted is None:
                return
            text = clean(converted) if converted is not text else text
        if key == "phone":
            text = _phone(raw, text, heading, row)
        elif key == "national_id":
            text = _national_id(raw, text, heading, row)
        if key == "notes":
            status = _code("status", text)
            if status is not None:
                row.status_from_notes = status  # "Dự bị", "Miễn sinh hoạt": the status, not a note
                return
        if spec.kind == "enum":
            code = _code(key, text)
            if code is None:
                choices = ", ".join(label for _, label in spec.choices)
                row.problems.append(f"Cột '{heading}': '{text}' không có trong danh mục ({choices}).")
                return
            values[key] = code
            return
        if key in _FINISHED and not (key != "record_number" and text.isdigit()):  # digits are finished
            text = finish_text(key, text)
        values[key] = text


def read_row(cells: list, columns: dict[int, str], headings: dict[int, str], today: date) -> RowValues:
    """One row read into record values ready to store (as ``prepare_values`` leaves them)."""
    return RowReader(columns, headings, today).read(cells)
