"""Nghiệp vụ: admission, probation, badges and the other changes of a member's standing."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.admission_tab import AdmissionTab
from handbook_desktop.ui.pages.procedures.badges_tab import BadgesTab
from handbook_desktop.ui.pages.procedures.calendar_tab import CalendarTab
from handbook_desktop.ui.pages.procedures.changes_tab import ChangesTab
from handbook_desktop.ui.pages.procedures.probation_tab import ProbationTab
from handbook_desktop.ui.pages.procedures.widgets import LazyRefresh


class ProceduresPage(QWidget):
    def __init__(self, context, *, today: date | None = None):
        super().__init__()
        self.context = context
        self.today = today or date.today()
        self.setObjectName("proceduresPage")
        layout = QVBoxLayout(self)
        title = QLabel(tr("Nghiệp vụ"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("procedureTabs")
        self.admission = AdmissionTab(self)
        self.probation = ProbationTab(self)
        self.badges = BadgesTab(self)
        self.changes = ChangesTab(self)
        self.calendar = CalendarTab(self)
        self.tabs.addTab(self.admission, tr("Kết nạp"))
        self.tabs.addTab(self.probation, tr("Đảng viên dự bị"))
        self.tabs.addTab(self.badges, tr("Huy hiệu Đảng"))
        self.tabs.addTab(self.changes, tr("Chuyển sinh hoạt, miễn, kỷ luật, thẻ"))
        self.tabs.addTab(self.calendar, tr("Lịch ngày làm việc"))
        layout.addWidget(self.tabs, 1)
        self._lazy = LazyRefresh(self, {"member", "meeting", "rules", "sync", "import", "unit", "all"})
        self.refresh()

    def set_today(self, day: date) -> None:
        self.today = day
        self.refresh()

    def refresh(self) -> None:
        for tab in (self.admission, self.probation, self.badges, self.changes, self.calendar):
            tab.refresh()

    def show_member(self, member_uuid: str, tab: str) -> None:
        """Open a tab with a member selected (from the to-do list)."""
        target = {"admission": self.admission, "probation": self.probation, "badges": self.badges,
                  "changes": self.changes}[tab]
        self.tabs.setCurrentWidget(target)
        target.select_member(member_uuid) if hasattr(target, "select_member") else None
