"""One meeting: plan, roll call, minutes, votes and documents, with finalising and amendments."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.meetings import MeetingKind, MeetingState
from handbook_desktop.services import meetings as svc
from handbook_desktop.services.meetings.common import MinutesLocked
from handbook_desktop.domain.text import percent
from handbook_desktop.ui.errors import show_error
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.meetings.dialogs import PlanForm, ReasonDialog


def block_text(detail) -> str:
    """The attendance block in the words and figures the minutes print (one AttendanceBlock)."""
    b = detail.block
    if detail.summary.state == "planned":  # nothing to count yet but who is summoned
        return tr(
            "Đảng số {total} (chính thức {official}, dự bị {probationary}; trong đó miễn sinh hoạt {exempt}, "
            "chuyển sinh hoạt tạm thời đi {away}) · sinh hoạt tạm thời đến {visiting}\n"
            "Phải dự {summoned} · chưa họp: điểm danh khi buổi sinh hoạt bắt đầu"
        ).format(total=b.total, official=b.official, probationary=b.probationary, exempt=b.exempt, away=b.away,
                 visiting=b.visiting, summoned=b.summoned)
    text = tr(
        "Đảng số {total} (chính thức {official}, dự bị {probationary}; trong đó miễn sinh hoạt {exempt}, "
        "chuyển sinh hoạt tạm thời đi {away}) · sinh hoạt tạm thời đến {visiting}\n"
        "Phải dự {summoned} · có mặt {present} ({rate}; chính thức {po}, dự bị {pp}) · vắng có lý do {ae} · "
        "vắng không lý do {au}"
    ).format(total=b.total, official=b.official, probationary=b.probationary, exempt=b.exempt, away=b.away,
             visiting=b.visiting, summoned=b.summoned, present=b.present_summoned, rate=percent(b.summoned_rate),
             po=b.present_official - b.exempt_present, pp=b.present_probationary, ae=len(b.absent_excused),
             au=len(b.absent_unexcused))
    if b.unmarked:
        text += tr(" · chưa điểm danh {n}").format(n=len(b.unmarked))
    text += tr("\nMiễn sinh hoạt có mặt {ep} · tạm thời đến có mặt {pv} · mẫu số biểu quyết {denominator}").format(
        ep=b.exempt_present, pv=b.present_visiting, denominator=b.denominator)
    return text


class MeetingEditor(QWidget):
    back = Signal()
    changed = Signal()

    def __init__(self, context, parent=None):
        super().__init__(parent)
        from handbook_desktop.ui.pages.meetings.minutes import MinutesTab
        from handbook_desktop.ui.pages.meetings.votes import VotesTab
        from handbook_desktop.ui.pages.meetings.roll_call import RollCallTab
        from handbook_desktop.ui.pages.meetings.documents import DocumentsTab

        self.context = context
        self.detail = None
        self.members: list[tuple[str, str, str]] = []
        self.subjects: list[tuple[str, str, str]] = []
        self.setObjectName("meetingEditor")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton(tr("← Danh sách"))
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(self.go_back)
        top.addWidget(self.back_button)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)  # «Sinh hoạt thường kỳ ngày … — Đã họp, đang hoàn thiện biên bản»: 900 px
        top.addWidget(self.title, 1)
        self.finalise_button = QPushButton(tr("Chốt biên bản"))
        self.finalise_button.setObjectName("finaliseButton")
        self.finalise_button.clicked.connect(self.finalise)
        top.addWidget(self.finalise_button)
        layout.addLayout(top)
        self.block = QLabel()
        self.block.setObjectName("attendanceBlock")
        self.block.setWordWrap(True)
        layout.addWidget(self.block)
        self.warnings = QLabel()
        self.warnings.setObjectName("warning")
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingTabs")
        layout.addWidget(self.tabs, 1)
        self.plan_tab = QWidget()
        plan_layout = QVBoxLayout(self.plan_tab)
        self.plan_form_holder = QVBoxLayout()
        plan_layout.addLayout(self.plan_form_holder)
        self.plan_form: PlanForm | None = None
        self.save_plan_button = QPushButton(tr("Lưu kế hoạch"))
        self.save_plan_button.setObjectName("savePlanButton")
        self.save_plan_button.clicked.connect(self.save_plan)
        plan_layout.addWidget(self.save_plan_button)
        self.delete_button = QPushButton(tr("Xóa buổi sinh hoạt chưa họp"))
        self.delete_button.setObjectName("deleteMeetingButton")
        self.delete_button.clicked.connect(self.delete_meeting)
        plan_layout.addWidget(self.delete_button)
        plan_layout.addStretch(1)
        self.roll_tab = RollCallTab(self)
        self.minutes_tab = MinutesTab(self)
        self.votes_tab = VotesTab(self)
        self.documents_tab = DocumentsTab(self)
        self.tabs.addTab(self.plan_tab, tr("Kế hoạch"))
        self.tabs.addTab(self.roll_tab, tr("Điểm danh"))
        self.tabs.addTab(self.minutes_tab, tr("Biên bản"))
        self.tabs.addTab(self.votes_tab, tr("Biểu quyết"))
        self.tabs.addTab(self.documents_tab, tr("Văn bản, tài liệu, đính chính"))
        self.busy = 0

    # --- loading --------------------------------------------------------------------------------
    @property
    def uuid(self) -> str | None:
        return self.detail.uuid if self.detail else None

    def open(self, meeting_uuid: str) -> None:
        self.detail = None
        self.load(meeting_uuid)

    def load(self, meeting_uuid: str | None = None) -> None:
        meeting_uuid = meeting_uuid or self.uuid
        if not meeting_uuid:
            return
        database = self.context.database
        self.busy += 1

        def work(_flag):
            with database.read() as session:
                detail = svc.meeting_detail(session, meeting_uuid)
                members = svc.member_choices(session, detail.summary.unit_code)
                subjects = svc.subject_choices(session, detail.summary.unit_code)
            return detail, members, subjects

        self.context.runner.run(work, on_result=self._loaded, on_error=self._failed, parent=self)

    def _failed(self, error) -> None:
        self.busy -= 1
        show_error(self, error)

    def _loaded(self, result) -> None:
        self.busy -= 1
        detail, members, subjects = result
        self.subjects = subjects
        first = self.detail is None or self.detail.uuid != detail.uuid
        self.detail = detail
        if first or members != self.members:
            self.members = members
            self._rebuild_plan_form()
        s = detail.summary
        locked = s.state == MeetingState.FINALISED.value
        title = tr("Sinh hoạt {kind} ngày {day}").format(kind=tr(MeetingKind(s.kind).label).lower(),
                                                          day=format_date(s.meeting_date))
        self.title.setText(f"{title} — {tr(MeetingState(s.state).label)}")
        self.block.setText(block_text(detail))
        self.warnings.setText("\n".join("⚠ " + w.text for w in detail.warnings))
        self.finalise_button.setEnabled(not locked and not self.context.readonly)
        self.finalise_button.setText(tr("Đã chốt biên bản") if locked else tr("Chốt biên bản"))
        self.delete_button.setVisible(s.state == MeetingState.PLANNED.value)
        for widget in (self.save_plan_button, self.delete_button):
            widget.setEnabled(not self.context.readonly)
        if first:
            self.plan_form.show_detail(detail)
            self._plan_saved = self.plan_form.state()
        self.roll_tab.show_detail(detail, first)
        self.minutes_tab.show_detail(detail, first)
        self.votes_tab.show_detail(detail, first)
        self.documents_tab.show_detail(detail, first)

    def _rebuild_plan_form(self) -> None:
        if self.plan_form is not None:
            self.plan_form.setParent(None)
            self.plan_form.deleteLater()
        self.plan_form = PlanForm(self.members, with_agenda=False)
        self.plan_form_holder.addWidget(self.plan_form)
        if self.detail is not None:
            self.plan_form.show_detail(self.detail)
        self._plan_saved = self.plan_form.state()

    # --- leaving with unsaved changes (issue 11 §4) -------------------------------------------------
    _plan_saved: tuple | None = None

    def plan_dirty(self) -> bool:
        return (self.plan_form is not None and not self.context.readonly and self.detail is not None
                and self.plan_form.state() != self._plan_saved)

    def has_unsaved(self) -> bool:
        return self.detail is not None and (self.minutes_tab.has_unsaved() or self.plan_dirty())

    def confirm_leave(self) -> bool:
        """True when the meeting may be left: nothing unsaved, or saved, or dropped on purpose."""
        if not self.has_unsaved():
            return True
        from handbook_desktop.ui.unsaved import BACK, SAVE, ask_unsaved

        answer = ask_unsaved(self, tr("Buổi sinh hoạt đang mở"))
        if answer == BACK:
            return False
        if answer == SAVE:
            return self.save_now()
        self.minutes_tab.discard()
        if self.plan_form is not None and self.detail is not None:
            self.plan_form.show_detail(self.detail)
            self._plan_saved = self.plan_form.state()
        return True

    def save_now(self) -> bool:
        if self.plan_dirty():
            try:
                values = self.plan_form.values()
            except ValueError as error:
                self.tabs.setCurrentWidget(self.plan_tab)
                QMessageBox.warning(self, tr("Không lưu được"), str(error))
                return False
            if not self.apply_now(svc.update_meeting, self.uuid, **values):
                return False
            self._plan_saved = self.plan_form.state()
        if not self.minutes_tab.save_now():
            self.tabs.setCurrentWidget(self.minutes_tab)
            return False
        self.load()
        return True

    def go_back(self) -> None:
        if self.confirm_leave():
            self.back.emit()

    def apply_now(self, function, *args, reason_key: str = "reason", **kwargs) -> bool:
        """``apply`` at once, on this thread: used when the secretary is about to leave, so the write is
        done before the editor goes. A finalised minutes asks for the amendment reason, as ``apply``."""
        database, actor = self.context.database, self.context.actor
        try:
            with database.session() as session:
                function(session, actor, *args, **kwargs)
        except MinutesLocked:
            if reason_key in kwargs:
                raise
            dialog = ReasonDialog(self)
            if not dialog.exec():
                return False
            return self.apply_now(function, *args, reason_key=reason_key,
                                  **{**kwargs, reason_key: dialog.reason.text().strip()})
        except Exception as error:  # noqa: BLE001 - the secretary gets the sentence and stays in the editor
            show_error(self, error)
            return False
        self.context.hub.changed.emit("meeting")
        self.changed.emit()
        return True

    # --- changes ----------------------------------------------------------------------------------
    def apply(self, function, *args, reason_key: str = "reason", on_done=None, amendment: str | None = None,
              **kwargs) -> None:
        """Run a meeting service in a write session; a locked minutes asks for the amendment reason."""
        database, actor = self.context.database, self.context.actor
        if amendment:
            kwargs[reason_key] = amendment
        self.busy += 1

        def work(_flag):
            with database.session() as session:
                return function(session, actor, *args, **kwargs)

        def done(result):
            self.busy -= 1
            if on_done is not None:
                on_done(result)
            self.context.hub.changed.emit("meeting")
            self.changed.emit()
            self.load()

        def failed(error):
            self.busy -= 1
            if isinstance(error, MinutesLocked) and not amendment:
                dialog = ReasonDialog(self)
                if dialog.exec():
                    kwargs.pop(reason_key, None)
                    self.apply(function, *args, reason_key=reason_key, on_done=on_done,
                               amendment=dialog.reason.text().strip(), **kwargs)
                else:
                    self.load()
                return
            show_error(self, error)
            self.load()

        self.context.runner.run(work, on_result=done, on_error=failed, parent=self)

    def save_plan(self) -> None:
        try:
            values = self.plan_form.values()
        except ValueError as error:
            QMessageBox.warning(self, tr("Không lưu được"), str(error))
            return
        state = self.plan_form.state()

        def saved(_result):
            self._plan_saved = state

        self.apply(svc.update_meeting, self.uuid, on_done=saved, **values)

    def delete_meeting(self) -> None:
        answer = QMessageBox.question(self, tr("Xóa buổi sinh hoạt"),
                                      tr("Xóa buổi sinh hoạt chưa họp này khỏi kế hoạch?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.apply(svc.delete_meeting, self.uuid, on_done=lambda _r: self.back.emit())

    def finalise(self) -> None:
        if self.detail is None:
            return
        answer = QMessageBox.question(
            self, tr("Chốt biên bản"),
            tr("Chốt biên bản buổi sinh hoạt này? Sau khi chốt, mọi sửa đổi đều phải ghi lý do đính chính."))
        if answer == QMessageBox.StandardButton.Yes:
            self.apply(svc.finalise, self.uuid)
