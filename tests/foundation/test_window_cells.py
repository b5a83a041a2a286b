"""A legitimately narrow free-text cell says what it hides (issue 11 §5): ``FullTextTips`` shows the whole
text on hover when the cell is cut, and nothing when it fits; pixel widths grow with large text."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QStyleOptionViewItem, QTableWidget, QTableWidgetItem, QToolTip


def _hover(view, row, column, shown):
    shown.clear()
    index = view.model().index(row, column)
    rect = view.visualRect(index)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.viewport().mapToGlobal(rect.center()))
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = rect
    view.itemDelegate().helpEvent(event, view, option, index)
    return shown[-1] if shown else ""


def test_a_cut_cell_shows_its_whole_text_on_hover_and_a_whole_one_nothing(qtbot, monkeypatch):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.cells import full_text_tips

    application([])
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_rest: shown.append(text))
    table = QTableWidget(1, 2)
    qtbot.addWidget(table)
    full_text_tips(table)
    long = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    table.setItem(0, 0, QTableWidgetItem(long))
    table.setItem(0, 1, QTableWidgetItem("Thường kỳ"))
    table.setColumnWidth(0, 90)
    table.setColumnWidth(1, 200)
    table.show()
    qtbot.waitExposed(table)
    assert _hover(table, 0, 0, shown) == long
    assert _hover(table, 0, 1, shown) == ""


def test_widths_grow_with_large_text(qtbot):
    from PySide6.QtWidgets import QApplication, QWidget

    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.style import BASE_POINT_SIZE, LARGE_POINT_SIZE
    from handbook_desktop.ui.cells import scaled

    app = application([])
    widget = QWidget()
    qtbot.addWidget(widget)
    font = QApplication.font()
    try:
        font.setPointSize(BASE_POINT_SIZE)
        app.setFont(font)
        assert scaled(widget, 110) == 110
        font.setPointSize(LARGE_POINT_SIZE)
        app.setFont(font)
        assert scaled(widget, 110) == round(110 * LARGE_POINT_SIZE / BASE_POINT_SIZE)
    finally:
        font.setPointSize(BASE_POINT_SIZE)
        app.setFont(font)
