"""Import from Excel: the dry run row by row, then one transaction when the secretary agrees."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
    QVBoxLayout,
)

from handbook_desktop.services.excel.importer import ACTION_LABELS, apply_import, plan_import
from handbook_desktop.services.excel.writer import write_report
from handbook_desktop.services.privacy import report_line
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog

_COLOURS = {"create": "#e6f4ea", "update": "#fff4d6", "unchanged": "#ffffff", "rejected": "#f8d7da"}


class ImportDialog(KeyedDialog, QDialog):
    def __init__(self, context, path: str, parent=None, *, default_unit_id: int | None = None):
        super().__init__(parent)
        self.context = context
        self.path = path
        self.default_unit_id = default_unit_id
        self.plan = None
        self.applied = False
        self.setObjectName("importDialog")
        self.setWindowTitle(tr("Nhập đảng viên từ Excel"))
        layout = QVBoxLayout(self)
        self.summary = QLabel(tr("Đang đọc tệp…"))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.notes = QLabel()
        self.notes.setObjectName("warning")
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("preview")
        self.table.setHorizontalHeaderLabels([tr("Dòng"), tr("Họ và tên"), tr("Kết quả"), tr("Chi tiết")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        # CCCD and phone numbers in the report are masked unless asked for (issue 13, point 9; audited).
        self.reveal = QCheckBox(tr("Hiện đầy đủ số CCCD, điện thoại"), objectName="reveal")
        self.reveal.toggled.connect(self._reveal_toggled)
        layout.addWidget(self.reveal)
        self.buttons = QDialogButtonBox()
        self.apply_button = self.buttons.addButton(tr("Ghi vào hồ sơ"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("apply")
        self.report_button = self.buttons.addButton(tr("Lưu báo cáo…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        self.apply_button.setEnabled(False)
        self.report_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        self.report_button.clicked.connect(self._choose_report)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(980, 620)
        self.dry_run()

    def dry_run(self) -> None:
        def work(_flag):
            with self.context.database.read() as session:
                return plan_import(session, self.path, default_unit_id=self.default_unit_id)

        self.context.runner.run(work, on_result=self._show_plan, on_error=self._failed,
                                progress_title=tr("Đang đọc tệp Excel"), parent=self)

    def _failed(self, error: BaseException) -> None:
        from handbook_desktop.ui.errors import user_text

        self.summary.setText("✖ " + user_text(error))

    def _show_plan(self, plan) -> None:
        self.plan = plan
        counts = plan.counts()
        verb = tr("Đã ghi") if plan.applied else tr("Xem trước (chưa ghi gì)")
        self.summary.setText(
            tr("{verb} — trang '{sheet}', tiêu đề ở dòng {row}: thêm mới {created}, cập nhật {updated}, "
               "không đổi {unchanged}, không nhận {rejected}.").format(
                verb=verb, sheet=plan.sheet, row=plan.header_row, **counts)
        )
        self.notes.setText("\n".join(plan.notes))
        # A wrapped label is otherwise squeezed to one line by the table below it: reserve its lines.
        metrics = self.notes.fontMetrics()
        width = max(self.width(), 900) - 60
        lines = sum(max(1, -(-metrics.horizontalAdvance(note) // width)) for note in plan.notes)
        self.notes.setMinimumHeight(lines * metrics.lineSpacing() + 4 if plan.notes else 0)
        self.table.setRowCount(len(plan.rows))
        for index, row in enumerate(plan.rows):
            message = report_line(row.message, row.values, self.reveal.isChecked())
            texts = [str(row.row_number), row.full_name, tr(ACTION_LABELS[row.action]), message]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setBackground(QBrush(QColor(_COLOURS[row.action])))
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()
        writable = not self.context.readonly and not plan.applied
        self.apply_button.setEnabled(writable and (counts["created"] + counts["updated"]) > 0)
        self.report_button.setEnabled(True)

    def _reveal_toggled(self, checked: bool) -> None:
        if checked:
            from pathlib import Path

            from handbook_desktop.services.privacy import record_reveal

            record_reveal(self.context.database, self.context.actor, "import_report",
                          {"file": Path(self.path).name})
        if self.plan is not None:
            self._show_plan(self.plan)

    def apply(self) -> None:
        actor = self.context.actor
        self.apply_button.setEnabled(False)

        def work(_flag):
            return apply_import(self.context.database, actor, self.path, default_unit_id=self.default_unit_id)

        def done(plan) -> None:
            self.applied = True
            self._show_plan(plan)
            self.context.hub.changed.emit("member")

        self.context.runner.run(work, on_result=done, on_error=self._failed,
                                progress_title=tr("Đang ghi vào hồ sơ"), parent=self)

    def _choose_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Lưu báo cáo"), "ket-qua-nhap.xlsx", "Excel (*.xlsx)")
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> None:
        write_report(self.plan, path)
