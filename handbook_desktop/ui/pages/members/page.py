"""Đảng viên: the register with search as you type, filters, chosen columns, trash and Excel."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QMessageBox,
    QPushButton, QTableView, QToolButton, QVBoxLayout, QWidget,
)

from handbook_desktop.domain.states import HEADCOUNT_STATES, MemberStatus, PartyPosition, Gender
from handbook_desktop.services.members import AGE_BANDS, MemberFilter, delete_member, restore_member
from handbook_desktop.services.members.query import COUNT_CAP, MIN_SEARCH, branches, iter_rows
from handbook_desktop.services.settings import get_setting, set_setting
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.members.dialog import MemberDialog
from handbook_desktop.domain.text import number
from handbook_desktop.ui.pages.members.model import COLUMNS, DEFAULT_COLUMNS, MemberTableModel

COLUMNS_SETTING = "members.list_columns"
HEADCOUNT = "__headcount__"
CURRENT = "__current__"


def _number(value: int) -> str:
    return number(value)


class MembersPage(QWidget):
    def __init__(self, context, *, today: date | None = None):
        super().__init__()
        self.context = context
        self.today = today or date.today()
        self.setObjectName("membersPage")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel(tr("Đảng viên"))
        self.title.setObjectName("pageTitle")
        top.addWidget(self.title)
        top.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("resultCount")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Wide enough for any count: a label that changes size relays out the whole page per keystroke.
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("000.000 trong Thùng rác") + 8)
        top.addWidget(self.count_label)
        layout.addLayout(top)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("Tìm theo tên (gõ không dấu cũng được), số thẻ, CCCD, điện thoại…"))
        self.search.textChanged.connect(self.apply_filter)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        layout.addLayout(search_row)

        filters = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.status_box = self._combo("statusFilter", [
            (tr("Đang sinh hoạt"), CURRENT), (tr("Trong đảng số"), HEADCOUNT), (tr("Mọi trạng thái"), None),
            *[(tr(s.label), s.value) for s in MemberStatus]])
        self.position_box = self._combo("positionFilter", [(tr("Mọi chức vụ"), None)]
                                        + [(tr(p.label), p.value) for p in PartyPosition])
        self.gender_box = self._combo("genderFilter", [(tr("Nam và nữ"), None)] + [(tr(g.label), g.value) for g in Gender])
        self.age_box = self._combo("ageFilter", [(tr("Mọi độ tuổi"), None)] + [(tr(k), k) for k in AGE_BANDS])
        for label, box in ((tr("Trạng thái"), self.status_box), (tr("Chức vụ"), self.position_box),
                           (tr("Giới tính"), self.gender_box), (tr("Tuổi"), self.age_box)):
            filters.addWidget(QLabel(label + ":"))
            filters.addWidget(box)
        self.branch_box = None
        if context.is_committee:
            with context.database.read() as session:
                options = [(f"{name}", unit_id) for unit_id, _code, name in branches(session)]
            self.branch_box = self._combo("branchFilter", [(tr("Mọi chi bộ"), None)] + options)
            self.branch_box.setMinimumContentsLength(22)
            search_row.addWidget(QLabel(tr("Chi bộ") + ":"))
            search_row.addWidget(self.branch_box)
        filters.addStretch(1)
        layout.addLayout(filters)

        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.add_button = self._button("add", tr("Thêm"), self.add_member)
        self.edit_button = self._button("edit", tr("Xem, sửa"), self.edit_current)
        self.delete_button = self._button("delete", tr("Xóa"), self.delete_current)
        self.restore_button = self._button("restore", tr("Khôi phục"), self.restore_current)
        self.trash_button = self._button("trash", tr("Thùng rác"), self.toggle_trash)
        self.trash_button.setCheckable(True)
        self.columns_button = QToolButton()
        self.columns_button.setObjectName("columns")
        self.columns_button.setText(tr("Cột hiển thị"))
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.import_button = self._button("import", tr("Nhập Excel…"), self.choose_import)
        self.export_button = self._button("export", tr("Xuất Excel…"), self.choose_export)
        self.template_button = self._button("template", tr("Tệp mẫu…"), self.choose_template)
        for widget in (self.add_button, self.edit_button, self.delete_button, self.restore_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.columns_button, self.import_button, self.export_button, self.template_button,
                       self.trash_button):
            buttons.addWidget(widget)
        layout.addLayout(buttons)

        with context.database.read() as session:
            # A committee sees many branches: the branch column is shown until the user hides it.
            default = DEFAULT_COLUMNS[:1] + ["unit"] + DEFAULT_COLUMNS[1:] if context.is_committee else DEFAULT_COLUMNS
            columns = get_setting(session, COLUMNS_SETTING, default)
        self.model = MemberTableModel(context.database, columns, self)
        self.table = QTableView()
        self.table.setObjectName("memberTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(28)
        # Fixed: the row numbers' width would otherwise change with the count and resize the table.
        vertical.setFixedWidth(max(48, vertical.fontMetrics().horizontalAdvance("00000") + 14))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        layout.addWidget(self.table, 1)
        self._build_column_menu()
        open_action = QAction(self)
        open_action.setShortcut(QKeySequence(Qt.Key.Key_Return))
        self.table.addAction(open_action)
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(self.edit_current)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)
        for box in (self.status_box, self.position_box, self.gender_box, self.age_box, self.branch_box):
            if box is not None:
                box.currentIndexChanged.connect(self.apply_filter)
        context.hub.changed.connect(self._changed)
        self._update_buttons()
        self.apply_filter()

    # --- widgets -------------------------------------------------------------------------------
    def _combo(self, name: str, options) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        # Long labels (branch names) must not push the window wider than an office screen.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(9)
        for label, data in options:
            box.addItem(label, data)
        return box

    def _button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _build_column_menu(self) -> None:
        menu = QMenu(self.columns_button)
        visible = {c.key for c in self.model.columns}
        self.column_actions = {}
        for column in COLUMNS:
            action = menu.addAction(tr(column.label))
            action.setCheckable(True)
            action.setChecked(column.key in visible)
            action.setEnabled(column.key != "full_name")
            action.toggled.connect(self._columns_changed)
            self.column_actions[column.key] = action
        self.columns_button.setMenu(menu)
        self._size_columns()

    def _size_columns(self) -> None:
        from handbook_desktop.ui.cells import scaled

        metrics = self.table.horizontalHeader().fontMetrics()
        for index, column in enumerate(self.model.columns):
            # Headings are bold in the stylesheet: leave room so that none is cut.
            heading = int(metrics.horizontalAdvance(tr(column.label)) * 1.15) + 24
            self.table.setColumnWidth(index, max(scaled(self.table, column.width), heading))  # large text too

    def _columns_changed(self) -> None:
        keys = [c.key for c in COLUMNS if self.column_actions[c.key].isChecked()]
        self.set_columns(keys)

    def set_columns(self, keys: list[str]) -> None:
        self.model.set_columns(keys)
        self._size_columns()
        for key, action in self.column_actions.items():
            action.blockSignals(True)
            action.setChecked(key in keys)
            action.blockSignals(False)
        if not self.context.database.readonly:
            with self.context.database.session() as session:
                set_setting(session, COLUMNS_SETTING, keys)

    # --- filter --------------------------------------------------------------------------------
    def current_filter(self) -> MemberFilter:
        status = self.status_box.currentData()
        if status == CURRENT:
            statuses = tuple(s.value for s in MemberStatus if s.is_current)
        elif status == HEADCOUNT:
            statuses = tuple(s.value for s in HEADCOUNT_STATES)
        elif status:
            statuses = (status,)
        else:
            statuses = ()
        position = self.position_box.currentData()
        band = AGE_BANDS.get(self.age_box.currentData() or "", (None, None))
        return MemberFilter(
            search=self.search.text(),
            statuses=() if self.trash_button.isChecked() else statuses,
            positions=(position,) if position else (),
            gender=self.gender_box.currentData(),
            age_min=band[0], age_max=band[1],
            unit_id=self.branch_box.currentData() if self.branch_box is not None else None,
            deleted=self.trash_button.isChecked(),
            on=self.today,
        )

    def _show_count(self) -> None:
        where = tr("trong Thùng rác") if self.trash_button.isChecked() else tr("kết quả")
        if self.model.short:
            self.count_label.setText(tr("Gõ thêm để tìm"))
            self.count_label.setToolTip(tr("Tìm từ {n} chữ cái trở lên (số thẻ, điện thoại: từ {n} chữ số).").format(
                n=_number(MIN_SEARCH)))
        elif self.model.more:
            self.count_label.setText(tr("hơn {n} {where}").format(n=_number(COUNT_CAP), where=where))
            self.count_label.setToolTip(tr("Gõ thêm để thu hẹp kết quả."))
        else:
            self.count_label.setText(f"{_number(self.model.total)} {where}")
            self.count_label.setToolTip("")

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        self._show_count()
        if self.model.total:
            self.table.selectRow(0)
        self._update_buttons()

    def _changed(self, what: str) -> None:
        if what in {"member", "unit", "all"}:  # "all": a restore or another whole change
            self.model.refresh()
            self._show_count()

    def toggle_trash(self) -> None:
        trash = self.trash_button.isChecked()
        self.title.setText(tr("Thùng rác — hồ sơ đã xóa") if trash else tr("Đảng viên"))
        self.status_box.setEnabled(not trash)
        self.apply_filter()

    def _update_buttons(self) -> None:
        trash = self.trash_button.isChecked()
        writable = not self.context.readonly
        self.add_button.setVisible(not trash)
        self.delete_button.setVisible(not trash)
        self.import_button.setVisible(not trash)
        self.template_button.setVisible(not trash)
        self.restore_button.setVisible(trash)
        self.trash_button.setText(tr("Quay lại danh sách") if trash else tr("Thùng rác"))
        for button in (self.add_button, self.delete_button, self.restore_button, self.import_button):
            button.setEnabled(writable)

    # --- actions -------------------------------------------------------------------------------
    def current_uuid(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            rows = self.table.selectionModel().selectedRows()
            if not rows:
                return None
            index = rows[0]
        return self.model.uuid_at(index.row())

    def open_dialog(self, member_uuid: str | None) -> MemberDialog:
        dialog = MemberDialog(self.context, member_uuid, self)
        dialog.finished.connect(lambda _result: self._after_dialog(dialog))
        dialog.open()
        return dialog

    def _after_dialog(self, dialog: MemberDialog) -> None:
        if dialog.saved_uuid:
            row = self.model.row_of(dialog.saved_uuid)
            if row is not None:
                self.table.selectRow(row)

    def add_member(self) -> MemberDialog:
        return self.open_dialog(None)

    def edit_current(self) -> MemberDialog | None:
        member_uuid = self.current_uuid()
        return self.open_dialog(member_uuid) if member_uuid else None

    confirm = staticmethod(MemberDialog.confirm)

    def delete_current(self) -> None:
        member_uuid = self.current_uuid()
        if not member_uuid:
            return
        name = self.model.row_data(self.table.currentIndex().row())["full_name"]
        if not self.confirm(self, tr("Xóa hồ sơ"),
                            tr("Chuyển hồ sơ {name} vào Thùng rác? Có thể khôi phục lại bất cứ lúc nào.").format(name=name)):
            return
        self._run_change(lambda session: delete_member(session, self.context.actor, member_uuid))

    def restore_current(self) -> None:
        member_uuid = self.current_uuid()
        if member_uuid:
            self._run_change(lambda session: restore_member(session, self.context.actor, member_uuid))

    def _run_change(self, change) -> None:
        def work(_flag):
            with self.context.database.session() as session:
                change(session)

        self.context.runner.run(work, on_result=lambda _r: self.context.hub.changed.emit("member"), parent=self)

    # --- Excel ---------------------------------------------------------------------------------
    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Chọn tệp Excel"), "", tr("Bảng tính (*.xlsx *.xls *.ods)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str):
        from handbook_desktop.ui.pages.members.import_dialog import ImportDialog

        default_unit = self.branch_box.currentData() if self.branch_box is not None else None
        dialog = ImportDialog(self.context, path, self, default_unit_id=default_unit)
        dialog.open()
        return dialog

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Xuất danh sách"), "danh-sach-dang-vien.xlsx", "Excel (*.xlsx)")
        if path:
            self.export_file(path)

    def export_file(self, path: str, on_done=None) -> None:
        from handbook_desktop.services import audit
        from handbook_desktop.services.excel.writer import export_members

        flt = self.model.filter
        columns = [c.key for c in self.model.columns if c.key != "age"]
        title = tr("Danh sách đảng viên {unit}").format(unit=self.context.home_name)
        actor = self.context.actor

        from handbook_desktop.services import privacy

        # Personal columns shown in the list travel in the file only with the notice the law asks for.
        notice = privacy.NOTICE if privacy.has_personal(columns) else None

        def work(_flag):
            with self.context.database.read() as session:
                count = export_members(iter_rows(session, flt, full=True), path, title=title, columns=columns,
                                       today=self.today, notice=notice)
            if not self.context.database.readonly:
                with self.context.database.session() as session:
                    audit.record(session, actor, "export", entity="member", detail={"file": path, "rows": count})
            return count

        def done(count: int) -> None:
            if on_done is not None:
                on_done(count)
            else:
                QMessageBox.information(self, tr("Xuất Excel"),
                                        tr("Đã xuất {n} người ra tệp {path}.").format(n=_number(count), path=path))

        self.context.runner.run(work, on_result=done, progress_title=tr("Đang xuất danh sách"), parent=self)

    def choose_template(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Lưu tệp mẫu"), "mau-nhap-dang-vien.xlsx", "Excel (*.xlsx)")
        if path:
            from handbook_desktop.services.excel.writer import write_template

            names = [self.branch_box.itemText(i) for i in range(1, self.branch_box.count())] if self.branch_box else None
            write_template(path, unit_names=names)
