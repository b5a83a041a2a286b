"""Login: username and password, with the growing delay enforced by the service."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from handbook_desktop.services.auth import authenticate
from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


class LoginDialog(KeyedDialog, QDialog):
    def __init__(self, database, unit_name: str, parent=None):
        super().__init__(parent)
        self.database = database
        self.actor = None
        self.setWindowTitle(tr("Đăng nhập — {unit}").format(unit=unit_name))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit("admin", objectName="username")
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

        dialog = RecoveryDialog(self.database, self.username.text().strip() or "admin", self)
        dialog.accepted.connect(lambda: (self.password.clear(), self.password.setFocus()))
        dialog.open()
        return dialog

    def submit(self) -> None:
        try:
            self.actor = authenticate(self.database, self.username.text().strip(), self.password.text())
        except UserError as error:
            self.error.setText(str(error))
            self.password.selectAll()
            return
        self.accept()
