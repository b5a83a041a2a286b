"""First run: the home unit and the first administrator."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.setup import HomeUnitSpec, initialise
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


class SetupDialog(KeyedDialog, QDialog):
    def __init__(self, database, parent=None):
        super().__init__(parent)
        self.database = database
        self.result_info = None
        self.setWindowTitle(tr("Thiết lập lần đầu"))
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Nhập thông tin đơn vị và tạo tài khoản quản trị. Có thể sửa lại trong Cài đặt."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.unit_name = QLineEdit(objectName="unitName", placeholderText=tr("Chi bộ Khu dân cư số 3"))
        self.unit_code = QLineEdit(objectName="unitCode", placeholderText="CB-KDC3")
        self.level = QComboBox(objectName="level")
        from handbook_desktop.services.setup import unit_levels

        for item in unit_levels():  # the levels are data (rule unit.levels)
            self.level.addItem(tr(item["label"]), item["code"])
        self.parent_level = QComboBox(objectName="parentLevel")  # a đảng ủy xã/phường sits under the province
        self.level.currentIndexChanged.connect(self._suggest_parent_level)
        self._suggest_parent_level()
        self.parent_name = QLineEdit(objectName="parentName", placeholderText=tr("Đảng bộ phường Hoàn Kiếm"))
        self.parent_code = QLineEdit(objectName="parentCode")
        self.place = QLineEdit(objectName="place", placeholderText="Hà Nội")
        self.term_start = QDateEdit(objectName="termStart", calendarPopup=True)
        self.term_start.setDisplayFormat("dd/MM/yyyy")
        self.term_start.setDate(QDate(2025, 7, 1))
        self.records_start = QDateEdit(objectName="recordsStart", calendarPopup=True)
        self.records_start.setDisplayFormat("dd/MM/yyyy")
        today = QDate.currentDate()
        self.records_start.setDate(QDate(today.year(), today.month(), 1))
        self.records_start.setToolTip(tr("Các tháng trước ngày này đã ghi trên sổ giấy: chương trình không nhắc "
                                         "là thiếu sinh hoạt."))
        self.username = QLineEdit("admin", objectName="username")
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(objectName="password2", echoMode=QLineEdit.EchoMode.Password)
        form.addRow(tr("Tên đơn vị:"), self.unit_name)
        form.addRow(tr("Mã đơn vị:"), self.unit_code)
        form.addRow(tr("Cấp:"), self.level)
        form.addRow(tr("Cấp ủy cấp trên:"), self.parent_name)
        form.addRow(tr("Cấp của cấp trên:"), self.parent_level)
        form.addRow(tr("Mã cấp trên:"), self.parent_code)
        form.addRow(tr("Địa danh trên văn bản:"), self.place)
        form.addRow(tr("Bắt đầu nhiệm kỳ:"), self.term_start)
        form.addRow(tr("Ghi sổ trên chương trình từ ngày:"), self.records_start)
        form.addRow(tr("Tên đăng nhập:"), self.username)
        form.addRow(tr("Mật khẩu (≥ 8 ký tự):"), self.password)
        form.addRow(tr("Nhập lại mật khẩu:"), self.password2)
        layout.addLayout(form)
        self.error = QLabel(objectName="error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        from handbook_desktop.ui.stale import clears_when_fixed, passwords_recheck

        clears_when_fixed(self, self.error, passwords_recheck(self.error, self.password, self.password2,
                                                              tr("Hai lần nhập mật khẩu không khớp.")))

    def _suggest_parent_level(self, *_args) -> None:
        from handbook_desktop.services.setup import unit_levels

        levels = unit_levels()
        above = next((item["above"] for item in levels if item["code"] == self.level.currentData()), "")
        self.parent_level.clear()
        for item in levels:
            self.parent_level.addItem(tr(item["label"]), item["code"])
        self.parent_level.setCurrentIndex(max(self.parent_level.findData(above), 0))

    def submit(self) -> None:
        if self.password.text() != self.password2.text():
            self.error.setText(tr("Hai lần nhập mật khẩu không khớp."))
            return
        spec = HomeUnitSpec(
            code=self.unit_code.text(), name=self.unit_name.text(), level=self.level.currentData(),
            parent_code=self.parent_code.text() or None, parent_name=self.parent_name.text() or None,
            place=self.place.text() or None, term_start=self.term_start.date().toPython(),
            parent_level=self.parent_level.currentData(),
            records_start=self.records_start.date().toPython(),
        )
        try:
            self.result_info = initialise(self.database, spec, self.username.text(), self.password.text())
        except UserError as error:
            self.error.setText(str(error))
            return
        from handbook_desktop.ui import recovery_dialog

        recovery_dialog.show_recovery_code(
            self, self.result_info.recovery_code,
            tr("Hãy chép mã khôi phục này và cất ở nơi an toàn; dùng khi quên mật khẩu quản trị:"),
            self.unit_name.text())
        self.accept()
