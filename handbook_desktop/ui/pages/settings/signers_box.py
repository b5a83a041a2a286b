"""Người ký văn bản: the unit's bí thư and phó bí thư, who sign its documents.

A committee has no members of its own, so it names them here: a member of one of its branches, found
by a search (namesakes told apart by birth year and branch), or a name typed in for someone registered
elsewhere. A branch sees who signs from its records and may name someone else.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.dialog_keys import KeyedDialog
from handbook_desktop.ui.i18n import tr

TITLES = {"secretary": ["Bí thư"], "deputy_secretary": ["Phó Bí thư", "Phó Bí thư Thường trực"]}


class SignerDialog(KeyedDialog, QDialog):
    """Pick a member of the unit's branches, or type a name; and the title the signature block prints."""

    def __init__(self, context, role: str, label: str, parent=None):
        super().__init__(parent)
        self.context, self.role = context, role
        self.setObjectName("signerDialog")
        self.setWindowTitle(tr("Chọn {who} ký văn bản").format(who=tr(label).lower()))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.pick = QRadioButton(tr("Đảng viên của một chi bộ trực thuộc"), objectName="pickMember")
        self.pick.setChecked(True)
        layout.addWidget(self.pick)
        row = QHBoxLayout()
        self.search = QLineEdit(objectName="signerSearch", placeholderText=tr("Gõ một phần họ tên (có dấu hay không) rồi Enter"))
        self.search_button = QPushButton(tr("Tìm"), objectName="signerFind")
        row.addWidget(self.search, 1)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        self.results = QListWidget(objectName="signerResults")
        self.results.setMinimumHeight(160)
        layout.addWidget(self.results)
        self.typed = QRadioButton(tr("Người đăng ký sinh hoạt ở nơi khác (nhập họ tên)"), objectName="typeName")
        layout.addWidget(self.typed)
        form = QFormLayout()
        self.name = QLineEdit(objectName="signerName")
        self.name.setEnabled(False)
        form.addRow(tr("Họ và tên:"), self.name)
        self.title = QComboBox(objectName="signerTitle")
        self.title.setEditable(True)
        self.title.addItems([tr(t) for t in TITLES[role]])
        form.addRow(tr("Chức vụ in ở chỗ ký:"), self.title)
        layout.addLayout(form)
        self.error = QLabel(objectName="error", wordWrap=True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Ghi"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Đóng"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.search.returnPressed.connect(self.find)
        self.search_button.clicked.connect(self.find)
        self.typed.toggled.connect(self._mode)
        self.results.itemDoubleClicked.connect(lambda _item: self.submit())

    def _mode(self, typed: bool) -> None:
        self.name.setEnabled(typed)
        for widget in (self.search, self.search_button, self.results):
            widget.setEnabled(not typed)
        (self.name if typed else self.search).setFocus()

    def find(self) -> None:
        from handbook_desktop.services.signers import signer_candidates

        with self.context.database.read() as session:
            found = signer_candidates(session, self.search.text())
        self.results.clear()
        for row in found:
            item = QListWidgetItem(row["label"])
            item.setData(Qt.ItemDataRole.UserRole, row["uuid"])
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
            self.error.clear()
        else:
            self.error.setText(tr("Không tìm thấy đảng viên nào như vậy trong các chi bộ của đơn vị. "
                                  "Người sinh hoạt ở nơi khác thì chọn \"nhập họ tên\"."))

    def submit(self) -> None:
        from handbook_desktop.services.signers import set_signer

        member_uuid, name = None, None
        if self.typed.isChecked():
            name = self.name.text()
            if not name.strip():
                self.error.setText(tr("Cần nhập họ tên người ký."))
                return
        else:
            item = self.results.currentItem()
            if item is None:
                self.error.setText(tr("Hãy tìm và chọn một đảng viên trong danh sách."))
                return
            member_uuid = item.data(Qt.ItemDataRole.UserRole)
        try:
            with self.context.database.session() as session:
                set_signer(session, self.context.actor, self.role, member_uuid=member_uuid, name=name,
                           title=self.title.currentText())
        except UserError as error:
            self.error.setText(str(error))
            return
        self.accept()


class SignersBox(QGroupBox):
    def __init__(self, context, editable: bool):
        super().__init__(tr("Người ký văn bản của đơn vị"))
        self.setObjectName("signersBox")
        self.context = context
        self.editable = editable
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Văn bản của đơn vị ký \"T/M … / BÍ THƯ\"; phó bí thư ký thay \"K/T BÍ THƯ\". "
                          "Đảng ủy không có đảng viên sinh hoạt trực tiếp: hãy chọn một đảng viên của chi bộ "
                          "trực thuộc, hoặc nhập họ tên người sinh hoạt ở nơi khác."), wordWrap=True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        self.change_buttons: dict[str, QPushButton] = {}
        self.clear_buttons: dict[str, QPushButton] = {}
        from handbook_desktop.services.signers import ROLES

        for role, label in ROLES.items():
            row = QHBoxLayout()
            shown = QLabel(objectName=f"signer_{role}", wordWrap=True)
            change = QPushButton(tr("Chọn…"), objectName=f"change_{role}")
            clear = QPushButton(tr("Bỏ"), objectName=f"clear_{role}")
            change.clicked.connect(lambda _=False, r=role, lab=label: self.change(r, lab))
            clear.clicked.connect(lambda _=False, r=role: self.clear(r))
            change.setEnabled(editable)
            row.addWidget(shown, 1)
            row.addWidget(change)
            row.addWidget(clear)
            form.addRow(tr(label) + ":", row)
            self.labels[role], self.change_buttons[role], self.clear_buttons[role] = shown, change, clear
        layout.addLayout(form)
        self.message = QLabel(objectName="signersMessage", wordWrap=True)
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        from handbook_desktop.services.forms.context import unit_header_context
        from handbook_desktop.services.signers import named_signers

        with self.context.database.read() as session:
            named, header = named_signers(session), unit_header_context(session)
        for role, shown in self.labels.items():
            found = named.get(role)
            if found is not None and found.problem:
                text = tr("chưa ký được — {problem}").format(problem=found.problem)
            elif found is not None:
                where = tr("nhập tay") if found.typed else ", ".join(
                    str(p) for p in (f"sinh {found.born}" if found.born else None, found.unit_name) if p)
                text = f"{found.name} ({where}) — {tr('ký')}: {found.title.upper()}"
            elif header[role]:
                text = tr("{name} (theo chức vụ trong hồ sơ đảng viên)").format(name=header[role])
            else:
                text = tr("chưa có — văn bản cần người này ký sẽ không lập được")
            shown.setText(text)
            self.clear_buttons[role].setEnabled(self.editable and found is not None)

    def change(self, role: str, label: str) -> SignerDialog:
        dialog = SignerDialog(self.context, role, label, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._changed)
        dialog.open()
        return dialog

    def _changed(self) -> None:
        self.refresh()
        self.message.setText(tr("Đã lưu người ký."))

    def clear(self, role: str) -> None:
        from handbook_desktop.services.signers import clear_signer

        try:
            with self.context.database.session() as session:
                clear_signer(session, self.context.actor, role)
        except UserError as error:
            self.message.setText(str(error))
            return
        self.refresh()
        self.message.setText(tr("Đã bỏ người ký đã chọn."))
