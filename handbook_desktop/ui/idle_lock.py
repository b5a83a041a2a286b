"""The window locks itself after idle minutes (Cài đặt): the page content is hidden and the same
person types their password again (the growing waits of the login apply). A colleague passing by
an unattended PC sees no member's record."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin}


class UnlockDialog(KeyedDialog, QDialog):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("unlockDialog")
        self.setWindowTitle(tr("Màn hình đã khóa"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Chương trình đã khóa vì lâu không dùng. Nhập mật khẩu của {user} để tiếp tục.")
                                .format(user=context.actor.username), wordWrap=True))
        self.password = QLineEdit(objectName="unlockPassword", echoMode=QLineEdit.EchoMode.Password)
        layout.addWidget(self.password)
        self.error = QLabel(objectName="error", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Mở khóa"))
        buttons.accepted.connect(self.submit)
        layout.addWidget(buttons)

    def submit(self) -> None:
        from handbook_desktop.services.users import verify_unlock

        try:
            verify_unlock(self.context.database, self.context.actor, self.password.text())
        except UserError as error:
            self.error.setText(str(error))
            self.password.selectAll()
            return
        self.accept()

    def reject(self) -> None:  # Esc must not unlock
        return


class IdleLock(QObject):
    def __init__(self, window, minutes: int):
        super().__init__(window)
        self.window = window
        self.dialog: UnlockDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        if minutes > 0 and self.dialog is None:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt name
        if event.type() in _ACTIVITY and self.dialog is None and self.minutes > 0:
            self.timer.start(self.minutes * 60_000)
        return False

    def lock(self) -> UnlockDialog | None:
        if self.dialog is not None:
            return self.dialog
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(False)
        self.dialog = UnlockDialog(self.window.context, self.window)
        self.dialog.accepted.connect(self.unlock)
        self.dialog.open()
        return self.dialog

    def unlock(self) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.setVisible(True)
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        self.set_minutes(self.minutes)


def install_idle_lock(window) -> IdleLock | None:
    from handbook_desktop.services.users import idle_lock_minutes

    try:
        minutes = idle_lock_minutes(window.context.database)
    except Exception:  # noqa: BLE001 - a setting that cannot be read must not stop the window
        minutes = 10
    window.idle_lock = IdleLock(window, minutes)
    return window.idle_lock
