"""Sinh hoạt chi bộ: meetings of the year, the compliance strip, planning, screening; opens a meeting."""

from __future__ import annotations

from dataclasses import replace

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.meetings import MeetingKind, MeetingState
from handbook_desktop.domain.text import percent
from handbook_desktop.services import meetings as svc
from handbook_desktop.services.auth import Actor
from handbook_desktop.ui.errors import show_error
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.meetings.dialogs import PlanDialog
from handbook_desktop.ui.pages.meetings.editor import MeetingEditor

STRIP_COLOURS = {"ok": ("#2e7d32", "#ffffff"), "missing": ("#c62828", "#ffffff"), "open": ("#f2c14e", "#3a1a00"),
                 "future": ("#eeeeee", "#777777")}
STRIP_WORDS = {"ok": "đã họp", "missing": "thiếu", "open": "chưa họp", "future": "chưa đến"}


class ComplianceStrip(QFrame):
    """Each month: a regular meeting held? Each quarter: a thematic one? Twelve months in one band when
    the page is wide enough, else two bands of six (a laptop at 125 % or large text: the strip asked for
    1,060 px of the 816 the page has, and the last months were behind a scroll bar)."""

    def __init__(self):
        super().__init__()
        self.setObjectName("complianceStrip")
        self.grid = QGridLayout(self)
        self.grid.setSpacing(3)
        self.grid.setSizeConstraint(QGridLayout.SizeConstraint.SetNoConstraint)  # minimumSizeHint below
        self.row_labels = [QLabel(tr(text)) for text in ("Thường kỳ", "Chuyên đề", "Thường kỳ", "Chuyên đề")]
        self.months: list[QLabel] = []
        self.quarters: list[QLabel] = []
        for month in range(12):
            label = QLabel()
            label.setObjectName(f"month_{month + 1}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # the widest word ("chưa họp", "chưa đến") whole, in large text and at 125 % too (issue 11 §5)
            label.setMinimumWidth(max(label.fontMetrics().horizontalAdvance(tr(w)) for w in STRIP_WORDS.values()) + 8)
            self.months.append(label)
        for quarter in range(4):
            label = QLabel()
            label.setObjectName(f"quarter_{quarter + 1}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.quarters.append(label)
        self.bands = 0
        self._arrange(1)

    def _need(self, bands: int) -> int:
        margins = self.grid.contentsMargins()
        cell = max(m.minimumSizeHint().width() for m in self.months) + 3
        head = max(label.sizeHint().width() for label in self.row_labels) + 3
        return head + cell * (12 // bands) + margins.left() + margins.right() + 2 * self.frameWidth()

    def _arrange(self, bands: int) -> None:
        if bands == self.bands:
            return
        self.bands = bands
        for widget in self.row_labels + self.months + self.quarters:
            self.grid.removeWidget(widget)
        per = 12 // bands
        for band in range(bands):
            top = 2 * band
            self.grid.addWidget(self.row_labels[2 * band], top, 0)
            self.grid.addWidget(self.row_labels[2 * band + 1], top + 1, 0)
            for i, label in enumerate(self.months[band * per:(band + 1) * per]):
                self.grid.addWidget(label, top, i + 1)
            for i, label in enumerate(self.quarters[band * per // 3:(band + 1) * per // 3]):
                self.grid.addWidget(label, top + 1, 3 * i + 1, 1, 3)
        for label in self.row_labels[2 * bands:]:
            label.hide()
        for label in self.row_labels[:2 * bands]:
            label.show()
        self.updateGeometry()

    def minimumSizeHint(self):  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setWidth(self._need(2))
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._arrange(1 if event.size().width() >= self._need(1) else 2)
        super().resizeEvent(event)

    def show(self, strip) -> None:  # noqa: A003 - a strip "shows" a compliance record
        super().show()
        for label, period in zip(self.months, strip.months):
            self._paint(label, f"T{period.index}", period)
        for label, period in zip(self.quarters, strip.quarters):
            self._paint(label, tr("Quý {q}").format(q=period.index), period)

    @staticmethod
    def _paint(label: QLabel, name: str, period) -> None:
        background, colour = STRIP_COLOURS[period.status]
        label.setText(f"{name}\n{tr(STRIP_WORDS[period.status])}")
        label.setProperty("status", period.status)
        label.setToolTip(tr("{n} buổi").format(n=period.count))
        label.setStyleSheet(f"background:{background};color:{colour};border-radius:3px;padding:2px 4px;")


class MeetingsPage(QWidget):
    # The counts' headings on two lines: the topic keeps room on a laptop at 125 % (it had 99 px).
    COLUMNS = ["Ngày", "Loại", "Chuyên đề /\nnội dung", "Trạng thái", "Có mặt /\nphải dự (tỷ lệ)", "Vắng\ncó lý do",
               "Vắng\nkhông lý do", "Biểu\nquyết"]

    def __init__(self, context, today: date | None = None):
        super().__init__()
        self.context = context
        self._today = today
        self.rows: list = []
        self.members: list = []
        self.setObjectName("meetingsPage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.list_view = QWidget()
        layout = QVBoxLayout(self.list_view)
        title = QLabel(tr("Sinh hoạt chi bộ"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        bar = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        bar.addWidget(QLabel(tr("Năm")))
        self.year = QSpinBox()
        self.year.setObjectName("yearBox")
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today().year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        bar.addWidget(self.year)
        self.unit = QComboBox()
        self.unit.setObjectName("unitBox")
        self.unit.setVisible(context.is_committee)
        self.unit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.unit.setMinimumWidth(360)
        self.unit.currentIndexChanged.connect(lambda _i: self.reload())
        bar.addWidget(self.unit)
        bar.addStretch(1)
        self.screening_button = QPushButton(tr("Rà soát vắng sinh hoạt…"))
        self.screening_button.setObjectName("screeningButton")
        self.screening_button.clicked.connect(self.show_screening)
        bar.addWidget(self.screening_button)
        self.plan_button = QPushButton(tr("Lập kế hoạch họp…"))
        self.plan_button.setObjectName("planButton")
        self.plan_button.clicked.connect(self.plan_meeting)
        self.plan_button.setEnabled(not context.readonly)
        bar.addWidget(self.plan_button)
        layout.addLayout(bar)
        self.strip = ComplianceStrip()
        layout.addWidget(self.strip)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("meetingTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in self.COLUMNS])
        for column, title in enumerate(self.COLUMNS):  # a narrow screen cuts a heading: the tooltip has it
            self.table.horizontalHeaderItem(column).setToolTip(tr(title))
        from handbook_desktop.ui.cells import full_text_tips

        full_text_tips(self.table)  # a long topic: «…» and the whole of it on hover
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # The kind and the state at the width of their usual words («Thường kỳ», «Đã chốt biên bản»), the
        # longer ones «…» with the whole on hover: sized to their longest, the topic had 99 px on a laptop.
        metrics = self.table.fontMetrics()
        for column, usual in ((1, "Thường kỳ, chuyên"), (3, "Đã chốt biên bản")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, metrics.horizontalAdvance(tr(usual)) + 16)
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.table, 1)
        hint = QLabel(tr("Enter hoặc bấm đúp để mở buổi sinh hoạt: điểm danh, biên bản, biểu quyết, văn bản."))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.stack.addWidget(self.list_view)
        self.editor = MeetingEditor(context)
        self.editor.back.connect(self.show_list)
        self.stack.addWidget(self.editor)
        context.hub.changed.connect(self._on_changed)
        self.loading = 0
        self._units_loaded = False
        self.reload()

    def today(self) -> date:
        return self._today or date.today()

    def _on_changed(self, what: str) -> None:
        if what in ("member", "meeting", "sync") and self.stack.currentWidget() is self.list_view:
            self.reload()

    def unit_code(self) -> str | None:
        return self.unit.currentData() if self.context.is_committee else None

    def reload(self) -> None:
        year, unit_code, on = self.year.value(), self.unit_code(), self.today()
        database = self.context.database
        self.loading += 1

        def work(_flag):
            with database.read() as session:
                units = [(u.code, u.name) for u in svc.queries.meeting_units(session)]
                code = unit_code or (units[0][0] if units else None)
                rows = svc.list_meetings(session, year=year, unit_code=code)
                strip = svc.compliance_for(session, year, on, code).get(code) if code else None
                members = svc.member_choices(session, code)
            return units, rows, strip, members

        self.context.runner.run(work, on_result=self._loaded, on_error=self._failed, parent=self)

    def _failed(self, error) -> None:
        self.loading -= 1
        show_error(self, error)

    def _loaded(self, result) -> None:
        self.loading -= 1
        units, rows, strip, members = result
        if self.context.is_committee and not self._units_loaded:
            self._units_loaded = True
            self.unit.blockSignals(True)
            for code, name in units:
                self.unit.addItem(f"{name} ({code})", code)
            self.unit.blockSignals(False)
        self.rows, self.members = rows, members
        if strip is not None:
            self.strip.show(strip)
        self.table.setRowCount(len(rows))
        for row, m in enumerate(rows):
            values = [format_date(m.meeting_date), tr(MeetingKind(m.kind).label), m.topic or "",
                      tr(MeetingState(m.state).label), f"{m.present}/{m.summoned} ({percent(m.rate)})" if m.state != "planned" else "",
                      str(m.absent_excused) if m.state != "planned" else "",
                      str(m.absent_unexcused) if m.state != "planned" else "", str(m.votes or "")]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, m.uuid)
                if column == 6 and m.absent_unexcused:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_meeting(self.rows[row].uuid, self.rows[row].unit_code)

    def open_meeting(self, uuid: str, unit_code: str | None = None) -> MeetingEditor:
        # At a committee a branch's meeting is the branch's record: browsed, not edited (it comes up
        # in the branch's packages). The editor then acts as a viewer, so the services refuse too.
        browsing = self.context.is_committee and unit_code not in (None, self.context.home_code)
        self.editor.context = (replace(self.context, actor=Actor(self.context.actor.username, "viewer"))
                               if browsing else self.context)
        self.editor.open(uuid)
        self.stack.setCurrentWidget(self.editor)
        return self.editor

    def has_unsaved(self) -> bool:
        return self.stack.currentWidget() is self.editor and self.editor.has_unsaved()

    def confirm_leave(self) -> bool:
        """The window asks before another page or closing: a meeting being written is asked about."""
        return self.stack.currentWidget() is not self.editor or self.editor.confirm_leave()

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_view)
        self.reload()

    def plan_meeting(self) -> PlanDialog:
        day = self.today()
        dialog = PlanDialog(self.members, default_day=day, parent=self)
        dialog.accepted.connect(lambda: self._create(dialog.result_values))
        dialog.open()
        return dialog

    def _create(self, values: dict | None) -> None:
        if not values:
            return
        database, actor, unit_code = self.context.database, self.context.actor, self.unit_code()

        def work(_flag):
            with database.session() as session:
                return svc.create_meeting(session, actor, unit_code=unit_code, **values)

        def done(uuid):
            self.context.hub.changed.emit("meeting")
            if values["meeting_date"].year != self.year.value():
                self.year.setValue(values["meeting_date"].year)
            self.open_meeting(uuid)

        self.context.runner.run(work, on_result=done, on_error=lambda e: show_error(self, e), parent=self)

    # --- screening ------------------------------------------------------------------------------
    def show_screening(self):
        from handbook_desktop.ui.pages.meetings.screening import ScreeningDialog

        dialog = ScreeningDialog(self.context, self.year.value(), self.today(), parent=self)
        dialog.open()
        return dialog
