"""The member record in tabs (identity; party; work and training; social; notes; history).

Impossible data is refused with the reason next to the form; odd formats are shown as warnings
and need a second, deliberate "Vẫn lưu" — nothing is accepted without the secretary seeing it.
"""

from __future__ import annotations

import re

from datetime import date

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from handbook_desktop.domain.text import DATE_PLACEHOLDER
from handbook_desktop.domain.dates import format_date, format_datetime
from handbook_desktop.services.excel.cells import CellProblem, parse_date_cell
from handbook_desktop.services.members import (
    DuplicateMember, MemberInvalid, create_member, get_member, member_history, member_values, update_member,
)
from handbook_desktop.services.members.fields import FIELDS, GROUP_LABELS, IDENTITY, NOTES, PARTY, SOCIAL, WORK
from handbook_desktop.services.members.query import branches
from handbook_desktop.services.members.records import branch_owned_fields, check, prepare_values
from handbook_desktop.services.members.validation import Issue
from handbook_desktop.services.members.fields import FIELD_BY_KEY
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.unsaved import AsksBeforeClosing
from handbook_desktop.ui.dialog_keys import KeyedDialog

PHOTO_SIZE = (120, 160)  # 3×4


def _ask(parent, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes



_YEAR_ALONE = re.compile(r"^(?:(?:…|\.\.\.?|_+|\?\??)\s*/\s*){0,2}(\d{4})$")


def _year_alone(text: str) -> int | None:
    """1958 from "1958", "…/…/1958" or "../../1958": a birth year known without day and month."""
    found = _YEAR_ALONE.match(text.replace(" ", ""))
    return int(found.group(1)) if found else None

class MemberDialog(AsksBeforeClosing, KeyedDialog, QDialog):
    """``member_uuid=None`` creates a record. ``saved_uuid`` holds the record after a save."""

    confirm = staticmethod(_ask)  # replaced in tests

    def __init__(self, context, member_uuid: str | None = None, parent=None):
        super().__init__(parent)
        self.context = context
        self.member_uuid = member_uuid
        self.saved_uuid: str | None = None
        self.locked_fields: set[str] = set()
        self.version: int | None = None
        self.photo: bytes | None = None
        self.photo_changed = False
        self._warned: tuple[str, ...] | None = None
        self.setObjectName("memberDialog")
        self.setWindowTitle(tr("Thêm đảng viên") if member_uuid is None else tr("Hồ sơ đảng viên"))
        self.widgets: dict[str, QWidget] = {}
        self.unit_box: QComboBox | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        layout.addWidget(self.heading)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        for group in (IDENTITY, PARTY, WORK, SOCIAL, NOTES):
            scroll = QScrollArea()  # the identity tab is taller than a laptop at 125 % or in large text
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(self._group_tab(group))
            self.tabs.addTab(scroll, tr(GROUP_LABELS[group]))
        self.history = QTableWidget(0, 6)
        self.history.setObjectName("history")
        self.history.setHorizontalHeaderLabels([tr(t) for t in ("Thời gian", "Người làm", "Việc", "Mục", "Cũ", "Mới")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history_tab = self.tabs.addTab(self.history, tr("Lịch sử"))
        self.errors = QLabel()
        self.errors.setObjectName("error")
        self.errors.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("warning")
        self.warnings.setWordWrap(True)
        layout.addWidget(self.errors)
        layout.addWidget(self.warnings)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(tr("Lưu"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        if context.readonly:
            self.save_button.setEnabled(False)
        self.resize(860, 640)
        self._load()
        if not context.readonly:
            self.remember_state()

    # --- building ------------------------------------------------------------------------------
    def _group_tab(self, group: str) -> QWidget:
        page = QWidget()
        outer = QHBoxLayout(page)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form, 1)
        if group == PARTY and self.context.is_committee:
            self.unit_box = QComboBox()
            self.unit_box.setObjectName("unit")
            with self.context.database.read() as session:
                for unit_id, code, name in branches(session):
                    self.unit_box.addItem(f"{name} ({code})", unit_id)
            form.addRow(tr("Chi bộ") + ":", self.unit_box)
        for spec in FIELDS:
            if spec.group != group:
                continue
            widget = self._widget(spec)
            widget.setObjectName(spec.key)
            self.widgets[spec.key] = widget
            label = tr(spec.label) + (" *" if spec.key == "full_name" else "") + ":"
            form.addRow(label, widget)
            if spec.key == "dues_category":  # what Đảng phí computes by, in the words Đảng phí uses
                self.dues_line = QLabel(objectName="duesBasis", wordWrap=True)
                form.addRow(tr("Đảng phí tính theo:"), self.dues_line)
        if group == IDENTITY:
            outer.addLayout(self._photo_box())
        return page

    def _widget(self, spec) -> QWidget:
        if spec.kind == "long":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            return edit
        if spec.kind == "enum":
            box = QComboBox()
            if spec.key not in ("status", "party_position"):
                box.addItem("", None)
            for code, label in spec.choices:
                box.addItem(tr(label), code)
            return box
        if spec.kind == "choice":
            box = QComboBox()
            box.setEditable(True)
            box.addItem("")
            box.addItems([label for _, label in spec.choices])
            return box
        edit = QLineEdit()
        if spec.kind == "date":
            edit.setPlaceholderText(DATE_PLACEHOLDER)
            edit.setMaximumWidth(140)
            if spec.key == "date_of_birth":
                edit.setToolTip(tr("Nếu chỉ biết năm sinh, ghi năm (ví dụ 1958): hồ sơ hiện …/…/1958 và được nhắc "
                                   "bổ sung ngày, tháng."))
        elif spec.key == "national_id":
            edit.setPlaceholderText(tr("12 chữ số"))
            edit.setMaximumWidth(180)
        elif spec.key == "party_card_number":
            edit.setPlaceholderText(tr("ví dụ 01.234567"))
            edit.setMaximumWidth(180)
        elif spec.key == "record_number":
            edit.setMaximumWidth(180)
        elif spec.key == "phone":
            edit.setMaximumWidth(180)
        return edit

    def _photo_box(self) -> QVBoxLayout:
        box = QVBoxLayout()
        self.photo_label = QLabel(tr("Ảnh 3×4\n(không bắt buộc)"))
        self.photo_label.setWordWrap(True)
        self.photo_label.setObjectName("photo")
        self.photo_label.setFixedSize(*PHOTO_SIZE)
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_label.setStyleSheet("border: 1px solid #bbbbbb; background: #fafafa; color: #777777;")
        choose = QPushButton(tr("Chọn ảnh…"))
        choose.clicked.connect(self._choose_photo)
        remove = QPushButton(tr("Bỏ ảnh"))
        remove.clicked.connect(lambda: self.set_photo(None))
        box.addWidget(self.photo_label)
        box.addWidget(choose)
        box.addWidget(remove)
        box.addStretch(1)
        return box

    # --- values --------------------------------------------------------------------------------
    def _load(self) -> None:
        for key in ("dues_category", "occupation"):
            box = self.widgets[key]
            (box.currentTextChanged if isinstance(box, QComboBox) else box.textChanged).connect(self._show_dues)
        if self.member_uuid is None:
            self.heading.setText(tr("Đảng viên mới"))
            self.set_value("status", "official")
            self.set_value("party_position", "member")
            self.tabs.setTabEnabled(self.history_tab, False)
            self._show_dues()
            return
        from handbook_desktop.services.procedures.dues import basis_summary, has_entered_basis

        with self.context.database.read() as session:
            member = get_member(session, self.member_uuid)
            values = member_values(member)
            birth_year = member.birth_year
            self.version = member.version
            unit_id = member.unit_id
            photo = member.photo
            history = member_history(session, self.member_uuid)
            self.locked_fields = branch_owned_fields(session, member)
            entered = has_entered_basis(session, member)
            summary = basis_summary(session, member, date.today())
        self.heading.setText(values["full_name"])
        for key, value in values.items():
            self.set_value(key, value)
        if values.get("date_of_birth") is None and birth_year:
            self.widgets["date_of_birth"].setText(f"…/…/{birth_year}")  # the year alone, to complete
        if entered:
            # Entered on Đảng phí: one place to change it, and the record reads what Đảng phí computes by.
            self.entered_dues = summary
            self.widgets["dues_category"].setEnabled(False)
            self.widgets["dues_category"].setToolTip(tr("Sửa ở trang Đảng phí → «Đối tượng, mức đóng…»."))
        self._show_dues()
        if self.unit_box is not None:
            self.unit_box.setCurrentIndex(max(0, self.unit_box.findData(unit_id)))
        self.set_photo(photo, changed=False)
        self.show_history(history)
        self._lock(self.locked_fields)

    def _lock(self, keys: set[str]) -> None:
        """At a committee, a branch's fields are shown but not edited (the branch sends them up)."""
        hint = tr("Do chi bộ quản lý: sửa ở chi bộ, thay đổi sẽ lên qua gói đồng bộ.")
        for key in keys:
            widget = self.widgets.get(key)
            if widget is None:
                continue
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
            widget.setToolTip(hint)
        if keys:
            self.warnings.setText(hint)

    entered_dues: str | None = None

    def _show_dues(self, *_args) -> None:
        """The basis text of domain.dues.basis_text: the one Đảng phí shows, live as the fields change."""
        if self.entered_dues is not None:
            self.dues_line.setText(self.entered_dues)
            return
        from types import SimpleNamespace

        from handbook_desktop.domain.dues import basis_text
        from handbook_desktop.services.procedures.dues import guessed_basis

        person = SimpleNamespace(dues_category=self.widgets["dues_category"].currentText(),
                                 occupation=self.widgets["occupation"].text())
        self.dues_line.setText(basis_text(*guessed_basis(person)))

    def set_value(self, key: str, value) -> None:
        widget = self.widgets[key]
        spec = FIELD_BY_KEY[key]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value or "")
        elif isinstance(widget, QComboBox) and spec.kind == "enum":
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QComboBox):
            widget.setCurrentText(value or "")
        elif spec.kind == "date":
            widget.setText(format_date(value))
        else:
            widget.setText(value or "")

    def values(self) -> tuple[dict, list[Issue]]:
        """What the form holds, typed; dates that cannot be read are issues, not guesses."""
        values: dict = {}
        problems: list[Issue] = []
        for key, widget in self.widgets.items():
            spec = FIELD_BY_KEY[key]
            if key == "dues_category" and self.entered_dues is not None:
                continue  # written by Đảng phí
            if isinstance(widget, QPlainTextEdit):
                values[key] = widget.toPlainText()
            elif isinstance(widget, QComboBox) and spec.kind == "enum":
                values[key] = widget.currentData()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentText()
            elif spec.kind == "date":
                text = widget.text().strip()
                if key == "date_of_birth":
                    year = _year_alone(text)
                    values["birth_year"] = year
                    if year is not None:  # "1958" or "…/…/1958": the year is known, day and month not yet
                        values[key] = None
                        continue
                try:
                    values[key] = parse_date_cell(text, date.today())
                except CellProblem as problem:
                    problems.append(Issue(key, f"{spec.label}: {problem}", True))
            else:
                values[key] = widget.text()
        values = prepare_values(values)
        for key in ("status", "party_position"):
            if values.get(key) is None:
                values.pop(key, None)
        return values, problems

    def set_photo(self, data: bytes | None, *, changed: bool = True) -> None:
        self.photo = data
        self.photo_changed = self.photo_changed or changed
        if not data:
            self.photo_label.setPixmap(QPixmap())
            self.photo_label.setText(tr("Ảnh 3×4\n(không bắt buộc)"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        self.photo_label.setPixmap(pixmap.scaled(*PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Chọn ảnh"), "", tr("Ảnh (*.jpg *.jpeg *.png)"))
        if path:
            self.load_photo_file(path)

    def load_photo_file(self, path: str) -> None:
        pixmap = QPixmap(path)
        if pixmap.isNull():
            QMessageBox.warning(self, tr("Ảnh"), tr("Không mở được tệp ảnh này."))
            return
        # Stored small: a 3×4 photo at 300×400 is enough for forms and keeps packages light.
        scaled = pixmap.scaled(300, 400, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        scaled.save(buffer, "JPG", 85)
        self.set_photo(bytes(QByteArray(buffer.data())))

    def show_history(self, history: list[dict]) -> None:
        self.history.setRowCount(len(history))
        for row, entry in enumerate(history):
            when = entry["at"].astimezone() if entry["at"] else None
            texts = [format_datetime(when), entry["username"], entry["action_label"], entry["field_label"],
                     entry["old"], entry["new"]]
            for column, text in enumerate(texts):
                self.history.setItem(row, column, QTableWidgetItem(text))

    # --- saving --------------------------------------------------------------------------------
    def _watch_for_fixes(self) -> None:
        """Once a problem is shown, every edit checks again (after a pause in typing), so a warning
        about a field that has been corrected disappears instead of staying until the next save."""
        if getattr(self, "_recheck_timer", None) is not None:
            return
        from PySide6.QtCore import QTimer

        self._recheck_timer = QTimer(self, singleShot=True, interval=300)
        self._recheck_timer.timeout.connect(self._recheck)
        for widget in self.widgets.values():
            for signal in ("textChanged", "currentIndexChanged", "dateChanged"):
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(self._recheck_timer.start)
                    break

    def _recheck(self) -> None:
        if not (self.errors.text() or self.warnings.text()):
            return
        values, problems = self.values()
        with self.context.database.read() as session:
            self.show_issues(problems + check(session, values), focus=False)

    def show_issues(self, issues: list[Issue], focus: bool = True) -> None:
        if issues:
            self._watch_for_fixes()
        errors = [i.message for i in issues if i.blocking]
        warnings = [i.message for i in issues if not i.blocking]
        self.errors.setText("\n".join(f"✖ {m}" for m in errors))
        self.warnings.setText("\n".join(f"⚠ {m}" for m in warnings))
        bad = {i.field for i in issues if i.blocking}
        for key, widget in self.widgets.items():
            widget.setStyleSheet("border: 2px solid #b00020;" if key in bad else "")
        if errors and focus:
            first = next(i.field for i in issues if i.blocking)
            widget = self.widgets.get(first)
            if widget is not None:
                for index in range(self.tabs.count()):
                    if self.tabs.widget(index).isAncestorOf(widget):
                        self.tabs.setCurrentIndex(index)
                widget.setFocus()

    def has_unsaved(self) -> bool:
        return super().has_unsaved() or self.photo_changed

    def save_unsaved(self) -> None:
        self.save()

    def save(self) -> None:
        if self.context.readonly:
            return
        values, problems = self.values()
        with self.context.database.read() as session:
            issues = problems + check(session, values)
        self.show_issues(issues)
        if any(i.blocking for i in issues):
            return
        warnings = tuple(i.message for i in issues if not i.blocking)
        if warnings and self._warned != warnings:
            self._warned = warnings
            self.save_button.setText(tr("Vẫn lưu"))
            return
        self._submit(values, allow_duplicates=False)

    def _submit(self, values: dict, *, allow_duplicates: bool) -> None:
        actor = self.context.actor
        unit_id = self.unit_box.currentData() if self.unit_box is not None else None
        photo, photo_changed = self.photo, self.photo_changed

        def work(_flag):
            with self.context.database.session() as session:
                if self.member_uuid is None:
                    member, _ = create_member(session, actor, values, unit_id=unit_id,
                                              allow_duplicates=allow_duplicates)
                else:
                    member, _, _ = update_member(session, actor, self.member_uuid, values,
                                                 expected_version=self.version, unit_id=unit_id,
                                                 allow_duplicates=allow_duplicates)
                if photo_changed:
                    from handbook_desktop.services.members import set_photo

                    set_photo(session, actor, member.uuid, photo)
                return member.uuid

        self.save_button.setEnabled(False)
        self.context.runner.run(work, on_result=self._saved, on_error=lambda e: self._failed(e, values))

    def _saved(self, member_uuid: str) -> None:
        self.saved_uuid = member_uuid
        self.context.hub.changed.emit("member")
        self.accept()

    def _failed(self, error: BaseException, values: dict) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, DuplicateMember):
            text = str(error) + "\n\n" + tr("Vẫn lưu hồ sơ này?")
            if self.confirm(self, tr("Có thể trùng hồ sơ"), text):
                self._submit(values, allow_duplicates=True)
            else:
                self.errors.setText("✖ " + str(error))
            return
        if isinstance(error, MemberInvalid):
            self.show_issues(error.issues)
            return
        from handbook_desktop.ui.errors import user_text

        self.errors.setText("✖ " + user_text(error))

