"""The one question asked before leaving an editor with unsaved changes: Lưu / Không lưu / Quay lại."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from handbook_desktop.ui.i18n import tr

SAVE, DISCARD, BACK = "save", "discard", "back"
# False only while a test session closes its leftover windows (tests/conftest.py): nobody is there to answer.
ASKING = True


def ask_unsaved(parent, what: str) -> str:
    """``SAVE``, ``DISCARD`` or ``BACK`` (also Esc or closing the question: nothing is lost by default)."""
    if not ASKING:
        return DISCARD
    box = QMessageBox(parent)
    box.setObjectName("unsavedQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("Thay đổi chưa lưu"))
    box.setText(tr("{what} có nội dung chưa lưu.").format(what=what))
    box.setInformativeText(tr("Lưu lại trước khi rời đi? Chọn «Quay lại» để tiếp tục sửa."))
    save = box.addButton(tr("Lưu"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(tr("Không lưu"), QMessageBox.ButtonRole.DestructiveRole)
    back = box.addButton(tr("Quay lại"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(back)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return BACK


def form_state(widget) -> tuple:
    """Every value a person can type or pick inside ``widget``, to tell whether anything changed."""
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

    values = []
    for child in widget.findChildren(QWidget):
        if isinstance(child, QComboBox):
            values.append(child.currentText())
        elif isinstance(child, QLineEdit) and not isinstance(child.parent(), (QComboBox, QAbstractSpinBox)):
            values.append(child.text())
        elif isinstance(child, QPlainTextEdit):
            values.append(child.toPlainText())
        elif isinstance(child, QAbstractSpinBox):
            values.append(child.text())
        elif isinstance(child, QAbstractButton) and child.isCheckable():
            values.append(child.isChecked())
    return tuple(values)


class AsksBeforeClosing:
    """For a form dialog: Esc, «Đóng», «Hủy» or the window's × ask first when something was typed.

    Call ``remember_state()`` once the form is filled; «Lưu» calls ``save_unsaved()`` (the dialog's own
    save, which closes it on success and keeps it open, with the reason, on a refusal)."""

    _state_at_open: tuple | None = None

    def remember_state(self) -> None:
        self._state_at_open = form_state(self)

    def has_unsaved(self) -> bool:
        return self._state_at_open is not None and form_state(self) != self._state_at_open

    def save_unsaved(self) -> None:  # pragma: no cover - every dialog using the mixin names its save
        raise NotImplementedError

    def reject(self) -> None:
        if self.has_unsaved():
            answer = ask_unsaved(self, tr("Cửa sổ «{title}»").format(title=self.windowTitle()))
            if answer == BACK:
                return
            if answer == SAVE:
                self.save_unsaved()
                return
        super().reject()
