"""The conflicts tab: base, ours and theirs field by field; a person chooses or types the value."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from handbook_desktop.services.sync.conflicts import list_conflicts, resolve_conflict
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.sync.dialogs import _show, _when


class ConflictsTab(QWidget):
    COLUMNS = ("Đơn vị", "Loại", "Bản ghi", "Trường", "Phát sinh lúc")

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.rows: list[dict] = []
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("conflictsTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._show_selected)
        layout.addWidget(self.table, 1)
        box = QGroupBox(tr("So sánh"))
        grid = QGridLayout(box)
        self.base, self.ours, self.theirs = QLabel(), QLabel(), QLabel()
        for row, (title, label) in enumerate(((tr("Lần đồng bộ trước:"), self.base),
                                              (tr("Của mình:"), self.ours),
                                              (tr("Của đơn vị kia:"), self.theirs))):
            grid.addWidget(QLabel(title), row, 0)
            label.setWordWrap(True)
            grid.addWidget(label, row, 1)
        grid.setColumnStretch(1, 1)
        self.ours.setObjectName("oursValue")
        self.theirs.setObjectName("theirsValue")
        layout.addWidget(box)
        buttons = QHBoxLayout()
        self.keep_ours = QPushButton(tr("Giữ giá trị của mình"))
        self.keep_ours.setObjectName("keepOurs")
        self.take_theirs = QPushButton(tr("Nhận giá trị của đơn vị kia"))
        self.take_theirs.setObjectName("takeTheirs")
        self.edited = QLineEdit()
        self.edited.setPlaceholderText(tr("hoặc nhập giá trị khác"))
        self.use_edited = QPushButton(tr("Dùng giá trị đã nhập"))
        for widget in (self.keep_ours, self.take_theirs, self.edited, self.use_edited):
            buttons.addWidget(widget)
        layout.addLayout(buttons)
        self.keep_ours.clicked.connect(lambda: self._resolve("ours"))
        self.take_theirs.clicked.connect(lambda: self._resolve("theirs"))
        self.use_edited.clicked.connect(lambda: self._resolve("edited", self.edited.text()))
        self._enable(False)

    def _enable(self, on: bool) -> None:
        on = on and not self.context.readonly
        for widget in (self.keep_ours, self.take_theirs, self.edited, self.use_edited):
            widget.setEnabled(on)

    def refresh(self) -> None:
        self.context.runner.run(lambda _flag: list_conflicts(self.context.database), on_result=self._fill)

    def _fill(self, rows: list[dict]) -> None:
        self.rows = rows
        self.hint.setText(tr("Không có xung đột nào đang chờ.") if not rows else tr(
            "{n} xung đột: cùng một trường được sửa ở cả hai nơi. Chọn giá trị đúng; giá trị đã chọn sẽ đi theo "
            "gói gửi tiếp theo.").format(n=len(rows)))
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = (row["peer"], row["table_label"], row["label"], row["field_label"], _when(row["created_at"]))
            for column, value in enumerate(values):
                self.table.setItem(index, column, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        if rows:
            self.table.selectRow(0)
        else:
            self._show_selected()

    def selected(self) -> dict | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.rows[indexes[0].row()] if indexes else None

    def _show_selected(self) -> None:
        row = self.selected()
        self._enable(row is not None)
        for label, key in ((self.base, "base"), (self.ours, "ours"), (self.theirs, "theirs")):
            label.setText(_show(row[key]) if row else "")

    def _resolve(self, choice: str, value: str | None = None) -> None:
        row = self.selected()
        if row is None:
            return

        def done(_result) -> None:
            self.edited.clear()
            self.context.hub.changed.emit("sync")
            self.refresh()

        self.context.runner.run(
            lambda _flag: resolve_conflict(self.context.database, self.context.actor, row["id"], choice, value),
            on_result=done, parent=self)
