"""Every dialog behaves the same at the keyboard (issue 11 §7): focus starts in the first field, Enter is
the primary action and nothing else, Esc cancels (QDialog's own).

Qt makes every QPushButton in a dialog "auto default": the button that last had focus — «Chọn ảnh…»,
«Chọn tệp…» — takes Enter, so a secretary pressing Enter to save opened a file picker instead. One
``KeyedDialog`` (a base of every dialog of the program) settles each dialog when it is first shown: only the
primary button (the one a dialog made default, else the accept button of its button box) answers Enter.
A base class and not an application-wide event filter: a filter in Python would run on every event of the
window (paints, mouse moves) to catch a few dialogs.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox, QComboBox, QDialog, QDialogButtonBox, QLineEdit, QPlainTextEdit,
    QPushButton, QTextEdit, QWidget,
)

INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QAbstractSpinBox)
PRIMARY_ROLES = (QDialogButtonBox.ButtonRole.AcceptRole, QDialogButtonBox.ButtonRole.YesRole,
                 QDialogButtonBox.ButtonRole.ApplyRole)


def primary_button(dialog: QDialog) -> QPushButton | None:
    buttons = dialog.findChildren(QPushButton)
    for button in buttons:
        if button.isDefault():
            return button
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            if box.buttonRole(button) in PRIMARY_ROLES and isinstance(button, QPushButton):
                return button
    return None


def first_field(dialog: QDialog) -> QWidget | None:
    widget = dialog.nextInFocusChain()
    seen = set()
    while widget is not None and widget is not dialog and id(widget) not in seen:
        seen.add(id(widget))
        if (isinstance(widget, INPUTS) and widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not (isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)) and widget.isReadOnly())):
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
                return widget.parent()
            return widget
        widget = widget.nextInFocusChain()
    return None


def fit(dialog: QDialog) -> None:
    """Never taller or wider than the screen's free area (a long form scrolls inside instead)."""
    screen = dialog.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    title_bar = 32
    width, height = min(dialog.width(), area.width()), min(dialog.height(), area.height() - title_bar)
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)
    frame = dialog.frameGeometry()
    x = min(max(frame.x(), area.x()), area.right() - width)
    y = min(max(frame.y(), area.y()), area.bottom() - height - title_bar)
    if (x, y) != (frame.x(), frame.y()):
        dialog.move(max(x, area.x()), max(y, area.y()))


def settle(dialog: QDialog) -> None:
    fit(dialog)
    primary = primary_button(dialog)
    for button in dialog.findChildren(QPushButton):
        if button is not primary:
            button.setAutoDefault(False)
            button.setDefault(False)
    if primary is not None:
        primary.setDefault(True)
    focused = dialog.focusWidget()
    if focused is None or not isinstance(focused, INPUTS + (QLineEdit,)):
        field = first_field(dialog)
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)


def retire(dialog: QDialog) -> None:
    """A closed dialog with a parent lives as long as its parent (a page: the whole session), so each
    record opened on a committee's Đảng viên page stayed in memory (the soak test, issue 11 §2). The
    page keeps only the dialog of each kind it closed last — the code that opened it may still read
    its fields after ``exec()`` — and the one closed before it is deleted now."""
    parent = dialog.parent()
    if parent is None:
        return  # Python owns it: freed with its last reference
    closed = parent.__dict__.setdefault("_closed_dialogs", {})
    previous = closed.get(type(dialog))
    closed[type(dialog)] = dialog
    if previous is not None and previous is not dialog and shiboken6.isValid(previous) and not previous.isVisible():
        previous.deleteLater()


class KeyedDialog:
    """Mixin before QDialog: ``class MemberDialog(KeyedDialog, QDialog)``."""

    def done(self, result: int) -> None:
        super().done(result)
        retire(self)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.property("keysSettled"):
            self.setProperty("keysSettled", True)
            settle(self)
