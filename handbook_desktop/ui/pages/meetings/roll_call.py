"""The roll call: one key per member — C có mặt, P vắng có lý do (then the reason), K vắng không lý do,
M đến muộn; exempt and temporarily-away members shown apart."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.meetings import parse_time
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.votes import ATTENDANCE_LABELS, Attendance
from handbook_desktop.services import meetings as svc
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr

KEYS = {
    Qt.Key.Key_C: Attendance.PRESENT.value, Qt.Key.Key_1: Attendance.PRESENT.value,
    Qt.Key.Key_P: Attendance.ABSENT_EXCUSED.value, Qt.Key.Key_2: Attendance.ABSENT_EXCUSED.value,
    Qt.Key.Key_K: Attendance.ABSENT_UNEXCUSED.value, Qt.Key.Key_3: Attendance.ABSENT_UNEXCUSED.value,
}
COLOURS = {
    Attendance.PRESENT.value: "#e3f1e0",
    Attendance.ABSENT_EXCUSED.value: "#fff3d6",
    Attendance.ABSENT_UNEXCUSED.value: "#f9dcdc",
}
APART = (MemberStatus.EXEMPT.value, MemberStatus.TEMPORARILY_AWAY.value)


def _is_clock_time(text: str) -> bool:
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


class RollTable(QTableWidget):
    """Marks by key; emits (row, code) or (row, 'late')."""

    marked = Signal(int, str)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        row = self.currentRow()
        if row >= 0 and event.key() in KEYS:
            self.marked.emit(row, KEYS[event.key()])
            return
        if row >= 0 and event.key() == Qt.Key.Key_M:
            self.marked.emit(row, "late")
            return
        super().keyPressEvent(event)


def _table(name: str, headers: list[str]) -> RollTable:
    table = RollTable(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    from handbook_desktop.ui.cells import full_text_tips, heading_tips

    full_text_tips(table)
    heading_tips(table)  # a narrow window cuts the last heading: whole on hover
    return table


class RollCallTab(QWidget):
    def __init__(self, editor):
        super().__init__()
        self.editor = editor
        self.lines = []
        self.apart = []
        layout = QVBoxLayout(self)
        help_text = QLabel(tr("Chọn một đồng chí rồi bấm phím: C — có mặt · P — vắng có lý do (gõ lý do, Enter) · "
                              "K — vắng không lý do · M — có mặt, đến muộn (giờ đến, Enter). Con trỏ tự xuống dòng tiếp theo."))
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.present_button = QPushButton(tr("Có mặt (C)"))
        self.excused_button = QPushButton(tr("Vắng có lý do (P)"))
        self.unexcused_button = QPushButton(tr("Vắng không lý do (K)"))
        self.late_button = QPushButton(tr("Đến muộn (M)"))
        self.all_present_button = QPushButton(tr("Những người chưa điểm danh: có mặt"))
        self.all_present_button.setObjectName("allPresentButton")
        for button, code in ((self.present_button, Attendance.PRESENT.value),
                             (self.excused_button, Attendance.ABSENT_EXCUSED.value),
                             (self.unexcused_button, Attendance.ABSENT_UNEXCUSED.value),
                             (self.late_button, "late")):
            button.clicked.connect(lambda _=False, c=code: self._mark_current(c))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.all_present_button.clicked.connect(self._all_present)
        layout.addLayout(buttons)
        second = QHBoxLayout()  # on a row of its own: five buttons in one row overflow 1366×768 in large text
        second.addWidget(self.all_present_button)
        second.addStretch(1)
        layout.addLayout(second)
        headers = [tr("STT"), tr("Họ và tên"), tr("Tình trạng"), tr("Điểm danh"), tr("Lý do / ghi chú")]
        self.table = _table("rollTable", headers)
        self.table.marked.connect(lambda row, code: self._mark(self.table, self.lines, row, code))
        layout.addWidget(self.table, 3)
        reason_row = QHBoxLayout()
        self.reason_label = QLabel(tr("Lý do vắng:"))
        reason_row.addWidget(self.reason_label)
        self.reason = QLineEdit()
        self.reason.setObjectName("absenceReason")
        self.reason.setPlaceholderText(tr("gõ lý do rồi Enter"))
        self.reason.returnPressed.connect(self._reason_entered)
        reason_row.addWidget(self.reason, 1)
        layout.addLayout(reason_row)
        self.pending: tuple | None = None
        apart_label = QLabel(tr("Miễn công tác và sinh hoạt đảng; chuyển sinh hoạt tạm thời đi (không bắt buộc dự, "
                                "không tính vào số phải dự):"))
        apart_label.setWordWrap(True)
        layout.addWidget(apart_label)
        self.apart_table = _table("apartTable", headers)
        self.apart_table.marked.connect(lambda row, code: self._mark(self.apart_table, self.apart, row, code))
        layout.addWidget(self.apart_table, 1)

    def show_detail(self, detail, first: bool) -> None:
        readonly = self.editor.context.readonly
        for button in (self.present_button, self.excused_button, self.unexcused_button, self.late_button,
                       self.all_present_button):
            button.setEnabled(not readonly)
        self.lines = [r for r in detail.roll if r.status not in APART]
        self.apart = [r for r in detail.roll if r.status in APART]
        # members attending temporarily from elsewhere come last in the main list
        self.lines.sort(key=lambda r: (r.status == MemberStatus.VISITING.value, r.name_sort))
        for table, lines in ((self.table, self.lines), (self.apart_table, self.apart)):
            current = table.currentRow()
            table.setRowCount(len(lines))
            for row, line in enumerate(lines):
                mark = tr(ATTENDANCE_LABELS[Attendance(line.attendance)]) if line.attendance else ""
                if line.late:
                    mark += tr(", đến muộn") + (f" {line.arrived_at}" if line.arrived_at else "")
                if line.status == MemberStatus.TEMPORARILY_AWAY.value:
                    mark = tr("không điểm danh tại chi bộ")
                elif line.status == MemberStatus.EXEMPT.value and not line.attendance:
                    mark = tr("không bắt buộc dự (C nếu có mặt)")
                values = [str(row + 1), line.name, tr(MemberStatus(line.status).label), mark, line.reason or ""]
                brush = QBrush(QColor(COLOURS.get(line.attendance or "", "#ffffff")))
                for column, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    item.setData(Qt.ItemDataRole.UserRole, line.member_uuid)
                    item.setBackground(brush)
                    table.setItem(row, column, item)
            if lines:
                table.setCurrentCell(min(max(current, 0), len(lines) - 1), 1)
        if first and self.lines:
            self.table.setCurrentCell(0, 1)

    def _mark_current(self, code: str) -> None:
        if self.apart_table.hasFocus() and self.apart_table.currentRow() >= 0:
            self._mark(self.apart_table, self.apart, self.apart_table.currentRow(), code)
        elif self.table.currentRow() >= 0:
            self._mark(self.table, self.lines, self.table.currentRow(), code)

    def _mark(self, table, lines, row: int, code: str) -> None:
        if row < 0 or row >= len(lines) or self.editor.context.readonly:
            return
        line = lines[row]
        if code == Attendance.ABSENT_EXCUSED.value:
            self.pending = (table, row, line, code)
            self.reason_label.setText(tr("Lý do vắng của đ/c {name}:").format(name=line.name))
            self.reason.setText(line.reason or "")
            self.reason.setFocus()
            return
        if code == "late":
            # The arrival time goes in the same line as a reason: now, as a start, for the secretary
            # who presses M when the comrade walks in; typed over when written up afterwards.
            self.pending = (table, row, line, "late")
            self.reason_label.setText(tr("Giờ đến của đ/c {name} (giờ:phút, Enter):").format(name=line.name))
            self.reason.setText(line.arrived_at or QTime.currentTime().toString("HH:mm"))
            self.reason.selectAll()
            self.reason.setFocus()
            return
        else:
            self.editor.apply(svc.set_attendance, self.editor.uuid, line.member_uuid, code,
                              reason_key="amend_reason")
        self._advance(table, row)

    def _reason_entered(self) -> None:
        if self.pending is None:
            return
        table, row, line, code = self.pending
        text = self.reason.text().strip()
        if code == "late":
            if text and not _is_clock_time(text):
                self.reason_label.setText(tr("Giờ đến viết theo dạng giờ:phút, ví dụ 19:45 — đ/c {name}:")
                                          .format(name=line.name))
                return
            self.editor.apply(svc.set_attendance, self.editor.uuid, line.member_uuid, Attendance.PRESENT.value,
                              late=True, arrived_at=text or None, reason_key="amend_reason")
        else:
            if not text:
                self.reason.setPlaceholderText(tr("Vắng có lý do thì phải ghi lý do"))
                return
            self.editor.apply(svc.set_attendance, self.editor.uuid, line.member_uuid, Attendance.ABSENT_EXCUSED.value,
                              reason=text, reason_key="amend_reason")
        self.pending = None
        self.reason.clear()
        self.reason_label.setText(tr("Lý do vắng:"))
        self._advance(table, row)
        table.setFocus()

    @staticmethod
    def _advance(table, row: int) -> None:
        if row + 1 < table.rowCount():
            table.setCurrentCell(row + 1, 1)

    def _all_present(self) -> None:
        self.editor.apply(svc.mark_all_present, self.editor.uuid)
