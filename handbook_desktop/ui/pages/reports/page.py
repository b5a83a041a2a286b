"""Báo cáo: choose a report and a period, read the figures per branch and in total, see the charts,
export to Excel (with native charts), Word (with the charts as pictures) or PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateEdit, QFileDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QScrollArea, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from handbook_desktop.services.reports.model import format_figure
from handbook_desktop.ui.charts import ChartView, chart_png
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.widgets import LazyRefresh
from handbook_desktop.ui.pages.reports.model import ReportTableModel

# The headline figures shown above the table, per report: (figure key, label, kind).
HEADLINES = {
    "membership": [("headcount", "Đảng số", "count"), ("official", "chính thức", "count"),
                   ("probationary", "dự bị", "count"), ("female", "nữ", "count"),
                   ("minority", "dân tộc thiểu số", "count"), ("under_30", "dưới 30 tuổi", "count")],
    "movements": [("admitted", "Kết nạp", "count"), ("official", "công nhận chính thức", "count"),
                  ("transfer_out_official", "chuyển đi", "count"), ("death", "từ trần", "count")],
    "activity": [("branches", "Chi bộ", "count"), ("branches_meeting_every_month", "họp đủ hằng tháng", "count"),
                 ("branches_behind", "thiếu tháng", "count"), ("branches_missing_thematic", "thiếu chuyên đề", "count"),
                 ("attendance_pct", "tỉ lệ dự họp", "percent"), ("complete", "biên bản đủ nội dung", "count")],
    "dues": [("due", "Phải thu", "money"), ("paid", "đã thu", "money"), ("members_behind", "đảng viên nợ nhiều tháng", "count")],
    "ratings": [("to_rate", "Phải xếp loại", "count"), ("excellent", "xuất sắc", "count"), ("good", "tốt", "count"),
                ("not_rated", "chưa xếp loại", "count")],
    "admissions": [("open", "Hồ sơ đang xét", "count"), ("ceremony_overdue", "quá hạn lễ kết nạp", "count")],
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportsPage(QWidget):
    def __init__(self, context, *, today: date | None = None):
        super().__init__()
        from handbook_desktop.services.reports import report_kinds

        self.context = context
        self.today = today or date.today()
        self.setObjectName("reportsPage")
        self.report = None
        self._ticket = 0
        layout = QVBoxLayout(self)
        title = QLabel(tr("Báo cáo"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Báo cáo:")))
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kindBox")
        for kind in report_kinds():
            self.kind_box.addItem(tr(kind.title), kind.key)
            self.kind_box.setItemData(self.kind_box.count() - 1, tr(kind.about), Qt.ItemDataRole.ToolTipRole)
        top.addWidget(self.kind_box, 1)
        top.addWidget(QLabel(tr("Từ ngày:")))
        self.start_box = self._date_box("startBox", date(self.today.year, 1, 1))
        top.addWidget(self.start_box)
        top.addWidget(QLabel(tr("đến ngày:")))
        self.end_box = self._date_box("endBox", self.today)
        top.addWidget(self.end_box)
        layout.addLayout(top)
        self.about = QLabel()
        self.about.setObjectName("about")
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.headline)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = ReportTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("reportTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never resize-to-contents on 300 rows
        header.setDefaultSectionSize(110)
        header.setMinimumHeight(52)
        splitter.addWidget(self.table)
        self.charts_area = QScrollArea()
        self.charts_area.setObjectName("chartsArea")
        self.charts_area.setWidgetResizable(True)
        self.charts_holder = QWidget()
        self.charts_grid = QGridLayout(self.charts_holder)
        self.charts_area.setWidget(self.charts_holder)
        splitter.addWidget(self.charts_area)
        splitter.setSizes([320, 420])
        layout.addWidget(splitter, 1)
        self.chart_views: list[ChartView] = []
        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.buttons = {}
        for key, text, slot in (("excel", "Xuất Excel (có biểu đồ)…", lambda: self.choose_export(".xlsx")),
                                ("word", "Xuất Word…", lambda: self.choose_export(".docx")),
                                ("pdf", "Xuất PDF…", lambda: self.choose_export(".pdf")),
                                ("png", "Lưu biểu đồ thành ảnh…", self.save_charts)):
            button = QPushButton(tr(text))
            button.setObjectName(key)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.kind_box.currentIndexChanged.connect(self.refresh)
        self.start_box.dateChanged.connect(self.refresh)
        self.end_box.dateChanged.connect(self.refresh)
        self._lazy = LazyRefresh(self, None)
        self._lazy.first()

    def _date_box(self, name: str, day: date) -> QDateEdit:
        box = QDateEdit(_qdate(day))
        box.setObjectName(name)
        box.setDisplayFormat("dd/MM/yyyy")
        box.setCalendarPopup(True)
        return box

    def period(self) -> tuple[date, date]:
        return _pydate(self.start_box.date()), _pydate(self.end_box.date())

    @property
    def loading(self) -> bool:
        return self._ticket != getattr(self, "_shown", 0) or self._lazy.stale

    def refresh(self, *_args) -> None:
        from handbook_desktop.services.reports import make_report, report_kind

        key = self.kind_box.currentData()
        start, end = self.period()
        self.about.setText(tr(report_kind(key).about))
        self._ticket += 1
        ticket = self._ticket
        database = self.context.database
        self.message.setText(tr("Đang tính…"))

        def done(report):
            self._shown = ticket
            if ticket == self._ticket:
                self.show_report(report)

        def failed(error):
            self._shown = ticket
            from handbook_desktop.ui.errors import user_text

            self.message.setText(user_text(error))

        self.context.runner.run(lambda _flag: make_report(database, key, start, end), on_result=done, on_error=failed)

    def show_report(self, report) -> None:
        self.report = report
        table = report.tables[0]
        from handbook_desktop.ui.cells import scaled
        from handbook_desktop.ui.pages.reports.model import layout_headings

        from PySide6.QtGui import QFont, QFontMetrics

        bold = QFont(self.table.horizontalHeader().font())
        bold.setBold(True)  # the headings' weight in style.qss
        headings, widths = layout_headings(table, QFontMetrics(bold), scaled(self, 110), scaled(self, 190))
        self.model.set_table(table, headings)
        self.table.setColumnWidth(0, scaled(self, 300))
        for column, width in enumerate(widths[1:], start=1):
            self.table.setColumnWidth(column, width)
        figures = [f"{tr(label)}: <b>{format_figure(report.figures.get(key), kind)}</b>"
                   for key, label, kind in HEADLINES.get(report.key, [])]
        self.headline.setText(" · ".join(figures))
        for view in self.chart_views:
            view.setParent(None)
            view.deleteLater()
        self.chart_views = []
        for index, chart in enumerate(report.charts):
            view = ChartView(chart)
            view.setObjectName(f"chart_{chart.key}")
            if chart.kind == "grid":
                self.charts_grid.addWidget(view, 10 + index, 0, 1, 2)
            else:
                self.charts_grid.addWidget(view, index // 2, index % 2)
            view.show()  # a child added to a page already on screen stays hidden until shown
            self.chart_views.append(view)
        notes = [table.note] if table.note else []
        self.message.setText(" ".join(notes))

    def _default_name(self, suffix: str) -> str:
        start, end = self.period()
        key = self.kind_box.currentData()
        return f"bao-cao-{key}_{start:%d-%m-%Y}_den_{end:%d-%m-%Y}{suffix}"

    def choose_export(self, suffix: str) -> None:
        from handbook_desktop import paths

        filters = {".xlsx": "Excel (*.xlsx)", ".docx": "Word (*.docx)", ".pdf": "PDF (*.pdf)"}
        start_dir = paths.data_dir() / "bao-cao"
        start_dir.mkdir(parents=True, exist_ok=True)
        target, _ = QFileDialog.getSaveFileName(self, tr("Xuất báo cáo"), str(start_dir / self._default_name(suffix)),
                                                tr(filters[suffix]))
        if target:
            if not target.lower().endswith(suffix):
                target += suffix
            self.export_to(target)

    def export_to(self, target: str) -> None:
        """Export the report on screen (recomputed, so the file matches the records at this moment)."""
        from handbook_desktop.services.reports import make_report
        from handbook_desktop.services.reports.export import export_report

        key = self.kind_box.currentData()
        start, end = self.period()
        database = self.context.database

        def work(_flag):
            report = make_report(database, key, start, end)
            return export_report(database, report, target, chart_png=chart_png)

        def done(path):
            self.message.setText(tr("Đã xuất báo cáo: {path}").format(path=Path(path).as_posix()))

        def failed(error):
            from handbook_desktop.ui.errors import user_text

            self.message.setText(user_text(error))

        self.context.runner.run(work, on_result=done, on_error=failed, progress_title=tr("Đang xuất báo cáo…"),
                                parent=self)

    def save_charts(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn thư mục lưu ảnh biểu đồ"))
        if folder:
            self.save_charts_to(Path(folder))

    def save_charts_to(self, folder: Path) -> list[Path]:
        saved = []
        for view in self.chart_views:
            path = folder / f"{self._default_name('')}_{view.chart.key}.png"
            path.write_bytes(chart_png(view.chart))
            saved.append(path)
        self.message.setText(tr("Đã lưu {n} ảnh biểu đồ vào {folder}").format(n=len(saved), folder=folder.as_posix()))
        return saved
