"""A read-only table model over rows of text (audit, backups, data-check problems).

A model instead of QTableWidget items: thousands of rows cost no widget objects, and a refresh
is one reset."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

RED = QColor("#b00020")


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[str]] = []
        self.payload: list[Any] = []
        self.tooltips: dict[tuple[int, int], str] = {}
        self.red: set[tuple[int, int]] = set()

    def set_rows(self, rows: list[list[str]], payload: list[Any] | None = None,
                 tooltips: dict[tuple[int, int], str] | None = None, red: set[tuple[int, int]] | None = None):
        self.beginResetModel()
        self.rows = rows
        self.payload = payload if payload is not None else [None] * len(rows)
        self.tooltips = tooltips or {}
        self.red = red or set()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt name
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = (index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltips.get(key)
        if role == Qt.ItemDataRole.ForegroundRole and key in self.red:
            return RED
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt name
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]
