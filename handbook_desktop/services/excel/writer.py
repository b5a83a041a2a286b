"""Member workbooks: the filtered list, the import template, and the import's error report.

Printed lists follow office habit: Times New Roman, A4 landscape fitted to the page width,
header repeated on every page, dates dd/mm/yyyy; numbers that are really codes (CCCD, phone,
card) are written as text so that Excel keeps their leading zeros.

No cell is ever a formula: a value from the database or from an imported file that begins like
one (``=``, ``+``, ``-``, ``@``, tab, CR) is written as a text cell with Excel's quote prefix, so a
crafted name such as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` stays a string when the
file is opened. A ``.csv`` name gets real CSV (UTF-8 with BOM, as Excel expects for Vietnamese),
with the same values prefixed by an apostrophe because CSV has no other way to say "text".
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from handbook_desktop.domain.dates import format_date
from handbook_desktop.paths import make_private
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.members.fields import FIELD_BY_KEY, FIELDS, UNIT_LABEL

FONT = "Times New Roman"
DATE_FORMAT = "dd/mm/yyyy"
TEXT_KEYS = {"national_id", "phone", "party_card_number", "record_number", "general_education"}
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F3ECE4")
_REJECTED_FILL = PatternFill("solid", fgColor="F8D7DA")
_WIDTHS = {"full_name": 26, "permanent_address": 34, "temporary_address": 30, "birth_place": 20, "hometown": 20,
           "workplace": 26, "notes": 30, "awards": 24, "discipline": 24, "status": 22, "unit": 28}
TEMPLATE_ROWS = 1000
ALL_COLUMNS = ["unit"] + [f.key for f in FIELDS]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _put(sheet, row: int, column: int, value):
    """Write one cell; a string that Excel would read as a formula stays text (quote prefix)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"  # openpyxl made it a formula on assignment
        cell.quotePrefix = True
    return cell


def check_suffix(path: str | Path, allowed: tuple[str, ...]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        names = ", ".join(allowed)
        raise UserError(f"Không ghi được tệp '{Path(path).name}': chỉ ghi được tệp {names}; hãy đổi đuôi tên tệp.")
    return suffix


def _label(key: str) -> str:
    return UNIT_LABEL if key == "unit" else FIELD_BY_KEY[key].label


def _page_setup(sheet, header_row: int, last_column: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3 if last_column > 2 else 1)


def _header(sheet, row: int, labels: list[str], keys: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = _put(sheet, row, column, label)
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        key = keys[column - 1] if column - 1 < len(keys) else ""
        width = _WIDTHS.get(key, 14 if FIELD_BY_KEY.get(key) and FIELD_BY_KEY[key].kind == "date" else 16)
        sheet.column_dimensions[get_column_letter(column)].width = 6 if key == "#" else width
    sheet.row_dimensions[row].height = 32


def _cell_value(key: str, row: dict):
    if key == "unit":
        return row.get("unit_name")
    value = row.get(key)
    spec = FIELD_BY_KEY[key]
    if spec.kind == "enum":
        return spec.label_of(value) if value is not None else None
    if isinstance(value, str) or value is None or isinstance(value, date):
        return value
    return str(value)


def export_members(rows: Iterable[dict], path: str | Path, *, title: str, columns: list[str] | None = None,
                   today: date | None = None, notice: str | None = None) -> int:
    """Write the list (rows from services.members.iter_rows or full records); returns the row count.

    ``notice`` (services.privacy.NOTICE when personal columns are kept) goes above the title, in the
    printed page header and in the file's properties.
    """
    columns = [key for key in (columns or ALL_COLUMNS) if key == "unit" or key in FIELD_BY_KEY]
    if check_suffix(path, (".xlsx", ".csv")) == ".csv":
        return _export_csv(rows, path, columns=columns, notice=notice)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách đảng viên"
    last = len(columns) + 1
    top = 1
    if notice:
        cell = _put(sheet, 1, 1, notice)
        cell.font = Font(name=FONT, bold=True, size=11, color="9A4D00")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
        sheet.oddHeader.center.text = "TÀI LIỆU CÓ DỮ LIỆU CÁ NHÂN"
        workbook.properties.keywords = "dữ liệu cá nhân"
        workbook.properties.description = notice
        top = 2
    _put(sheet, top, 1, title.upper()).font = Font(name=FONT, bold=True, size=14)
    sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=last)
    sheet.cell(row=top, column=1).alignment = Alignment(horizontal="center")
    header_row = top + 2
    _header(sheet, header_row, ["STT"] + [_label(key) for key in columns], ["#"] + columns)
    body = Font(name=FONT, size=11)
    count = 0
    for count, row in enumerate(rows, start=1):
        excel_row = header_row + count
        cell = sheet.cell(row=excel_row, column=1, value=count)
        cell.font, cell.border = body, _BORDER
        cell.alignment = Alignment(horizontal="center")
        for column, key in enumerate(columns, start=2):
            value = _cell_value(key, row)
            cell = _put(sheet, excel_row, column, value)
            cell.font, cell.border = body, _BORDER
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="center")
            elif key in TEXT_KEYS:
                cell.number_format = "@"
    when = format_date(today or date.today())
    note = sheet.cell(row=top + 1, column=1, value=f"Số người: {count} — lập ngày {when}")
    note.font = Font(name=FONT, italic=True, size=11)
    note.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=top + 1, start_column=1, end_row=top + 1, end_column=last)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(last)}{header_row + max(count, 1)}"
    _page_setup(sheet, header_row, last)
    workbook.save(path)
    make_private(path)
    return count


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def _export_csv(rows: Iterable[dict], path: str | Path, *, columns: list[str], notice: str | None) -> int:
    """Plain CSV for other programs: a header row of field names, one line per person, nothing else
    (a notice line would break the columns, so the notice goes only where the caller shows it)."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["STT"] + [_label(key) for key in columns])
        for count, row in enumerate(rows, start=1):
            writer.writerow([str(count)] + [_csv_text(_cell_value(key, row)) for key in columns])
    make_private(path)
    return count


def write_template(path: str | Path, *, unit_names: list[str] | None = None) -> None:
    """The import template: one header row, drop-down lists for every enumeration, text columns for codes."""
    columns = ALL_COLUMNS if unit_names else [f.key for f in FIELDS]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đảng viên"
    lists = workbook.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    guide = workbook.create_sheet("Hướng dẫn")
    check_suffix(path, (".xlsx",))
    _header(sheet, 1, [_label(key) for key in columns], columns)
    body = Font(name=FONT, size=11)
    list_column = 0
    for column, key in enumerate(columns, start=1):
        letter = get_column_letter(column)
        spec = FIELD_BY_KEY.get(key)
        choices = unit_names if key == "unit" else [label for _, label in spec.choices] if spec else []
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        for row in range(2, TEMPLATE_ROWS + 2):
            cell = sheet.cell(row=row, column=column)
            cell.font = body
            if spec is not None and spec.kind == "date":
                cell.number_format = DATE_FORMAT
            elif key in TEXT_KEYS:
                cell.number_format = "@"
        if spec is not None and spec.kind == "date":
            validation = DataValidation(type="date", operator="between", formula1="DATE(1900,1,1)",
                                        formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                                        errorTitle="Ngày không hợp lệ", error="Hãy nhập ngày dạng dd/mm/yyyy.")
            validation.add(cells)
            sheet.add_data_validation(validation)
            continue
        if not choices:
            continue
        # Every list lives on the hidden sheet: Excel limits an inline list to 255 characters.
        list_column += 1
        list_letter = get_column_letter(list_column)
        _put(lists, 1, list_column, _label(key))
        for index, choice in enumerate(choices, start=2):
            _put(lists, index, list_column, choice)
        source = f"{quote_sheetname(lists.title)}!${list_letter}$2:${list_letter}${len(choices) + 1}"
        strict = key == "unit" or spec.kind == "enum"
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                    errorStyle="stop" if strict else "warning",
                                    errorTitle="Không có trong danh mục",
                                    error="Hãy chọn một giá trị trong danh sách." if strict
                                    else "Giá trị này không có trong danh sách; vẫn ghi nếu chắc chắn.")
        validation.add(cells)
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"
    _page_setup(sheet, 1, len(columns))
    lines = [
        "HƯỚNG DẪN NHẬP DANH SÁCH ĐẢNG VIÊN",
        "1. Mỗi dòng một người; dòng 1 là tiêu đề, không sửa tên cột.",
        "2. Ngày ghi dạng dd/mm/yyyy (ví dụ 05/03/1975), ngày trước tháng sau.",
        "3. Số CCCD ghi đủ 12 chữ số, kể cả số 0 ở đầu (các cột số đã để dạng văn bản).",
        "4. Số thẻ đảng viên dạng NN.NNNNNN; số lý lịch dạng 123456HN.",
        "5. Các cột có mũi tên: chọn trong danh sách.",
        "6. Dùng phông Unicode (Times New Roman); không dùng phông .VnTime hay VNI.",
        "7. Khi nhập, chương trình cho xem trước từng dòng (thêm, cập nhật, không đổi, không nhận) rồi mới ghi.",
    ]
    for index, line in enumerate(lines, start=1):
        _put(guide, index, 1, line).font = Font(name=FONT, size=12, bold=index == 1)
    guide.column_dimensions["A"].width = 110
    workbook.save(path)
    make_private(path)


def write_report(plan, path: str | Path) -> None:
    """The import's outcome: every data row echoed as it was, with the result and the reason."""
    from handbook_desktop.services.excel.importer import ACTION_LABELS

    check_suffix(path, (".xlsx",))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả nhập"
    counts = plan.counts()
    _put(sheet, 1, 1, (
        f"Kết quả nhập tệp {Path(plan.file).name}: thêm mới {counts['created']}, cập nhật {counts['updated']}, "
        f"không đổi {counts['unchanged']}, không nhận {counts['rejected']}"
    )).font = Font(name=FONT, bold=True, size=12)
    for index, note in enumerate(plan.notes, start=2):
        _put(sheet, index, 1, note).font = Font(name=FONT, italic=True, size=11)
    header_row = 3 + len(plan.notes)
    headings = ["Dòng"] + [("" if h is None else str(h)) for h in plan.headings] + ["Kết quả", "Lý do, ghi chú"]
    _header(sheet, header_row, headings, ["#"] * len(headings))
    body = Font(name=FONT, size=11)
    width = len(plan.headings)
    for offset, row in enumerate(plan.rows, start=1):
        excel_row = header_row + offset
        values = [row.row_number] + list(row.cells[:width]) + [None] * (width - len(row.cells[:width]))
        values += [ACTION_LABELS[row.action], row.message]
        for column, value in enumerate(values, start=1):
            if isinstance(value, datetime):
                value = value.date()
            cell = _put(sheet, excel_row, column, value)
            cell.font, cell.border = body, _BORDER
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str):
                cell.number_format = "@"
            if row.action == "rejected":
                cell.fill = _REJECTED_FILL
    sheet.column_dimensions[get_column_letter(len(headings))].width = 70
    _page_setup(sheet, header_row, len(headings))
    workbook.save(path)
    make_private(path)
