"""Screening from attendance: who to look at, which months and quarters lack a meeting; to Excel."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout

from handbook_desktop import paths
from handbook_desktop.domain.dates import format_date
from handbook_desktop.services import meetings as svc
from handbook_desktop.ui.errors import show_error
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog


def screening_html(result) -> str:
    def members(title, flags, unit):
        rows = "".join(
            f"<li><b>{f.name}</b> ({f.unit_code}) — {f.count} {unit}: "
            f"{', '.join(format_date(d) for d in f.dates)}</li>" for f in flags)
        return f"<h3>{title}</h3>" + (f"<ol>{rows}</ol>" if rows else f"<p>{tr('Không có.')}</p>")

    def periods(title, items, word):
        rows = "".join(f"<li>{m.unit_name}: {word} {m.period}</li>" for m in items)
        return f"<h3>{title}</h3>" + (f"<ul>{rows}</ul>" if rows else f"<p>{tr('Không có.')}</p>")

    head = tr("Năm {y}, tính đến ngày {d}").format(y=result.year, d=format_date(result.on))
    return (f"<p>{head}</p>"
            + members(tr("Vắng sinh hoạt không lý do từ {n} tháng trong năm (Điều lệ Đảng điều 8)").format(
                          n=result.unexcused_limit), result.unexcused, tr("tháng"))
            + members(tr("Vắng có lý do quá {n} lần liên tiếp (không tính đảng viên miễn sinh hoạt)").format(
                          n=result.excused_limit), result.excused_in_a_row, tr("lần liên tiếp"))
            + periods(tr("Tháng không sinh hoạt thường kỳ"), result.missing_regular, tr("tháng"))
            + periods(tr("Quý không sinh hoạt chuyên đề"), result.missing_thematic, tr("quý")))


class ScreeningDialog(KeyedDialog, QDialog):
    def __init__(self, context, year: int, on: date, parent=None):
        super().__init__(parent)
        self.context = context
        self.result = None
        self.setObjectName("screeningDialog")
        self.setWindowTitle(tr("Rà soát sinh hoạt năm {y}").format(y=year))
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.text.setObjectName("screeningText")
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.export_button = QPushButton(tr("Xuất Excel…"))
        self.export_button.setObjectName("exportScreeningButton")
        self.export_button.clicked.connect(self.export)
        row.addWidget(self.export_button)
        close = QPushButton(tr("Đóng"))
        close.setDefault(True)  # a report to read: Enter closes it (never the file picker of «Xuất Excel…»)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(760, 560)
        on = min(on, date(year, 12, 31))
        database = context.database

        def work(_flag):
            with database.read() as session:
                return svc.screening(session, year, on)

        context.runner.run(work, on_result=self._loaded, on_error=lambda e: show_error(self, e), parent=self)

    def _loaded(self, result) -> None:
        self.result = result
        self.text.setHtml(screening_html(result))

    def export(self, path: str | None = None) -> None:
        if self.result is None:
            return
        if not path:
            suggested = paths.data_dir() / f"Rà soát sinh hoạt {self.result.year}.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, tr("Lưu danh sách rà soát"), str(suggested), "Excel (*.xlsx)")
        if path:
            result = self.result
            self.context.runner.run(lambda _f: svc.export_screening_xlsx(result, path),
                                    on_error=lambda e: show_error(self, e), parent=self)
