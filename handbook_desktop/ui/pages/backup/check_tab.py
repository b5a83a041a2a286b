"""Kiểm tra dữ liệu: run the check, read the report, open the record a problem is about."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.services.datacheck import ERROR, run_check
from handbook_desktop.services.privacy import mask_text
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.audit.model import RowsModel


class DataCheckTab(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.report = None
        layout = QVBoxLayout(self)
        explain = QLabel(tr(
            "Kiểm tra tệp dữ liệu có bị hỏng không, các liên kết có còn đủ không, và hồ sơ có mâu thuẫn không: "
            "trạng thái khớp với lịch sử, các ngày theo đúng thứ tự, không trùng số thẻ đảng viên hay số CCCD. "
            "Bấm đúp vào một dòng để mở hồ sơ."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        row = QHBoxLayout()
        self.run_button = QPushButton(tr("Kiểm tra dữ liệu"), objectName="runCheck")
        self.open_button = QPushButton(tr("Mở hồ sơ"), objectName="openProblem")
        row.addWidget(self.run_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.summary = QLabel(objectName="summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = RowsModel([tr("Mức độ"), tr("Vấn đề")], self)
        self.table = QTableView(objectName="problemTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.run_button.clicked.connect(self.run)
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.open_button.setEnabled(False)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(self._selected_uuid() is not None))

    def run(self) -> None:
        self.summary.setText(tr("Đang kiểm tra…"))
        self.context.runner.run(lambda _flag: run_check(self.context.database), on_result=self.show_report,
                                progress_title=tr("Đang kiểm tra dữ liệu"), parent=self)

    def show_report(self, report) -> None:
        self.report = report
        self.summary.setText(report.summary())
        self.summary.setObjectName("error" if report.errors else "summary")
        self.summary.setStyleSheet("color: #b00020; font-weight: bold" if report.errors else "color: #1b5e20")
        texts, payload, red = [], [], set()
        for row, problem in enumerate(report.problems):
            # the check masks the numbers it names; masked again here, whatever put a number in a message
            texts.append([tr("Lỗi") if problem.severity == ERROR else tr("Cần xem lại"), mask_text(problem.message)])
            payload.append(problem.entity_uuid if problem.entity == "member" else None)
            if problem.severity == ERROR:
                red.add((row, 0))
        self.model.set_rows(texts, payload, red=red)
        self.table.resizeRowsToContents()

    def _selected_uuid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        return self.model.payload[row] if row < len(self.model.payload) else None

    def open_selected(self):
        uuid = self._selected_uuid()
        window = self.window()
        if uuid is None or not hasattr(window, "show_page"):
            return None
        try:
            page = window.show_page("members")
        except KeyError:
            return None
        if hasattr(page, "open_dialog"):
            return page.open_dialog(uuid)
        return None
