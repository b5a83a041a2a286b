"""The to-do tree of Tổng quan as a model: each item a row, the members it concerns its children.

A committee's to-do names tens of thousands of members; a ``QStandardItemModel`` held three Qt items
for each (≈ 200,000 items, some 200 MB, made one by one on the GUI thread). Here the items stay the
service's plain objects and the view asks only for the rows on screen (issue 11 §3, issue 18 §6).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTreeView

TOP = 0  # internal id of an item's row; a member's row holds its item's row + 1
DISPLAY, FOREGROUND = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)


class TodoModel(QAbstractItemModel):
    """Rows: to-do items (title, due, number of people); children: (uuid, name) of each item's members.

    ``item_role`` on column 0 gives the item's index in ``items``, ``member_role`` a member row's uuid."""

    def __init__(self, item_role: int, member_role: int, overdue_brush: QBrush, parent=None):
        super().__init__(parent)
        self.item_role, self.member_role = int(item_role), int(member_role)
        self.overdue_brush = overdue_brush
        self.headers: list[str] = []
        self.items: list = []
        self.texts: list[tuple[str, str, str, str]] = []  # per item: title, due, count, tooltip

    def set_items(self, headers: list[str], items: list, texts: list[tuple[str, str, str, str]]) -> None:
        self.beginResetModel()
        self.headers, self.items, self.texts = list(headers), items, texts
        self.endResetModel()

    # --- the tree
    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if not 0 <= column < 3 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, TOP) if row < len(self.items) else QModelIndex()
        if parent.internalId() != TOP or parent.column() != 0:
            return QModelIndex()
        members = self.items[parent.row()].members
        return self.createIndex(row, column, parent.row() + 1) if row < len(members) else QModelIndex()

    def parent(self, index=QModelIndex()) -> QModelIndex:  # noqa: D401 - Qt's name
        if not index.isValid() or index.internalId() == TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, TOP)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        if not parent.isValid():
            return len(self.items)
        if parent.internalId() == TOP and parent.column() == 0 and parent.row() < len(self.items):
            return len(self.items[parent.row()].members)
        return 0

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 3

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        role = int(role)
        row, column, parent = index.row(), index.column(), index.internalId()
        if parent == TOP:
            if row >= len(self.items):
                return None
            if role == DISPLAY:
                return self.texts[row][column]
            if role == FOREGROUND:
                return self.overdue_brush if self.items[row].overdue else None
            if column == 0 and role == self.item_role:
                return row
            if column == 0 and role == TOOLTIP:
                return self.texts[row][3]
            return None
        item_row = parent - 1
        if column != 0:
            return "" if role == DISPLAY else None
        if role == DISPLAY:
            return self.items[item_row].members[row][1]
        if role == self.item_role:
            return item_row
        if role == self.member_role:
            return self.items[item_row].members[row][0]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt's name
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None


class TodoTree(QTreeView):
    """The to-do's tree; its columns sized to their contents once per list and expansion, not at every
    show and layout of the page (each measure went through the rows on screen, role by role)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._widths: dict[int, int] = {}
        self.expanded.connect(self._forget_widths)
        self.collapsed.connect(self._forget_widths)

    def setModel(self, model) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        model.modelAboutToBeReset.connect(self._forget_widths)

    def _forget_widths(self, *_args) -> None:
        self._widths = {}

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 - Qt's name
        width = self._widths.get(column)
        if width is None:
            width = self._widths[column] = super().sizeHintForColumn(column)
        return width

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._widths = {}
        super().changeEvent(event)
