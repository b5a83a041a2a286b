"""A list of rows shown through a model: 50,000 rows are one reset, not 200,000 items (issue 11 §3).

``RowsTable`` is the table the Nghiệp vụ tabs and Đánh giá xếp loại show. It keeps the few calls of
``QTableWidget`` that the pages and their tests use (``rowCount``, ``item(r, c).text()``,
``currentRow``, ``setCurrentCell``, ``itemSelectionChanged`` …), but the cells live in one Python list
read by the view only for the rows on screen. An empty list says why (``set_empty_text``) once filled. Columns are sized to the headings and the first 200
rows, once per fill (a header that resized to contents measured every row of the committee at every
item set: 48,542 rows took more than 10 minutes).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QEvent, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QListView, QTableView

OVERDUE = QColor("#fde2e1")
SIZE_FROM_ROWS = 200  # rows looked at when the columns are sized
# Roles as plain ints: a view asks ``data`` some eight roles per cell it measures or paints, and
# comparing with the enum members costs more than the answer (issue 11 §3).
DISPLAY, USER = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.UserRole)
BACKGROUND, TOOLTIP = int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.ToolTipRole)


class RowsModel(QAbstractTableModel):
    """rows: (key kept on the first cell's UserRole, cell texts, highlight as overdue)."""

    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple] = []
        self.tooltips: dict[tuple[int, int], str] = {}
        self.extra: dict[tuple[int, int, int], object] = {}  # data a page set on a few cells, by role
        self.header_tips: dict[int, str] = {}
        self._brush = QBrush(OVERDUE)

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.tooltips, self.extra = {}, {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        role = int(role)
        if self.extra:
            value = self.extra.get((index.row(), index.column(), role))
            if value is not None:
                return value
        if role == DISPLAY:
            cells = self.rows[index.row()][1]
            column = index.column()
            return cells[column] if column < len(cells) else ""
        if role == BACKGROUND:
            return self._brush if self.rows[index.row()][2] else None
        if role == USER:
            return self.rows[index.row()][0] if index.column() == 0 else None
        if role == TOOLTIP:
            return self.tooltips.get((index.row(), index.column()))
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 - Qt's name
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tips.get(section)
        return None


class Cell:
    """What ``QTableWidget.item(r, c)`` gave: the cell's text and data, read from the model."""

    def __init__(self, table: "RowsTable", row: int, column: int):
        self.table, self.row, self.column = table, row, column

    def _index(self):
        return self.table.rows_model.index(self.row, self.column)

    def text(self) -> str:
        return self._index().data() or ""

    def data(self, role) -> object:
        return self._index().data(role)

    def toolTip(self) -> str:  # noqa: N802 - Qt's name
        return self._index().data(Qt.ItemDataRole.ToolTipRole) or ""

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt's name
        self.table.rows_model.tooltips[(self.row, self.column)] = text

    def setData(self, role, value) -> None:  # noqa: N802 - Qt's name
        self.table.rows_model.extra[(self.row, self.column, int(role))] = value
        self.table._widths = {}  # a text set on a cell may be wider

    def background(self) -> QBrush:
        return self._index().data(Qt.ItemDataRole.BackgroundRole) or QBrush()


class HeaderCell:
    def __init__(self, model: RowsModel, section: int):
        self.model, self.section = model, section

    def text(self) -> str:
        return self.model.headers[self.section]

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt's name
        self.model.header_tips[self.section] = text

    def toolTip(self) -> str:  # noqa: N802 - Qt's name
        return self.model.header_tips.get(self.section, "")


class RowsTable(QTableView):
    itemSelectionChanged = Signal()  # noqa: N815 - QTableWidget's name, kept for the pages

    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self._widths: dict[int, int] = {}  # column → width measured for the rows of this fill
        self._kept = None  # (key, (row, column)) of the current cell when the rows were let go
        self.rows_model = RowsModel(headers, self)
        self.setModel(self.rows_model)
        self.selectionModel().selectionChanged.connect(lambda *_: self.itemSelectionChanged.emit())
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        # Sized to the headings and the first rows only, once per fill: a reset is one pass over
        # SIZE_FROM_ROWS rows, where a QTableWidget measured every row at every item set.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(SIZE_FROM_ROWS)
        header.setStretchLastSection(True)
        self.empty_text: Callable[[], str] | str = ""
        self._filled = False

    def set_empty_text(self, text: Callable[[], str] | str) -> None:
        """What an empty list says once filled (a text, or a function giving it: the branch chosen now)."""
        self.empty_text = text
        self.viewport().update()

    def empty_message(self) -> str:
        """The sentence shown over an empty list: none before the first fill (still loading)."""
        if not self._filled or self.rows_model.rowCount():
            return ""
        return self.empty_text() if callable(self.empty_text) else self.empty_text

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        text = self.empty_message()
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(12, 12, -12, -12),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                             text)
            painter.end()

    # --- sizing
    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 - Qt's name
        """Measured once per fill: the header asks again at every show, layout and resize of the page
        (20,000–50,000 ``data`` calls to show a page at a committee), and the rows have not changed."""
        width = self._widths.get(column)
        if width is None:
            width = self._widths[column] = super().sizeHintForColumn(column)
        return width

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._widths = {}  # large text: measured again
        super().changeEvent(event)

    # --- filling
    def set_rows(self, rows: list[tuple]) -> None:
        """New rows; the person's place is kept — the same key (a member) stays current, as the row
        of a QTableWidget stayed selected when its list was refilled after a change."""
        self._filled = True
        self.viewport().update()
        current = self.currentIndex()
        if current.isValid():
            key, place = self.key_at(current.row()), (current.row(), current.column())
        elif self._kept is not None:  # the rows were let go (release): the place from before
            key, place = self._kept
        else:
            key, place = None, None
        self._kept = None
        self._widths = {}
        self.rows_model.set_rows(rows)
        if place is None:
            return
        row = place[0] if key is None else next(
            (r for r, entry in enumerate(rows) if entry[0] == key), None)
        if row is not None and row < len(rows):
            self.setCurrentIndex(self.rows_model.index(row, place[1]))

    def release(self) -> int:
        """Let the rows go (a hidden page at a committee), keeping the person's place for the next fill;
        returns how many there were."""
        count = self.rowCount()
        current = self.currentIndex()
        kept = (self.key_at(current.row()), (current.row(), current.column())) if current.isValid() else self._kept
        self.set_rows([])
        self._kept = kept
        return count

    def setRowCount(self, count: int) -> None:  # noqa: N802 - QTableWidget's name: only clearing is used
        if count != 0:
            raise ValueError("RowsTable is filled with set_rows")
        self.set_rows([])

    # --- reading, as QTableWidget
    def rowCount(self) -> int:  # noqa: N802
        return self.rows_model.rowCount()

    def columnCount(self) -> int:  # noqa: N802
        return self.rows_model.columnCount()

    def item(self, row: int, column: int) -> Cell | None:
        if 0 <= row < self.rowCount() and 0 <= column < self.columnCount():
            return Cell(self, row, column)
        return None

    def horizontalHeaderItem(self, section: int) -> HeaderCell | None:  # noqa: N802
        return HeaderCell(self.rows_model, section) if 0 <= section < self.columnCount() else None

    def currentRow(self) -> int:  # noqa: N802
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def setCurrentCell(self, row: int, column: int) -> None:  # noqa: N802
        self.setCurrentIndex(self.rows_model.index(row, column))

    def visualItemRect(self, cell: Cell) -> QRect:  # noqa: N802
        return self.visualRect(cell._index())

    def scrollToItem(self, cell: Cell, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802
        self.scrollTo(cell._index(), hint)

    def key_at(self, row: int):
        return self.rows_model.rows[row][0] if 0 <= row < self.rowCount() else None


class ListModel(QAbstractListModel):
    """rows: (key kept on UserRole, text); for a list or a combo box of thousands of entries.
    ``text_at``: where the text is in a longer row (a page's own tuples shown as they are)."""

    def __init__(self, parent=None, text_at: int = 1):
        super().__init__(parent)
        self.rows: list[tuple] = []
        self.text_at = text_at

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][self.text_at]
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()][0]
        return None


class ListEntry:
    """What ``QListWidget.item(i)`` gave: the entry's text and data."""

    def __init__(self, model: ListModel, row: int):
        self.model, self.row = model, row

    def text(self) -> str:
        return self.model.rows[self.row][self.model.text_at]

    def data(self, role) -> object:
        return self.model.index(self.row, 0).data(role)


class RowsList(QListView):
    """A list through a model, with the calls of ``QListWidget`` the pages use (count, item,
    currentRow, setCurrentRow, currentItem)."""

    def __init__(self, parent=None, text_at: int = 1):
        super().__init__(parent)
        self.rows_model = ListModel(self, text_at)
        self.setModel(self.rows_model)
        self.setUniformItemSizes(True)  # 50,000 names: no height asked of each
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def set_rows(self, rows: list[tuple]) -> None:
        self.rows_model.set_rows(rows)

    def count(self) -> int:
        return self.rows_model.rowCount()

    def item(self, row: int) -> ListEntry | None:
        return ListEntry(self.rows_model, row) if 0 <= row < self.count() else None

    def currentRow(self) -> int:  # noqa: N802
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def setCurrentRow(self, row: int) -> None:  # noqa: N802
        self.setCurrentIndex(self.rows_model.index(row, 0))

    def currentItem(self) -> ListEntry | None:  # noqa: N802
        return self.item(self.currentRow())
