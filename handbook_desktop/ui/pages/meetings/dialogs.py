"""Dialogs of the meetings page: planning a meeting, the reason for an amendment, screening."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.text import DATE_PLACEHOLDER, TIME_PLACEHOLDER
from handbook_desktop.domain.dates import format_date, parse_date
from handbook_desktop.domain.meetings import DEFAULT_AGENDA, MeetingKind
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.unsaved import AsksBeforeClosing
from handbook_desktop.ui.dialog_keys import KeyedDialog


def member_combo(members, *, blank: str | None = None, object_name: str = "") -> QComboBox:
    """A picker of members (uuid as data): any part of the name, diacritics or not; namesakes tagged."""
    from handbook_desktop.ui.member_picker import MemberPicker

    box = MemberPicker()
    if object_name:
        box.setObjectName(object_name)
    if blank is not None:
        box.addItem(blank, None)
    for uuid, name, status, *tag in members:
        if status == MemberStatus.TEMPORARILY_AWAY.value:
            continue
        box.add_member(name, uuid, tag[0] if tag else "")
    return box


def select_data(box: QComboBox, value) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


class PlanForm(QWidget):
    """Date, time, place, kind, topic, chair, recorder, presenter, guests (and agenda when new)."""

    def __init__(self, members, *, with_agenda: bool, parent=None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.kind = QComboBox()
        self.kind.setObjectName("planKind")
        for kind in MeetingKind:
            self.kind.addItem(tr(kind.label), kind.value)
        self.date = QLineEdit()
        self.date.setObjectName("planDate")
        self.date.setPlaceholderText(DATE_PLACEHOLDER)
        self.start = QLineEdit()
        self.start.setObjectName("planStart")
        self.start.setPlaceholderText(TIME_PLACEHOLDER)
        self.place = QLineEdit()
        self.place.setObjectName("planPlace")
        self.topic = QLineEdit()
        self.topic.setObjectName("planTopic")
        self.topic.setPlaceholderText(tr("bắt buộc với sinh hoạt chuyên đề"))
        self.chair = member_combo(members, blank=tr("— chưa chọn —"), object_name="planChair")
        self.recorder = member_combo(members, blank=tr("— chưa chọn —"), object_name="planRecorder")
        self.presenter = member_combo(members, blank=tr("— không có —"), object_name="planPresenter")
        self.guests = QPlainTextEdit()
        self.guests.setObjectName("planGuests")
        self.guests.setPlaceholderText(tr("mỗi dòng một khách mời: Họ tên — chức vụ"))
        self.guests.setMaximumHeight(70)
        self.guests.setTabChangesFocus(True)
        form.addRow(tr("Loại buổi sinh hoạt"), self.kind)
        form.addRow(tr("Ngày họp"), self.date)
        form.addRow(tr("Giờ bắt đầu"), self.start)
        form.addRow(tr("Địa điểm"), self.place)
        form.addRow(tr("Chuyên đề / nội dung chính"), self.topic)
        form.addRow(tr("Chủ trì"), self.chair)
        form.addRow(tr("Thư ký"), self.recorder)
        form.addRow(tr("Người trình bày chuyên đề"), self.presenter)
        form.addRow(tr("Khách mời"), self.guests)
        self.agenda = None
        if with_agenda:
            self.agenda = QPlainTextEdit("\n".join(DEFAULT_AGENDA))
            self.agenda.setObjectName("planAgenda")
            self.agenda.setTabChangesFocus(True)
            form.addRow(tr("Chương trình (mỗi dòng một mục)"), self.agenda)

    def values(self) -> dict:
        """Form values for the services; raises ValueError with a Vietnamese message on a bad date."""
        text = self.date.text().strip()
        meeting_date = parse_date(text)
        if meeting_date is None:
            raise ValueError(tr("Hãy nhập ngày họp theo dạng ngày/tháng/năm, ví dụ 05/03/2026."))
        values = {
            "kind": self.kind.currentData(), "meeting_date": meeting_date, "start_time": self.start.text(),
            "place": self.place.text(), "topic": self.topic.text(), "chair_uuid": self.chair.currentData(),
            "recorder_uuid": self.recorder.currentData(), "presenter_uuid": self.presenter.currentData(),
            "guests": self.guests.toPlainText(),
        }
        if self.agenda is not None:
            values["agenda"] = [line for line in self.agenda.toPlainText().splitlines() if line.strip()]
        return values

    def state(self) -> tuple:
        """What the form shows, to tell whether anything was changed since it was filled."""
        return (self.kind.currentData(), self.date.text(), self.start.text(), self.place.text(), self.topic.text(),
                self.chair.currentData(), self.recorder.currentData(), self.presenter.currentData(),
                self.guests.toPlainText(), self.agenda.toPlainText() if self.agenda is not None else None)

    def show_detail(self, detail) -> None:
        s = detail.summary
        select_data(self.kind, s.kind)
        self.date.setText(format_date(s.meeting_date))
        self.start.setText(s.start_time or "")
        self.place.setText(detail.place or "")
        self.topic.setText(s.topic or "")
        select_data(self.chair, detail.chair_uuid)
        select_data(self.recorder, detail.recorder_uuid)
        select_data(self.presenter, detail.presenter_uuid)
        self.guests.setPlainText("\n".join(detail.guests))


class PlanDialog(AsksBeforeClosing, KeyedDialog, QDialog):
    def __init__(self, members, *, default_day: date, default_place: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("planDialog")
        self.setWindowTitle(tr("Lập kế hoạch buổi sinh hoạt"))
        layout = QVBoxLayout(self)
        self.form = PlanForm(members, with_agenda=True)
        self.form.date.setText(format_date(default_day))
        self.form.start.setText("19:30")
        self.form.place.setText(default_place)
        scroll = QScrollArea()  # taller than a 1366×768 laptop at 125 %: the form scrolls, the buttons stay
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Lập kế hoạch"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Hủy"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)
        self.resize(780, 680)
        self.result_values: dict | None = None
        self.remember_state()
        from handbook_desktop.ui.stale import clears_when_fixed

        clears_when_fixed(self, self.error, self._recheck)

    def _recheck(self) -> str:
        try:
            self.form.values()
        except ValueError as error:
            return str(error)
        return ""

    def save_unsaved(self) -> None:
        self._accept()

    def _accept(self) -> None:
        try:
            self.result_values = self.form.values()
        except ValueError as error:
            self.error.setText(str(error))
            return
        self.accept()


class ReasonDialog(KeyedDialog, QDialog):
    """Minutes are finalised: a change is an amendment and needs its reason."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(tr("Đính chính biên bản đã chốt"))
        layout = QVBoxLayout(self)
        label = QLabel(tr("Biên bản đã chốt. Thay đổi này sẽ được lưu thành một lần đính chính, ghi rõ người sửa "
                          "và lý do.\nLý do đính chính:"))
        label.setWordWrap(True)
        layout.addWidget(label)
        self.reason = QLineEdit()
        self.reason.setObjectName("amendReason")
        layout.addWidget(self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Lưu đính chính"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Hủy"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 150)

    def _accept(self) -> None:
        if self.reason.text().strip():
            self.accept()
        else:
            self.reason.setPlaceholderText(tr("Hãy ghi lý do"))
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
