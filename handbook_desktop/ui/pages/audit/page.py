"""The audit page: filter by member, user, action and dates; open the member; export."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.text import DATE_PLACEHOLDER
from handbook_desktop.domain.dates import format_date, parse_date
from handbook_desktop.domain.text import number
from handbook_desktop.services.auditlog import (
    AuditFilter, action_label, audit_choices, audit_entities, export_audit, query_audit,
)
from handbook_desktop.ui.branch_box import branch_box_for
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.audit.model import RowsModel

COLUMNS = ["Thời điểm", "Người dùng", "Việc", "Đảng viên", "Nội dung", "Giá trị cũ", "Giá trị mới"]



def user_label(username: str) -> str:
    """The program's own account (backups, migrations, shipped rules) reads as what it is."""
    from handbook_desktop.services.auth import SYSTEM

    return tr("Hệ thống (tự động)") if username == SYSTEM.username else username

class AuditPage(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.rows: list = []
        self.setObjectName("auditPage")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Nhật ký thay đổi"), objectName="pageTitle"))
        filters = QGridLayout()
        self.member = QLineEdit(objectName="memberFilter",
                                placeholderText=tr("tên đảng viên (không cần dấu) hoặc chữ trong dòng"))
        self.user = QComboBox(objectName="userFilter")
        self.action = QComboBox(objectName="actionFilter")
        self.entity = QComboBox(objectName="entityFilter")
        for box in (self.user, self.action, self.entity):  # as wide as ~14 letters; the open list shows all
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
        self.branch_box = branch_box_for(context, self)  # at a committee: lines about one branch
        self.date_from = QLineEdit(objectName="dateFrom", placeholderText=DATE_PLACEHOLDER)
        self.date_to = QLineEdit(objectName="dateTo", placeholderText=DATE_PLACEHOLDER)
        for widget in (self.date_from, self.date_to):  # a whole date, and the whole «ngày/tháng/năm» hint
            need = max(widget.fontMetrics().horizontalAdvance(text) for text in ("00/00/00000", DATE_PLACEHOLDER)) + 20
            widget.setMinimumWidth(need)
            widget.setMaximumWidth(max(130, need))
        filters.addWidget(QLabel(tr("Đảng viên:")), 0, 0)
        filters.addWidget(self.member, 0, 1)
        filters.addWidget(QLabel(tr("Người dùng:")), 0, 2)
        filters.addWidget(self.user, 0, 3)
        filters.addWidget(QLabel(tr("Việc:")), 0, 4)
        filters.addWidget(self.action, 0, 5)
        filters.addWidget(QLabel(tr("Loại hồ sơ:")), 1, 4)
        filters.addWidget(self.entity, 1, 5)
        if self.branch_box is not None:  # a row of its own: a branch's whole name needs ~330 px (more at 125 %)
            filters.addWidget(QLabel(tr("Chi bộ:")), 2, 0)
            filters.addWidget(self.branch_box, 2, 1, 1, 3, Qt.AlignmentFlag.AlignLeft)
        filters.addWidget(QLabel(tr("Từ ngày:")), 1, 0)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(tr("đến ngày:")))
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        filters.addLayout(dates, 1, 1, 1, 3)  # across three columns: two whole dates need ~480 px in large text
        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.filter_button = QPushButton(tr("Lọc"), objectName="applyFilter")
        self.clear_button = QPushButton(tr("Bỏ lọc"), objectName="clearFilter")
        self.export_button = QPushButton(tr("Xuất Excel…"), objectName="exportAudit")
        for button in (self.filter_button, self.clear_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        filters.addLayout(buttons, 3, 0, 1, 6)
        filters.setColumnStretch(1, 2)
        filters.setColumnStretch(3, 1)
        filters.setColumnStretch(5, 1)
        layout.addLayout(filters)
        self.message = QLabel(objectName="message")
        layout.addWidget(self.message)
        self.model = RowsModel([tr(c) for c in COLUMNS], self)
        self.table = QTableView(objectName="auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(200)
        for column in (0, 1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        from handbook_desktop.ui.cells import full_text_tips, scaled

        for column, width in ((3, 170), (4, 220), (5, 100), (6, 100)):
            self.table.setColumnWidth(column, scaled(self.table, width))  # grows with large text
        full_text_tips(self.table)  # a long detail: «…» and the whole of it on hover
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.filter_button.clicked.connect(self.refresh)
        for box in (self.user, self.action, self.entity, self.branch_box):
            if box is not None:
                box.activated.connect(lambda _i: self.refresh())  # a choice filters at once
        self.member.returnPressed.connect(self.refresh)
        self.clear_button.clicked.connect(self.clear)
        self.export_button.clicked.connect(self.export)
        self.table.doubleClicked.connect(self.open_member)
        context.hub.changed.connect(lambda _what: self.refresh())
        self.load_choices()
        self.refresh()

    def load_choices(self) -> None:
        users, actions = audit_choices(self.context.database)
        self.user.clear()
        self.user.addItem(tr("Tất cả"), "")
        for name in users:
            self.user.addItem(user_label(name), name)
        self.action.clear()
        self.action.addItem(tr("Tất cả"), "")
        for action in actions:
            self.action.addItem(action_label(action), action)
        self.entity.clear()
        self.entity.addItem(tr("Tất cả"), "")
        for label, entity in audit_entities(self.context.database):
            self.entity.addItem(label, entity)

    def current_filter(self) -> AuditFilter | None:
        try:
            start = parse_date(self.date_from.text().strip() or None)
            end = parse_date(self.date_to.text().strip() or None)
        except ValueError as error:
            self.message.setText(str(error))
            return None
        if start and end and end < start:
            self.message.setText(tr("'Đến ngày' phải sau 'Từ ngày'."))
            return None
        return AuditFilter(member_text=self.member.text(), username=self.user.currentData() or "",
                           action=self.action.currentData() or "", date_from=start, date_to=end,
                           entity=self.entity.currentData() or "",
                           unit_id=self.branch_box.unit_id() if self.branch_box is not None else None)

    def clear(self) -> None:
        for widget in (self.member, self.date_from, self.date_to):
            widget.clear()
        for box in (self.user, self.action, self.entity, self.branch_box):
            if box is not None:
                box.setCurrentIndex(0)
        self.refresh()

    def refresh(self) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        self.context.runner.run(lambda _flag: query_audit(self.context.database, flt), on_result=self.show_rows)

    def show_rows(self, rows) -> None:
        self.rows = rows
        texts, tips = [], {}
        for row, entry in enumerate(rows):
            what = " · ".join(part for part in (entry.entity_label, entry.field or entry.detail[:120]) if part)
            texts.append([entry.at.astimezone().strftime("%d/%m/%Y %H:%M"), user_label(entry.username), entry.action_label,
                          entry.member_name, what, entry.old, entry.new])
            changes = getattr(entry, "changes", None) or []
            if len(changes) > 1:  # several fields in one line: each before → after on hover
                tips[(row, 4)] = "\n".join(f"{label}: {old or '—'} → {new or '—'}" for label, old, new in changes)
            elif entry.detail:
                tips[(row, 4)] = entry.detail
        self.model.set_rows(texts, list(rows), tips)
        limit = AuditFilter().limit
        text = tr("{count} dòng").format(count=number(len(rows)))
        if not rows:  # an empty list says whose lines were looked for
            branch = self.branch_box.currentText() if self.branch_box is not None and self.branch_box.unit_id() else ""
            text = (tr("Không có dòng nhật ký nào về {branch} khớp bộ lọc.").format(branch=branch) if branch
                    else tr("Không có dòng nhật ký nào khớp bộ lọc."))
        if len(rows) >= limit:
            text += tr(" (chỉ hiện {limit} dòng mới nhất — hãy lọc thêm)").format(limit=number(limit))
        self.message.setText(text)

    def open_member(self, index) -> None:
        entry = self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None
        window = self.window()
        if entry is None or not entry.member_uuid or not hasattr(window, "show_page"):
            return
        try:
            page = window.show_page("members")
        except KeyError:
            return
        if hasattr(page, "open_dialog"):
            page.open_dialog(entry.member_uuid)

    def export(self, path: str | None = None) -> None:
        flt = self.current_filter()
        if flt is None:
            return
        if not path:
            suggested = f"nhat-ky-{format_date(date.today()).replace('/', '-')}.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, tr("Xuất nhật ký"), suggested, "Excel (*.xlsx)")
            if not path:
                return
        context = self.context
        context.runner.run(lambda _flag: export_audit(context.database, context.actor, flt, path),
                           on_result=lambda count: self.message.setText(
                               tr("Đã xuất {count} dòng ra {path} (tệp có dữ liệu cá nhân: hãy giữ kín).")
                               .format(count=count, path=path)),
                           progress_title=tr("Đang xuất nhật ký"), parent=self)


__all__ = ["AuditPage", "Qt"]
