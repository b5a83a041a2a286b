"""Quên mật khẩu: the recovery code printed at setup sets a new administrator password and is
replaced by a new code, shown once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


class RecoveryDialog(KeyedDialog, QDialog):
    def __init__(self, database, username: str = "admin", parent=None, *, path=None):
        super().__init__(parent)
        self.database = database
        self.path = path  # an encrypted file not open yet: the code opens its key first
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
        from handbook_desktop.ui.stale import clears_when_fixed

        clears_when_fixed(self, self.message, self._recheck)

    def _recheck(self) -> str | None:
        if self.new_code is not None:
            return self.message.text()  # the new code stays on screen
        mismatch = tr("Hai lần nhập mật khẩu mới không khớp.")
        if self.password.text() != self.again.text():
            return mismatch
        return "" if self.message.text() == mismatch else None

    def submit(self) -> None:
        if self.new_code is not None:
            self.accept()
            return
        if self.password.text() != self.again.text():
            self.message.setText(tr("Hai lần nhập mật khẩu mới không khớp."))
            return
        from handbook_desktop.services.users import recover_with_code

        try:
            if self.database is None:
                from handbook_desktop.services.access import recover

                self.new_code = recover(self.path, self.username.text().strip(), self.code.text(),
                                        self.password.text())
            else:
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
        show_recovery_code(self, self.new_code, tr("Mật khẩu mới đã đặt. Đây là mã khôi phục MỚI (mã cũ không còn "
                                                   "dùng được) — hãy cất ngay:"))


class RecoveryCodeDialog(QDialog):
    """The recovery code, shown once: large, selectable, and with the three ways a secretary keeps
    it — copy it, print it, save it to a file (for a USB stick kept in the safe)."""

    def __init__(self, code: str, intro: str, unit_name: str = "", parent=None):
        super().__init__(parent)
        self.code = code
        self.unit_name = unit_name
        self.setWindowTitle(tr("Mã khôi phục"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(intro, wordWrap=True))
        self.code_label = QLabel(code, objectName="recoveryCodeShown")
        self.code_label.setStyleSheet("font-size: 20pt; font-weight: bold; font-family: monospace")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.code_label)
        layout.addWidget(QLabel(tr("Ai có mã này đặt lại được mật khẩu quản trị: cất như cất chìa khóa két, "
                                   "không gửi qua tin nhắn hay thư điện tử."), wordWrap=True))
        self.status = QLabel(objectName="recoveryCodeStatus", wordWrap=True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox()
        self.copy_button = self.buttons.addButton(tr("Sao chép mã"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = self.buttons.addButton(tr("In mã ra giấy…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = self.buttons.addButton(tr("Lưu mã ra tệp…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.done_button = self.buttons.addButton(tr("Đã cất mã, đóng"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_code)
        self.save_button.clicked.connect(self.save)
        self.done_button.clicked.connect(self.accept)
        for button in (self.copy_button, self.print_button, self.save_button):
            button.setAutoDefault(False)  # Enter closes only through the button that says so
        layout.addWidget(self.buttons)

    def sheet_text(self) -> str:
        from datetime import date

        from handbook_desktop.domain.dates import format_date

        return tr("Sổ tay Chi bộ — MÃ KHÔI PHỤC\n{unit}\nNgày tạo: {day}\n\n{code}\n\n"
                  "Dùng khi quên mật khẩu quản trị: ở màn hình đăng nhập bấm 'Quên mật khẩu', nhập mã này.\n"
                  "Cất nơi an toàn; tạo mã mới thì mã này hết hiệu lực.\n").format(
            unit=self.unit_name, day=format_date(date.today()), code=self.code)

    def copy(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.clipboard().setText(self.code)
        self.status.setText(tr("Đã chép mã vào bộ nhớ tạm: dán vào nơi cất giữ rồi xóa khỏi bộ nhớ tạm."))

    def save_to(self, path) -> None:
        from pathlib import Path

        Path(path).write_text(self.sheet_text(), encoding="utf-8")
        self.status.setText(tr("Đã lưu mã vào tệp {path}. Hãy chép tệp sang USB cất riêng rồi xóa khỏi máy.")
                            .format(path=path))

    def save(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from handbook_desktop.services.errors import explain_failure

        path, _ = QFileDialog.getSaveFileName(self, tr("Lưu mã khôi phục"), "ma-khoi-phuc.txt",
                                              tr("Tệp văn bản (*.txt)"))
        if not path:
            return
        try:
            self.save_to(path)
        except OSError as error:
            self.status.setText(explain_failure(error, path) or tr("Không lưu được tệp {path}.").format(path=path))

    def print_code(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer) -> None:
        from PySide6.QtGui import QFont, QTextDocument

        document = QTextDocument()
        document.setDefaultFont(QFont("Times New Roman", 14))
        document.setPlainText(self.sheet_text())
        document.print_(printer)
        self.status.setText(tr("Đã gửi mã khôi phục tới máy in."))


def show_recovery_code(parent, code: str, intro: str, unit_name: str = "") -> None:
    RecoveryCodeDialog(code, intro, unit_name, parent).exec()
