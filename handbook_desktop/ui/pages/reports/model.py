"""A report table as a Qt model: rows built on demand (a committee has hundreds of branches)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from handbook_desktop.services.reports.model import Table, format_figure


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: Table | None = None
        self._rows: list[dict] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: Table | None) -> None:
        self.beginResetModel()
        self.table = table
        self._rows = [] if table is None else list(table.rows) + ([table.total] if table.total else [])
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.table is None else 1 + len(self.table.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if self.table is None or orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Đơn vị"
            column = self.table.columns[section - 1]
            return f"{column.group}\n{column.label}" if column.group else column.label
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            column = self.table.columns[section - 1]
            return f"{column.group}: {column.label}" if column.group else column.label
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.table is None:
            return None
        row = self._rows[index.row()]
        is_total = self.table.total is not None and index.row() == len(self._rows) - 1
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return row.get("label", "")
            column = self.table.columns[index.column() - 1]
            return format_figure(row.get(column.key), column.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            column = self.table.columns[index.column() - 1]
            if column.kind != "text":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and is_total:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return row.get("label", "")
        return None
