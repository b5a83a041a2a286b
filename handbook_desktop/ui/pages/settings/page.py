"""The Cài đặt page."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.services import users
from handbook_desktop.services.backup.create import (
    SECOND_FOLDER_SETTING,
    second_folder_key,
    second_folder_warning,
    set_second_folder_password,
)
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.settings import get_setting
from handbook_desktop.ui.i18n import tr


class SettingsPage(QScrollArea):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.setObjectName("settingsPage")
        self.setWidgetResizable(True)
        inner = QWidget()
        self.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.addWidget(QLabel(tr("Cài đặt"), objectName="pageTitle"))
        database = context.database
        with database.read() as session:
            large = bool(get_setting(session, "large_font", False))
            second = get_setting(session, SECOND_FOLDER_SETTING) or ""
        can_settings = context.actor.can("settings") and not database.readonly

        # Own account: everyone
        mine = QGroupBox(tr("Mật khẩu của tôi ({user})").format(user=context.actor.username))
        form = QFormLayout(mine)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.old_password = QLineEdit(objectName="oldPassword", echoMode=QLineEdit.EchoMode.Password)
        self.new_password = QLineEdit(objectName="newOwnPassword", echoMode=QLineEdit.EchoMode.Password)
        self.new_again = QLineEdit(objectName="newOwnPasswordAgain", echoMode=QLineEdit.EchoMode.Password)
        for field in (self.old_password, self.new_password, self.new_again):
            field.setMinimumWidth(320)
        self.change_button = QPushButton(tr("Đổi mật khẩu"), objectName="changePassword")
        self.password_message = QLabel(objectName="passwordMessage", wordWrap=True)
        form.addRow(tr("Mật khẩu hiện tại:"), self.old_password)
        form.addRow(tr("Mật khẩu mới:"), self.new_password)
        form.addRow(tr("Nhập lại mật khẩu mới:"), self.new_again)
        form.addRow("", self.change_button)
        form.addRow("", self.password_message)
        layout.addWidget(mine)
        self.change_button.clicked.connect(self.change_password)

        # Display: everyone (this PC)
        display = QGroupBox(tr("Hiển thị"))
        box = QVBoxLayout(display)
        self.large_font = QCheckBox(tr("Chữ lớn (dễ đọc hơn)"), objectName="largeFont")
        self.large_font.setChecked(large)
        self.large_font.toggled.connect(self.set_large_font)
        box.addWidget(self.large_font)
        layout.addWidget(display)

        # Security and backups: secretary
        safety = QGroupBox(tr("An toàn dữ liệu"))
        form = QFormLayout(safety)
        self.idle_minutes = QSpinBox(objectName="idleMinutes")
        self.idle_minutes.setRange(0, 240)
        self.idle_minutes.setMaximumWidth(180)
        self.idle_minutes.setSuffix(tr(" phút"))
        self.idle_minutes.setSpecialValueText(tr("Không khóa"))
        self.idle_minutes.setValue(users.idle_lock_minutes(database))
        self.idle_minutes.valueChanged.connect(self.set_idle_minutes)
        form.addRow(tr("Khóa màn hình khi không dùng sau:"), self.idle_minutes)
        folder_row = QHBoxLayout()
        self.second_folder = QLineEdit(second, objectName="secondFolder", readOnly=True)
        self.second_folder.setPlaceholderText(tr("chưa đặt — nên chọn một USB"))
        self.choose_button = QPushButton(tr("Chọn…"), objectName="chooseFolder")
        self.clear_button = QPushButton(tr("Bỏ"), objectName="clearFolder")
        folder_row.addWidget(self.second_folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_row.addWidget(self.clear_button)
        form.addRow(tr("Thư mục sao lưu thứ hai (USB):"), folder_row)
        self.encrypt_usb = QCheckBox(tr("Mã hóa bản chép sang USB bằng mật khẩu (nên dùng: USB dễ thất lạc)"),
                                     objectName="encryptUsb")
        self.encrypt_usb.setChecked(second_folder_key(database) is not None)
        self.encrypt_usb.toggled.connect(self.set_usb_encryption)
        form.addRow("", self.encrypt_usb)
        self.safety_message = QLabel(objectName="safetyMessage", wordWrap=True)
        form.addRow("", self.safety_message)
        self.choose_button.clicked.connect(self.choose_folder)
        self.clear_button.clicked.connect(lambda: self.set_second_folder(""))
        for widget in (self.idle_minutes, self.choose_button, self.clear_button, self.encrypt_usb):
            widget.setEnabled(can_settings)
        if not can_settings:
            self.safety_message.setText(tr("Chỉ Bí thư (toàn quyền) được thay đổi phần này."))
        else:
            self.safety_message.setText(second_folder_warning(second) or "")
        layout.addWidget(safety)

        from handbook_desktop.ui.pages.settings.signers_box import SignersBox

        self.signers_box = SignersBox(context, editable=can_settings)
        layout.addWidget(self.signers_box)

        self.users_box = None
        if context.actor.can("users") and not database.readonly:
            from handbook_desktop.ui.pages.settings.users_box import UsersBox

            self.users_box = UsersBox(context)
            layout.addWidget(self.users_box)
        layout.addStretch(1)

    def change_password(self) -> None:
        if self.new_password.text() != self.new_again.text():
            self.password_message.setText(tr("Hai lần nhập mật khẩu mới không khớp."))
            return
        try:
            users.change_password(self.context.database, self.context.actor, self.old_password.text(),
                                  self.new_password.text())
        except UserError as error:
            self.password_message.setText(str(error))
            return
        for widget in (self.old_password, self.new_password, self.new_again):
            widget.clear()
        self.password_message.setText(tr("Đã đổi mật khẩu."))

    def set_large_font(self, on: bool) -> None:
        from handbook_desktop.ui.style import apply_style

        apply_style(QApplication.instance(), large_font=on)
        if not self.context.database.readonly:
            users.set_preference(self.context.database, self.context.actor, "large_font", bool(on))

    def set_idle_minutes(self, minutes: int) -> None:
        try:
            users.set_preference(self.context.database, self.context.actor, users.IDLE_LOCK_SETTING, minutes)
        except UserError as error:
            self.safety_message.setText(str(error))
            return
        window = self.window()
        lock = getattr(window, "idle_lock", None)
        if lock is not None:
            lock.set_minutes(minutes)
        self.safety_message.setText(tr("Đã lưu.") if minutes else tr("Đã tắt khóa màn hình."))

    def set_usb_encryption(self, on: bool, password: str | None = None) -> None:
        from handbook_desktop.ui.pages.backup.common import ask_password

        if on and password is None:
            password = ask_password(self, tr("Mã hóa bản chép sang USB"),
                                    tr("Mật khẩu (ít nhất 8 ký tự; cần khi khôi phục từ USB, hãy ghi nhớ):"))
            again = ask_password(self, tr("Mã hóa bản chép sang USB"), tr("Nhập lại mật khẩu:")) if password else None
            if not password or again != password:
                self.safety_message.setText(tr("Chưa bật mã hóa: mật khẩu trống hoặc hai lần nhập không khớp."))
                self.encrypt_usb.blockSignals(True)
                self.encrypt_usb.setChecked(False)
                self.encrypt_usb.blockSignals(False)
                return
        try:
            set_second_folder_password(self.context.database, self.context.actor, password if on else None)
        except UserError as error:
            self.safety_message.setText(str(error))
            self.encrypt_usb.blockSignals(True)
            self.encrypt_usb.setChecked(not on)
            self.encrypt_usb.blockSignals(False)
            return
        self.safety_message.setText(tr("Từ nay bản chép sang USB được mã hóa.") if on
                                    else tr("Bản chép sang USB không còn được mã hóa."))

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn thư mục sao lưu thứ hai (USB)"))
        if folder:
            self.set_second_folder(folder)

    def set_second_folder(self, folder: str) -> None:
        try:
            users.set_preference(self.context.database, self.context.actor, SECOND_FOLDER_SETTING, folder or None)
        except UserError as error:
            self.safety_message.setText(str(error))
            return
        self.second_folder.setText(folder)
        self.safety_message.setText(second_folder_warning(folder) or (
            tr("Từ nay mỗi bản sao lưu được chép thêm sang {folder}.").format(folder=folder) if folder
            else tr("Đã bỏ thư mục thứ hai.")))
        self.context.hub.changed.emit("backup")
