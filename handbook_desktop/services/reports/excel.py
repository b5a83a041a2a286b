"""A report to Excel: one sheet per table with its two heading rows, values only, native charts.

No cell is ever a formula: totals and percentages are the report's own figures, and any text that
Excel would read as a formula (= + - @ at the start) is stored as text.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from handbook_desktop.services.reports.model import Chart, Report, Table

_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _put(sheet, row: int, column: int, value, *, bold: bool = False, kind: str = "count"):
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would write it as a formula
    if kind == "money":
        cell.number_format = "#,##0"
    elif kind == "percent":
        cell.number_format = "0.0"
    cell.border = _BOX
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet_title(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "Bảng"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]} {n}", n + 1
    used.add(title)
    return title


def _table_sheet(book: Workbook, report: Report, table: Table, used: set[str]):
    sheet = book.create_sheet(_sheet_title(table.title.split(" từ ")[0].split(" đến ")[0], used))
    sheet.cell(row=1, column=1, value=report.unit_name).font = Font(bold=True)
    sheet.cell(row=2, column=1, value=table.title).font = Font(bold=True, size=13)
    top = 4
    _put(sheet, top, 1, "STT", bold=True)
    _put(sheet, top, 2, "Đơn vị", bold=True)
    sheet.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    sheet.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
    column = 3
    start_of_group = {}
    for col in table.columns:
        _put(sheet, top, column, col.group or col.label, bold=True)
        _put(sheet, top + 1, column, col.label if col.group else None, bold=True)
        if col.group:
            start_of_group.setdefault(col.group, []).append(column)
        else:
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
        column += 1
    for group, columns in start_of_group.items():
        runs, run = [], [columns[0]]
        for c in columns[1:]:
            if c == run[-1] + 1:
                run.append(c)
            else:
                runs.append(run)
                run = [c]
        runs.append(run)
        for run in runs:
            if len(run) > 1:
                sheet.merge_cells(start_row=top, start_column=run[0], end_row=top, end_column=run[-1])
    for r in (top, top + 1):
        for c in range(1, column):
            sheet.cell(row=r, column=c).alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    line = top + 2
    for index, row in enumerate(table.rows, 1):
        _put(sheet, line, 1, index)
        _put(sheet, line, 2, row["label"])
        for offset, col in enumerate(table.columns):
            _put(sheet, line, 3 + offset, row.get(col.key), kind=col.kind)
        line += 1
    if table.total is not None:
        _put(sheet, line, 1, None, bold=True)
        _put(sheet, line, 2, table.total.get("label", "Tổng cộng"), bold=True)
        for offset, col in enumerate(table.columns):
            _put(sheet, line, 3 + offset, table.total.get(col.key), bold=True, kind=col.kind)
        line += 1
    if table.note:
        sheet.cell(row=line + 1, column=1, value=table.note).font = Font(italic=True)
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 38
    for c in range(3, column):
        sheet.column_dimensions[get_column_letter(c)].width = 12
    sheet.row_dimensions[top + 1].height = 45
    sheet.freeze_panes = sheet.cell(row=top + 2, column=3)
    return sheet


def _chart_sheet(book: Workbook, charts: list[Chart], used: set[str]) -> None:
    """The charts' data as plain values, each block with its native chart beside it."""
    sheet = book.create_sheet(_sheet_title("Biểu đồ", used))
    row = 1
    for chart in charts:
        if chart.kind == "grid":
            continue  # a branch × month grid reads better as the table it is (on its own sheet)
        sheet.cell(row=row, column=1, value=chart.title).font = Font(bold=True)
        head = row + 1
        _put(sheet, head, 1, chart.unit or "", bold=True)
        for s_index, series in enumerate(chart.series):
            _put(sheet, head, 2 + s_index, series.name, bold=True)
        for c_index, category in enumerate(chart.categories):
            _put(sheet, head + 1 + c_index, 1, category)
            for s_index, series in enumerate(chart.series):
                _put(sheet, head + 1 + c_index, 2 + s_index, series.values[c_index])
        last = head + len(chart.categories)
        native = LineChart() if chart.kind == "line" else BarChart()
        if chart.kind == "pyramid":
            native.type = "bar"  # horizontal bars, men and women side by side per age band
        native.title = chart.title
        native.height, native.width = 7.5, 16
        data = Reference(sheet, min_col=2, max_col=1 + len(chart.series), min_row=head, max_row=max(last, head + 1))
        native.add_data(data, titles_from_data=True)
        native.set_categories(Reference(sheet, min_col=1, min_row=head + 1, max_row=max(last, head + 1)))
        sheet.add_chart(native, f"{get_column_letter(3 + len(chart.series))}{row}")
        row = max(last + 2, row + 17)
    sheet.column_dimensions["A"].width = 34


def _grid_sheet(book: Workbook, chart: Chart, used: set[str]) -> None:
    sheet = book.create_sheet(_sheet_title("Lưới sinh hoạt", used))
    sheet.cell(row=1, column=1, value=chart.title).font = Font(bold=True)
    _put(sheet, 3, 1, "Đơn vị", bold=True)
    for c_index, category in enumerate(chart.categories):
        _put(sheet, 3, 2 + c_index, category, bold=True)
    for r_index, series in enumerate(chart.series):
        _put(sheet, 4 + r_index, 1, chart.rows[r_index] if chart.rows else series.name)
        for c_index, value in enumerate(series.values):
            _put(sheet, 4 + r_index, 2 + c_index, value)
    sheet.column_dimensions["A"].width = 38


def write_excel(report: Report, out_path) -> Path:
    out = Path(out_path)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in report.tables:
        _table_sheet(book, report, table, used)
    if report.charts:
        _chart_sheet(book, report.charts, used)
        for chart in report.charts:
            if chart.kind == "grid":
                _grid_sheet(book, chart, used)
    book.properties.creator = "Sổ tay Chi bộ"
    book.properties.title = report.title
    book.save(out)
    return out
