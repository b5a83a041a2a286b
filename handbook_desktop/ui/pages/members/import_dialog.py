"""Import from a sheet: how it was read (``MappingPanel``: sheets, header, groups, end, each
column's field, the first rows as stored), the dry run row by row with the questions it asks, then
one transaction when the secretary agrees. Every change of mapping, sheet or answer runs the dry run
again, so what is shown is what will be written."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QSplitter, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from handbook_desktop.services.excel.importer import ACTION_LABELS, NEW, apply_import, plan_import
from handbook_desktop.services.excel.writer import write_report
from handbook_desktop.services.privacy import report_line
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog
from handbook_desktop.ui.pages.members.import_mapping import MappingPanel

_COLOURS = {"create": "#e6f4ea", "update": "#fff4d6", "unchanged": "#ffffff", "rejected": "#f8d7da",
            "ask": "#dbe9ff"}


class ImportDialog(KeyedDialog, QDialog):
    def __init__(self, context, path: str, parent=None, *, default_unit_id: int | None = None):
        super().__init__(parent)
        self.context = context
        self.path = path
        self.default_unit_id = default_unit_id
        self.plan = None
        self.applied = False
        self.answers: dict[str, str] = {}  # row key → member uuid or NEW, for the rows asked about
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
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.mapping = MappingPanel()
        self.mapping.changed.connect(self.dry_run)
        splitter.addWidget(self.mapping)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("preview")
        self.table.setHorizontalHeaderLabels([tr("Dòng"), tr("Họ và tên"), tr("Kết quả"), tr("Chi tiết"),
                                              tr("Là hồ sơ nào")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(4, 280)
        splitter.addWidget(self.table)
        splitter.setSizes([300, 320])
        layout.addWidget(splitter, 1)
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
        self.resize(1100, 760)
        self.dry_run()

    def _choices(self) -> dict:
        return {"default_unit_id": self.default_unit_id, "sheets": self.mapping.chosen,
                "mappings": dict(self.mapping.mappings) or None, "answers": dict(self.answers) or None}

    def dry_run(self) -> None:
        choices = self._choices()
        self.apply_button.setEnabled(False)

        def work(_flag):
            with self.context.database.read() as session:
                return plan_import(session, self.path, **choices)

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
        self.mapping.show_plan(plan)
        self.table.setRowCount(len(plan.rows))
        several = len(plan.sheets) > 1
        for index, row in enumerate(plan.rows):
            message = report_line(row.message, row.values, self.reveal.isChecked())
            where = f"{row.sheet}: {row.row_number}" if several else str(row.row_number)
            texts = [where, row.full_name, tr(ACTION_LABELS[row.action]), message]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setBackground(QBrush(QColor(_COLOURS[row.action])))
                self.table.setItem(index, column, item)
            self.table.removeCellWidget(index, 4)
            self.table.setItem(index, 4, QTableWidgetItem(""))
            if row.action == "ask" or row.key in self.answers:
                self.table.setCellWidget(index, 4, self._question(row))
        self.table.resizeRowsToContents()
        writable = not self.context.readonly and not plan.applied
        self.apply_button.setEnabled(writable and (counts["created"] + counts["updated"]) > 0)
        self.report_button.setEnabled(True)
        if counts["asked"]:
            self.summary.setText(self.summary.text() + " " + tr(
                "Còn {n} dòng cần chọn hồ sơ (ô màu xanh): các dòng đó chưa được ghi.").format(n=counts["asked"]))

    def _question(self, row) -> QComboBox:
        """The choice for a row that could be one of several records: which one, or a new person."""
        box = QComboBox()
        box.setObjectName(f"answer_{row.key}")
        box.addItem(tr("— chọn hồ sơ —"), "")
        candidates = row.candidates or []
        for uuid, text in candidates:
            box.addItem(text, uuid)
        box.addItem(tr("Người mới"), NEW)
        if row.key in self.answers:
            box.setCurrentIndex(max(0, box.findData(self.answers[row.key])))
        box.currentIndexChanged.connect(lambda _, key=row.key, b=box: self._answered(key, b))
        return box

    def _answered(self, key: str, box: QComboBox) -> None:
        if box.currentData():
            self.answers[key] = box.currentData()
        else:
            self.answers.pop(key, None)
        self.dry_run()

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

        choices = self._choices()

        def work(_flag):
            return apply_import(self.context.database, actor, self.path, **choices)

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
