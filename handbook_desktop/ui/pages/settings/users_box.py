"""Accounts and roles (secretary only): add, change role, reset password, lock, new recovery code."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from handbook_desktop.domain.dates import format_date
from handbook_desktop.services import users
from handbook_desktop.services.auth import ROLES
from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


def _password_field(name: str) -> QLineEdit:
    return QLineEdit(objectName=name, echoMode=QLineEdit.EchoMode.Password)


class AddUserDialog(KeyedDialog, QDialog):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(tr("Thêm tài khoản"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(objectName="newUsername")
        self.full_name = QLineEdit(objectName="newFullName")
        self.role = QComboBox(objectName="newRole")
        for code, label in ROLES.items():
            self.role.addItem(label, code)
        self.role.setCurrentIndex(list(ROLES).index("viewer"))
        self.password = _password_field("newPassword")
        self.again = _password_field("newPasswordAgain")
        form.addRow(tr("Tên đăng nhập:"), self.username)
        form.addRow(tr("Họ và tên:"), self.full_name)
        form.addRow(tr("Vai trò:"), self.role)
        form.addRow(tr("Mật khẩu (ít nhất 8 ký tự):"), self.password)
        form.addRow(tr("Nhập lại mật khẩu:"), self.again)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("Phó bí thư: làm mọi việc trừ cài đặt, khóa đồng bộ và khôi phục. "
                                   "Chỉ xem: không thay đổi được gì."), wordWrap=True))
        self.error = QLabel(objectName="error", wordWrap=True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        from handbook_desktop.ui.stale import clears_when_fixed, passwords_recheck

        clears_when_fixed(self, self.error, passwords_recheck(self.error, self.password, self.again,
                                                              tr("Hai lần nhập mật khẩu không khớp.")))

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(tr("Hai lần nhập mật khẩu không khớp."))
            return
        try:
            users.add_user(self.context.database, self.context.actor, self.username.text(), self.password.text(),
                           self.role.currentData(), self.full_name.text())
        except UserError as error:
            self.error.setText(str(error))
            return
        self.accept()


class UsersBox(QGroupBox):
    def __init__(self, context):
        super().__init__(tr("Tài khoản và vai trò"))
        self.context = context
        self.rows: list = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4, objectName="usersTable")
        self.table.setHorizontalHeaderLabels([tr("Tên đăng nhập"), tr("Họ và tên"), tr("Vai trò"), tr("Trạng thái")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(140)
        layout.addWidget(self.table)
        row = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.add_button = QPushButton(tr("Thêm tài khoản…"), objectName="addUser")
        self.role_button = QPushButton(tr("Đổi vai trò…"), objectName="changeRole")
        self.reset_button = QPushButton(tr("Đặt lại mật khẩu…"), objectName="resetPassword")
        self.lock_button = QPushButton(tr("Khóa / mở khóa"), objectName="toggleUser")
        self.recovery_button = QPushButton(tr("Tạo mã khôi phục mới…"), objectName="newRecovery")
        for button in (self.add_button, self.role_button, self.reset_button, self.lock_button, self.recovery_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = QLabel(objectName="usersMessage", wordWrap=True)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.reset_button.clicked.connect(self.reset_password)
        self.lock_button.clicked.connect(self.toggle)
        self.recovery_button.clicked.connect(self.new_recovery)
        self.refresh()

    def refresh(self) -> None:
        self.rows = users.list_users(self.context.database)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            state = tr("Đang dùng") if row.active else tr("Đã khóa")
            for column, value in enumerate((row.username, row.full_name, row.role_label, state)):
                self.table.setItem(index, column, QTableWidgetItem(value))

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message.setText(tr("Hãy chọn một tài khoản trong bảng."))
            return None
        return self.rows[rows[0].row()]

    def _do(self, work, done_text: str) -> bool:
        try:
            work()
        except UserError as error:
            self.message.setText(str(error))
            return False
        self.message.setText(done_text)
        self.refresh()
        return True

    def add_user(self) -> AddUserDialog:
        dialog = AddUserDialog(self.context, self)
        dialog.accepted.connect(lambda: (self.refresh(), self.message.setText(tr("Đã thêm tài khoản."))))
        dialog.open()
        return dialog

    def change_role(self) -> None:
        row = self.selected()
        if row is None:
            return
        labels = list(ROLES.values())
        label, ok = QInputDialog.getItem(self, tr("Đổi vai trò"), tr("Vai trò của {user}:").format(user=row.username),
                                         labels, labels.index(row.role_label), False)
        if ok:
            role = list(ROLES)[labels.index(label)]
            self._do(lambda: users.set_role(self.context.database, self.context.actor, row.username, role),
                     tr("Đã đổi vai trò của {user}.").format(user=row.username))

    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        text, ok = QInputDialog.getText(self, tr("Đặt lại mật khẩu"),
                                        tr("Mật khẩu mới cho {user}:").format(user=row.username),
                                        QLineEdit.EchoMode.Password)
        if ok:
            self._do(lambda: users.reset_password(self.context.database, self.context.actor, row.username, text),
                     tr("Đã đặt lại mật khẩu cho {user}; hãy báo cho người đó.").format(user=row.username))

    def toggle(self) -> None:
        row = self.selected()
        if row is None:
            return
        self._do(lambda: users.set_active(self.context.database, self.context.actor, row.username, not row.active),
                 tr("Đã mở khóa {user}.").format(user=row.username) if not row.active
                 else tr("Đã khóa {user}.").format(user=row.username))

    def new_recovery(self) -> None:
        text, ok = QInputDialog.getText(self, tr("Mã khôi phục mới"), tr("Mật khẩu của bạn:"),
                                        QLineEdit.EchoMode.Password)
        if not ok:
            return
        try:
            code = users.new_recovery_code(self.context.database, self.context.actor, text)
        except UserError as error:
            self.message.setText(str(error))
            return
        from handbook_desktop.ui import recovery_dialog

        recovery_dialog.show_recovery_code(self, code, tr(
            "Mã khôi phục mới — hãy chép ra giấy và cất ở nơi an toàn; mã cũ không còn dùng được. "
            "Mã này dùng để đặt lại mật khẩu quản trị khi quên."), self.context.home_name)
        self.message.setText(tr("Đã tạo mã khôi phục mới ngày {day}.").format(
            day=format_date(__import__("datetime").date.today())))
