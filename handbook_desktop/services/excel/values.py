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
    digits = _DIGITS.sub("", text)
    if _PHONE_WITHOUT_ZERO.match(digits):
        restored = "0" + digits
        how = " (ô kiểu số)" if isinstance(raw, (int, float)) else ""
        row.notes.append(f"Cột '{heading}': số điện thoại {digits} mất số 0 đầu{how}: ghi là {restored}.")
        return restored
    return text


def _national_id(raw, text: str, heading: str, row: RowValues) -> str:
    digits = _DIGITS.sub("", text)
    if isinstance(raw, (int, float)) and digits.isdigit() and len(digits) == 11:
        # A CCCD begins with the province code 001–096: a number cell drops its first 0.
        restored = "0" + digits
        row.notes.append(f"Cột '{heading}': số CCCD mất số 0 đầu (ô kiểu số): ghi là {restored[:4]}******{restored[-2:]}.")
        return restored
    return text


class RowReader:
    """Reads the rows of one layout: what each column is (its field, kind and heading) is worked out
    once, not again for each of 20,000 rows."""

    def __init__(self, columns: dict[int, str], headings: dict[int, str], today: date):
        self.today = today
        self.unit_columns: list[int] = []
        self.plan: list[tuple[int, str, object, str, str]] = []  # (column, key, spec, heading, gender)
        for column, key in columns.items():
            if key == UNIT_KEY:
                self.unit_columns.append(column)
                continue
            if key in GAP_COLUMNS:  # leaving the Party and re-admission: read by gaps.read_gap
                continue
            key, _, gender = key.partition("@")
            self.plan.append((column, key, FIELD_BY_KEY[key], headings.get(column, f"Cột {column + 1}"), gender))

    def read(self, cells: list) -> RowValues:
        row = RowValues()
        width = len(cells)
        for column in self.unit_columns:
            row.unit_text = text_cell(cells[column] if column < width else None)
        values = row.values
        for column, key, spec, heading, gender in self.plan:
            raw = cells[column] if column < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            if gender:
                # The birth date (or year) written under "Nam" or "Nữ": the column says the gender.
                values["gender"] = gender
            if spec.kind == "date":
                year = year_only(raw) if key == "date_of_birth" else None
                if year is not None:
                    row.birth_year = year
                    row.notes.append(f"Cột '{heading}': chỉ có năm sinh {year}, ghi là …/…/{year} — cần bổ sung ngày, tháng.")
                    continue
                try:
                    value = parse_date_cell(raw, self.today)
                except CellProblem as problem:
                    row.problems.append(f"Cột '{heading}': {problem}")
                    continue
                if value is not None:
                    values[key] = value
                continue
            text = text_cell(raw)
            if text is None:
                continue
            if not text.isascii():
                converted = _legacy(text, key, heading, row)
                if converted is None:
                    continue
                text = clean(converted) if converted is not text else text
            if key == "phone":
                text = _phone(raw, text, heading, row)
            elif key == "national_id":
                text = _national_id(raw, text, heading, row)
            if key == "notes":
                status = _code("status", text)
                if status is not None:
                    row.status_from_notes = status  # "Dự bị", "Miễn sinh hoạt": the status, not a note
                    continue
            if spec.kind == "enum":
                code = _code(key, text)
                if code is None:
                    choices = ", ".join(label for _, label in spec.choices)
                    row.problems.append(f"Cột '{heading}': '{text}' không có trong danh mục ({choices}).")
                    continue
                values[key] = code
                continue
            values[key] = finish_text(key, text)
        return row


def read_row(cells: list, columns: dict[int, str], headings: dict[int, str], today: date) -> RowValues:
    """One row read into record values ready to store (as ``prepare_values`` leaves them)."""
    return RowReader(columns, headings, today).read(cells)
