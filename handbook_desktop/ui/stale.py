"""A message about what was typed goes when the input is fixed (issue 11 §9): once a dialog's message line
shows a problem, every edit in the dialog (after a 300 ms pause in typing) asks ``recheck`` again.

``recheck()`` returns the problem with the input as it is now, ``""`` when it has none, or ``None`` when
only the action itself can tell (the refusal came from the database: a name already taken, a rule of the
procedure). Then the old refusal, which was about the old input, gives way to «Đã sửa: bấm «Ghi» để kiểm
tra lại» (the dialog's primary button) instead of staying on screen as if it were still true. The member record does the same with its
own checks (``MemberDialog._watch_for_fixes``)."""

from __future__ import annotations

import weakref
from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QComboBox, QDateTimeEdit, QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget,
)

from handbook_desktop.ui.i18n import tr


def _edited_signals(widget: QWidget):
    """The signals a person's edit sends (not a program's ``setText``, where Qt tells them apart)."""
    if isinstance(widget, QLineEdit):
        return [widget.textEdited]
    if isinstance(widget, QComboBox):
        return [widget.activated] + ([widget.lineEdit().textEdited] if widget.isEditable() and widget.lineEdit() else [])
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return [widget.textChanged]
    if isinstance(widget, QDateTimeEdit):
        return [widget.dateTimeChanged]
    if isinstance(widget, QAbstractSpinBox):
        return [widget.editingFinished]
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return [widget.toggled]
    return []


class ClearsWhenFixed(QObject):
    def __init__(self, dialog: QWidget, label: QLabel, recheck: Callable[[], str | None] | None):
        super().__init__(dialog)
        # Weak: a strong reference here (through the timer's connection) would keep a closed dialog alive.
        self.dialog = weakref.ref(dialog)
        self.label = weakref.ref(label)
        if recheck is None:
            self.recheck = None
        elif hasattr(recheck, "__self__"):  # a dialog's method: held weakly, like the dialog
            self.recheck = weakref.WeakMethod(recheck)
        else:
            self.recheck = lambda: recheck
        self.timer = QTimer(self, singleShot=True, interval=300)
        self.timer.timeout.connect(self.run)
        for widget in dialog.findChildren(QWidget):
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
                continue  # the combo box's or spin box's own line: its owner is watched
            for signal in _edited_signals(widget):
                signal.connect(self.timer.start)

    def hint(self) -> str:
        from handbook_desktop.ui.dialog_keys import primary_button

        button = primary_button(self.dialog())
        action = button.text().replace("&", "") if button is not None else tr("Ghi")
        return tr("Đã sửa: bấm «{action}» để kiểm tra lại.").format(action=action)

    def run(self) -> None:
        label, recheck = self.label(), self.recheck() if self.recheck is not None else None
        if label is None or self.dialog() is None or not label.text():
            return
        shown = label.text()
        found = recheck() if recheck is not None else None
        if found is None or (found == "" and shown == self.hint()):
            found = self.hint()  # only the action can tell: it is asked again on «Ghi»
        label.setText(found)


def clears_when_fixed(dialog: QWidget, label: QLabel,
                      recheck: Callable[[], str | None] | None = None) -> ClearsWhenFixed:
    """Call once the dialog's fields exist (they are found by walking the dialog); the hint names the
    dialog's primary button as it reads on screen."""
    return ClearsWhenFixed(dialog, label, recheck)


def passwords_recheck(label: QLabel, first: QLineEdit, second: QLineEdit, mismatch: str):
    """The recheck of a dialog whose local check is «the two passwords match»; anything else it refused
    (too short, a name taken) only its «OK» can tell."""
    def recheck() -> str | None:
        if first.text() != second.text():
            return mismatch
        return "" if label.text() == mismatch else None

    return recheck
