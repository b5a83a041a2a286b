"""Cells that fit, or say what they hide (issue 11 §5).

- ``text_scale(widget)``: column widths tuned in pixels for the normal text size grow with large text
  (a card number cut to «47.9703…» in large text otherwise).
- ``FullTextTips``: a free-text column that is legitimately narrow (a meeting's topic, an agenda item, a
  form's title, an audit entry's detail) shows «…» and, on hover, its whole text; a cell that fits shows no
  tooltip. ``full_text_tips(view)`` puts it on a table, tree or list.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyledItemDelegate, QToolTip, QWidget


def text_scale(widget: QWidget | None = None) -> float:
    """How much larger the text is than the normal size the pixel widths in code were tuned for."""
    from handbook_desktop.ui.style import BASE_POINT_SIZE

    size = max(QApplication.font().pointSizeF(), widget.font().pointSizeF() if widget is not None else 0)
    return max(1.0, size / BASE_POINT_SIZE) if size > 0 else 1.0


def scaled(widget: QWidget, width: int) -> int:
    return int(round(width * text_scale(widget)))


class FullTextTips(QStyledItemDelegate):
    """Paints as usual (Qt elides with «…»); on hover over a cut cell, the whole text in a tooltip."""

    def is_cut(self, option, index) -> bool:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text:
            return False
        self.initStyleOption(option, index)
        need = max(option.fontMetrics.horizontalAdvance(line) for line in text.split("\n")) + 8
        if not option.icon.isNull():
            need += option.decorationSize.width() + 4
        return need > option.rect.width()

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802 - Qt's name
        if event is None or view is None or event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        own = index.data(Qt.ItemDataRole.ToolTipRole)
        if own:
            return super().helpEvent(event, view, option, index)
        if self.is_cut(option, index):
            QToolTip.showText(event.globalPos(), str(index.data(Qt.ItemDataRole.DisplayRole)), view)
        else:
            QToolTip.hideText()
            event.ignore()
        return True


def full_text_tips(view: QAbstractItemView) -> FullTextTips:
    delegate = FullTextTips(view)
    view.setItemDelegate(delegate)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return delegate


def heading_tips(table) -> None:
    """A QTableWidget's headings in tooltips: a narrow window cuts a heading, the tooltip keeps it whole."""
    for column in range(table.columnCount()):
        item = table.horizontalHeaderItem(column)
        if item is not None:
            item.setToolTip(item.text())
