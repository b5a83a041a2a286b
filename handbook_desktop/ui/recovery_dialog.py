"""Quên mật khẩu: the recovery code printed at setup sets a new administrator password and is
replaced by a new code, shown once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


class RecoveryDialog(KeyedDialog, QDialog):
    def __init__(self, database, username: str = "admin", parent=None):
        super().__init__(parent)
        self.database = database
        self.new_code: str | None = None
        self.setWindowTitle(tr("Quên mật khẩu"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Nhập mã khôi phục được in ra lúc thiết lập chương trình (dạng XXXX-XXXX-…) "
                                   "và mật khẩu mới. Người dùng khác: hãy nhờ Bí thư đặt lại mật khẩu."),
                                wordWrap=True))
        form = QFormLayout()
        self.username = QLineEdit(username, objectName="recoverUsername")
        self.code = QLineEdit(objectName="recoveryCode")
        self.password = QLineEdit(objectName="recoverPassword", echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(objectName="recoverPasswordAgain", echoMode=QLineEdit.EchoMode.Password)
        form.addRow(tr("Tên đăng nhập:"), self.username)
        form.addRow(tr("Mã khôi phục:"), self.code)
        form.addRow(tr("Mật khẩu mới:"), self.password)
        form.addRow(tr("Nhập lại mật khẩu mới:"), self.again)
        layout.addLayout(form)
        self.message = QLabel(objectName="error", wordWrap=True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        if self.new_code is not None:
            self.accept()
            return
        if self.password.text() != self.again.text():
            self.message.setText(tr("Hai lần nhập mật khẩu mới không khớp."))
            return
        from handbook_desktop.services.users import recover_with_code

        try:
            self.new_code = recover_with_code(self.database, self.username.text().strip(), self.code.text(),
                                              self.password.text())
        except UserError as error:
            self.message.setText(str(error))
            return
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #1b5e20; font-weight: bold")
        self.message.setText(tr("Đã đặt mật khẩu mới. Mã khôi phục MỚI: {code}\nHãy chép ra giấy và cất kỹ; "
                                "mã cũ không còn dùng được. Bấm OK để đăng nhập.").format(code=self.new_code))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for field in (self.code, self.password, self.again, self.username):
            field.setEnabled(False)
