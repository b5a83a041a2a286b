"""How the sheet was read, shown so the secretary can see and fix it: the sheets (choose which),
the header rows found, the groups and where the table ends, each column's field (changeable from a
list), and the first rows as they will be stored."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)
from PySide6.QtCore import Qt

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import mask_digits
from handbook_desktop.services.excel.headings import UNIT_KEY
from handbook_desktop.services.members.fields import FIELD_BY_KEY, FIELDS
from handbook_desktop.ui.i18n import tr

PREVIEW_ROWS = 8
NOT_IMPORTED = ""
# What a column can be set to: every field, the branch, and the birth date under "Nam" / "Nữ".
CHOICES = ([(NOT_IMPORTED, tr("(không nhập)"))] + [(f.key, f.label) for f in FIELDS] + [(UNIT_KEY, tr("Chi bộ"))]
           + [("date_of_birth@male", tr("Ngày/năm sinh, cột Nam")), ("date_of_birth@female", tr("Ngày/năm sinh, cột Nữ"))])
PREVIEW_FIELDS = ["full_name", "date_of_birth", "gender", "status", "decision_date", "official_date"]


def _letter(column: int) -> str:
    text = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def shown_value(key: str, value, birth_year: int | None = None) -> str:
    """A value as the record will hold it; a birth year alone as …/…/1958."""
    if key == "date_of_birth" and value is None and birth_year:
        return f"…/…/{birth_year}"
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    spec = FIELD_BY_KEY.get(key)
    if key in ("national_id", "phone"):
        return mask_digits(str(value))  # personal numbers masked on screen, as in the row details
    if key == "status":
        return MemberStatus(value).label
    return spec.label_of(value) if spec is not None else str(value)


class MappingPanel(QWidget):
    """Emits ``changed`` when the secretary picks other sheets or sets a column's field."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mappingPanel")
        self.plan = None
        self.mappings: dict[str, dict[int, str]] = {}  # only the sheets the secretary changed
        self.chosen: list[str] | None = None
        self._filling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.sheet_list = QListWidget()
        self.sheet_list.setObjectName("sheets")
        self.sheet_list.setMaximumHeight(64)
        self.sheet_list.itemChanged.connect(self._sheets_changed)
        top.addWidget(QLabel(tr("Trang:")))
        top.addWidget(self.sheet_list, 1)
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName("sheetShown")
        self.sheet_box.currentIndexChanged.connect(lambda _: self._show_sheet())
        top.addWidget(QLabel(tr("Xem cách đọc trang:")))
        top.addWidget(self.sheet_box)
        layout.addLayout(top)
        self.layout_text = QLabel()
        self.layout_text.setObjectName("layoutText")
        self.layout_text.setWordWrap(True)
        layout.addWidget(self.layout_text)
        body = QHBoxLayout()
        self.columns = QTableWidget(0, 3)
        self.columns.setObjectName("columns")
        self.columns.setHorizontalHeaderLabels([tr("Cột"), tr("Tiêu đề trong bảng"), tr("Ghi vào")])
        self.columns.verticalHeader().hide()
        self.columns.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.columns.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        body.addWidget(self.columns, 3)
        self.preview = QTableWidget(0, len(PREVIEW_FIELDS))
        self.preview.setObjectName("storedPreview")
        self.preview.setHorizontalHeaderLabels([FIELD_BY_KEY[k].label for k in PREVIEW_FIELDS])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        body.addWidget(self.preview, 3)
        layout.addLayout(body, 1)

    # --- showing ----------------------------------------------------------------------------
    def show_plan(self, plan) -> None:
        self.plan = plan
        self._filling = True
        try:
            self.sheet_list.clear()
            for name in [s.name for s in plan.sheets] + plan.other_sheets:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = name in [s.name for s in plan.sheets]
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                self.sheet_list.addItem(item)
            shown = self.sheet_box.currentText()
            self.sheet_box.clear()
            self.sheet_box.addItems([s.name for s in plan.sheets])
            if shown in [s.name for s in plan.sheets]:
                self.sheet_box.setCurrentText(shown)
        finally:
            self._filling = False
        self._show_sheet()

    def current_sheet(self):
        if self.plan is None:
            return None
        return next((s for s in self.plan.sheets if s.name == self.sheet_box.currentText()), None)

    def _show_sheet(self) -> None:
        if self._filling:
            return
        sheet = self.current_sheet()
        if sheet is None:
            return
        self.layout_text.setText(self._describe(sheet))
        self._filling = True
        try:
            self._fill_columns(sheet)
        finally:
            self._filling = False
        self._fill_preview(sheet)

    def _describe(self, sheet) -> str:
        first, last = sheet.header_rows
        rows = f"dòng {first}" if first == last else f"dòng {first}–{last}"
        parts = [tr("Tiêu đề ở {rows}.").format(rows=rows)]
        if sheet.remembered:
            parts.append(tr("Cách ghi các cột là cách đã chọn lần trước cho bảng cùng mẫu."))
        if sheet.status:
            parts.append(tr("Trang này là danh sách '{s}'.").format(s=MemberStatus(sheet.status).label))
        for row, text, status in sheet.groups:
            said = f" → {MemberStatus(status).label}" if status else ""
            parts.append(tr("Nhóm ở dòng {row}: '{text}'{said}.").format(row=row, text=text, said=said))
        if sheet.end:
            parts.append(tr("Bảng kết thúc ở dòng {row} ('{text}'): phần dưới không nhập.").format(
                row=sheet.end[0], text=sheet.end[1][:40]))
        return " ".join(parts)

    def _fill_columns(self, sheet) -> None:
        columns = sorted(set(sheet.headings) | set(range(sheet.width)))
        self.columns.setRowCount(len(columns))
        for index, column in enumerate(columns):
            self.columns.setItem(index, 0, QTableWidgetItem(_letter(column)))
            self.columns.setItem(index, 1, QTableWidgetItem(sheet.headings.get(column, "")))
            box = QComboBox()
            box.setObjectName(f"field_{column}")
            for key, label in CHOICES:
                box.addItem(label, key)
            current = sheet.columns.get(column, NOT_IMPORTED)
            box.setCurrentIndex(max(0, box.findData(current)))
            box.currentIndexChanged.connect(lambda _, c=column, b=box: self._field_changed(c, b))
            self.columns.setCellWidget(index, 2, box)
        self.columns.resizeColumnToContents(0)
        self.columns.setColumnWidth(2, 230)
        self.columns.resizeColumnToContents(1)

    def field_box(self, column: int) -> QComboBox | None:
        return self.columns.findChild(QComboBox, f"field_{column}")

    def _fill_preview(self, sheet) -> None:
        """The first rows as the records will hold them: name, birth, status, then every other
        field the columns are set to, in the sheet's order."""
        keys = list(PREVIEW_FIELDS)
        for column in sorted(sheet.columns):
            key = sheet.columns[column].split("@")[0]
            if key and key != UNIT_KEY and key not in keys:
                keys.append(key)
        rows = [r for r in self.plan.rows if r.sheet == sheet.name][:PREVIEW_ROWS]
        self.preview.setColumnCount(len(keys))
        self.preview.setHorizontalHeaderLabels([FIELD_BY_KEY[k].label for k in keys])
        self.preview.setRowCount(len(rows))
        for index, row in enumerate(rows):
            for column, key in enumerate(keys):
                text = shown_value(key, row.values.get(key), row.birth_year)
                self.preview.setItem(index, column, QTableWidgetItem(text))
        self.preview.resizeColumnsToContents()

    # --- changes ----------------------------------------------------------------------------
    def _field_changed(self, column: int, box: QComboBox) -> None:
        if self._filling:
            return
        sheet = self.current_sheet()
        mapping = dict(self.mappings.get(sheet.name) or sheet.columns)
        mapping[column] = box.currentData()
        self.mappings[sheet.name] = mapping
        self.changed.emit()

    def _sheets_changed(self, _item) -> None:
        if self._filling:
            return
        self.chosen = [self.sheet_list.item(i).text() for i in range(self.sheet_list.count())
                       if self.sheet_list.item(i).checkState() == Qt.CheckState.Checked]
        self.changed.emit()
