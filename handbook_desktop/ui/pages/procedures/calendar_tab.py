"""Lịch ngày làm việc: the public holidays of a year and the days the committee declared off or worked,
which every deadline in working days counts with."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from handbook_desktop.domain.text import to_check_text
from handbook_desktop.domain.dates import format_date
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import fill_table, make_table
from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog, run_change, run_read

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
KINDS = {"day_off": "Nghỉ (cấp ủy thông báo)", "workday": "Làm bù"}


class CalendarTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.context = page.context
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Năm:")))
        self.year_box = QSpinBox()
        self.year_box.setObjectName("calendarYear")
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(page.today.year)
        self.year_box.valueChanged.connect(self.refresh)
        top.addWidget(self.year_box)
        note = QLabel(tr("Ngày lễ, Tết (cả âm lịch) lấy từ lịch nghỉ lễ của Việt Nam; cấp ủy có thể thêm ngày nghỉ "
                         "hoặc ngày làm bù. Mọi hạn tính theo ngày làm việc đều dùng lịch này."))
        note.setWordWrap(True)
        top.addWidget(note, 1)
        layout.addLayout(top)
        self.table = make_table("calendarTable", ["Ngày", "Thứ", "Loại", "Ghi chú", "Căn cứ", "Nơi ghi"])
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("Thêm ngày nghỉ hoặc ngày làm bù…"))
        self.add_button.setObjectName("addCalendarDay")
        self.add_button.setEnabled(not self.context.readonly)
        self.add_button.clicked.connect(self.add_day)
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)

    def refresh(self, *_args) -> None:
        year = self.year_box.value()

        def load(session):
            from handbook_desktop.services.calendar_days import calendar_days

            return calendar_days(session, year)

        run_read(self.context, load, lambda rows: self._show(year, rows))

    def _show(self, year: int, declared) -> None:
        import holidays

        from handbook_desktop.domain.workdays import _package_makeup_days

        days = {day: (tr("Nghỉ lễ"), name, tr("Lịch nghỉ lễ Việt Nam có sẵn trong chương trình"), "")
                for day, name in holidays.Vietnam(years=year, language="vi").items()}
        for day in _package_makeup_days(year):
            days[day] = (tr(KINDS["workday"]), "", tr("Lịch nghỉ lễ Việt Nam có sẵn trong chương trình"), "")
        for d in declared:
            days[d["day"]] = (tr(KINDS.get(d["kind"], d["kind"])), to_check_text(d["note"]), to_check_text(d["source"]), d["origin"])
        rows = [(day.isoformat(), [format_date(day), tr(WEEKDAYS[day.weekday()]), kind, note, source, origin], False)
                for day, (kind, note, source, origin) in sorted(days.items())]
        fill_table(self.table, rows)

    def add_day(self) -> FieldDialog:
        from handbook_desktop.services.procedures.common import set_calendar_day

        actor = self.context.actor
        fields = [Field("day", "Ngày", "date"),
                  Field("kind", "Loại", "choice", "day_off", [(tr(v), k) for k, v in KINDS.items()]),
                  Field("note", "Ghi chú"),
                  Field("source", "Căn cứ (số, ngày văn bản thông báo)")]
        dialog = FieldDialog(self, tr("Ngày nghỉ, ngày làm bù"), fields, lambda v: None)

        def submit(values):
            run_change(self.context, lambda s: set_calendar_day(s, actor, values["day"], values["kind"], values["note"],
                                                           values["source"]),
                       on_done=dialog.succeed, on_error=dialog.fail, what="rules")

        dialog.submit = submit
        dialog.submitted.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog
