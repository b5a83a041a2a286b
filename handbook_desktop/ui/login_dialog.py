"""Login: username and password, with the growing delay enforced by the service.

At the door of an encrypted database (``database`` None, ``path`` given) the password first opens
the data key (services.access.unlock); the window then opens the file and signs in as usual."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from handbook_desktop.services.auth import authenticate
from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


class LoginDialog(KeyedDialog, QDialog):
    def __init__(self, database, unit_name: str, parent=None, *, path=None, username: str = "admin"):
        super().__init__(parent)
        self.database = database
        self.path = path
        self.actor = None
        self.credentials: tuple[str, str] | None = None
        self.setWindowTitle(tr("Đăng nhập — {unit}").format(unit=unit_name))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(username or "admin", objectName="username")
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        form.addRow(tr("Tên đăng nhập:"), self.username)
        form.addRow(tr("Mật khẩu:"), self.password)
        layout.addLayout(form)
        self.error = QLabel(objectName="error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        forgot = buttons.addButton(tr("Quên mật khẩu…"), QDialogButtonBox.ButtonRole.HelpRole)
        forgot.setObjectName("forgotPassword")
        forgot.clicked.connect(self.forgot_password)  # issue 8: the recovery code made at setup
        layout.addWidget(buttons)
        self.password.setFocus()

    def forgot_password(self):
        from handbook_desktop.ui.recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.database, self.username.text().strip() or "admin", self, path=self.path)
        dialog.accepted.connect(lambda: (self.password.clear(), self.password.setFocus()))
        dialog.open()
        return dialog

    def submit(self) -> None:
        name, password = self.username.text().strip(), self.password.text()
        try:
            if self.database is None:
                from handbook_desktop.services.access import unlock

                unlock(self.path, name, password)  # the window opens the file, then signs in
            else:
                self.actor = authenticate(self.database, name, password)
        except UserError as error:
            self.error.setText(str(error))
            self.password.selectAll()
            return
        self.credentials = (name, password)
        self.accept()
