"""A report table as a Qt model: rows built on demand (a committee has hundreds of branches)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from handbook_desktop.services.reports.model import Table, format_figure


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.table: Table | None = None
        self.headings: list[str] | None = None
        self._rows: list[dict] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(self, table: Table | None, headings: list[str] | None = None) -> None:
        """``headings``: each column's heading already broken into lines that fit its width (the page's)."""
        self.beginResetModel()
        self.table = table
        self.headings = headings
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
            if self.headings is not None and section < len(self.headings):
                return self.headings[section]
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


def heading_lines(text: str, metrics, width: int) -> list[str]:
    """Words of ``text`` in lines no wider than ``width`` px (a word wider than that on its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def layout_headings(table: Table, metrics, narrow: int, wide: int) -> tuple[list[str], list[int]]:
    """Each column's heading in whole words on lines, and its width: the narrowest from ``narrow`` (in steps
    of 10 px, up to ``wide``) at which the group («Sinh hoạt thường kỳ») and the label («Số tháng phải sinh
    hoạt») take at most two lines each — never cut at both ends as one centred line in 110 px was."""
    headings, widths = ["Đơn vị"], [0]
    pad = 14
    for column in table.columns:
        parts = [column.group, column.label] if column.group else [column.label]
        longest = max(metrics.horizontalAdvance(word) for part in parts for word in part.split())
        width = max(narrow, longest + pad)
        while width < wide and any(len(heading_lines(part, metrics, width - pad)) > 2 for part in parts):
            width += 10
        headings.append("\n".join(line for part in parts for line in heading_lines(part, metrics, width - pad)))
        widths.append(width)
    return headings, widths
