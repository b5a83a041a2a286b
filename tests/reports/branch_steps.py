"""What the committee pages' branch tests do as a person would: choose a branch with the arrow keys and
read a column back."""

from __future__ import annotations

from PySide6.QtCore import Qt


def choose(qtbot, box, index: int) -> None:
    """Pick a branch as a person does: focus the box, move with the arrow keys."""
    box.setFocus()
    while box.currentIndex() < index:
        qtbot.keyClick(box, Qt.Key.Key_Down)
    while box.currentIndex() > index:
        qtbot.keyClick(box, Qt.Key.Key_Up)


def column(table, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]
