"""A row of buttons (or filters) that wraps onto the next line when the window is narrow (issue 11 §5): a
1366×768 laptop at 125 % gives a page about 816 px, and a row of five «Lập…/Ghi…» buttons asked for 900;
in a plain QHBoxLayout the page then scrolled sideways and the last buttons were behind the scroll bar.

Written for the ways the pages build their rows: ``addWidget(widget, stretch)`` (stretch is ignored: a
wrapped row has no spare width to share), ``addStretch()`` ends the group that stays left (what follows
goes right, as it did), ``addLayout(layout)`` keeps a small group together."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right_from: int | None = None  # index of the first item after addStretch(): kept right
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # --- the QHBoxLayout calls the pages make ---------------------------------------------------------
    def addWidget(self, widget: QWidget, stretch: int = 0, alignment=None) -> None:  # noqa: N802 - Qt's name
        super().addWidget(widget)

    def addStretch(self, stretch: int = 0) -> None:  # noqa: N802 - Qt's name
        if self._right_from is None:
            self._right_from = len(self._items)

    def addSpacing(self, size: int) -> None:  # noqa: N802 - Qt's name
        pass

    def addLayout(self, layout: QLayout, stretch: int = 0) -> None:  # noqa: N802 - Qt's name
        holder = QWidget()
        layout.setContentsMargins(0, 0, 0, 0)
        holder.setLayout(layout)
        self.addWidget(holder)

    # --- QLayout ------------------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt's name
        if 0 <= index < len(self._items):
            if self._right_from is not None and index < self._right_from:
                self._right_from -= 1
            return self._items.pop(index)
        return None

    def expandingDirections(self):  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """All on one line, as a QHBoxLayout would ask."""
        visible = [item for item in self._items if not item.isEmpty()]
        width = sum(item.sizeHint().width() for item in visible) + self._spacing * max(0, len(visible) - 1)
        height = max((item.sizeHint().height() for item in visible), default=0)
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """The widest single item: everything else wraps."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[QLayoutItem]] = [[]]
        x = 0
        for item in self._items:
            if item.isEmpty():
                continue
            width = item.sizeHint().width()
            if lines[-1] and x + width > area.width():
                lines.append([])
                x = 0
            lines[-1].append(item)
            x += width + self._spacing
        y = area.y()
        right = set(id(item) for item in self._items[self._right_from:]) if self._right_from is not None else set()
        for line in lines:
            if not line:
                continue
            height = max(item.sizeHint().height() for item in line)
            if move:
                left_items = [item for item in line if id(item) not in right]
                right_items = [item for item in line if id(item) in right]
                x = area.x()
                for item in left_items:
                    item.setGeometry(QRect(QPoint(x, y), QSize(min(item.sizeHint().width(), area.width()), height)))
                    x += item.sizeHint().width() + self._spacing
                x = area.right() + 1
                for item in reversed(right_items):
                    width = min(item.sizeHint().width(), area.width())
                    x -= width
                    item.setGeometry(QRect(QPoint(max(x, area.x()), y), QSize(width, height)))
                    x -= self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + margins.bottom()
