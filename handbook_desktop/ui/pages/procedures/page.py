"""Nghiệp vụ: admission, probation, badges and the other changes of a member's standing."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from handbook_desktop.ui.branch_box import branch_box_for
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.admission_tab import AdmissionTab
from handbook_desktop.ui.pages.procedures.badges_tab import BadgesTab
from handbook_desktop.ui.pages.procedures.calendar_tab import CalendarTab
from handbook_desktop.ui.pages.procedures.changes_tab import ChangesTab
from handbook_desktop.ui.pages.procedures.probation_tab import ProbationTab
from handbook_desktop.ui.pages.procedures.rules_tab import RulesTab
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
        # At a committee the probation, badge, admission and change lists hold every branch's
        # members: a branch column, and a choice of one branch or all (issue 17 §0).
        self.branch_box = branch_box_for(context, self)
        if self.branch_box is not None:
            row = QHBoxLayout()
            row.addWidget(QLabel(tr("Chi bộ:")))
            row.addWidget(self.branch_box)
            row.addStretch(1)
            layout.addLayout(row)
            self.branch_box.currentIndexChanged.connect(self._branch_changed)
        from handbook_desktop.ui.pages.procedures.common import MemberRows

        self.member_rows = MemberRows(branches=self.branch_box is not None)  # shared by the tabs' pickers
        self.tabs = QTabWidget()
        self.tabs.setObjectName("procedureTabs")
        self.admission = AdmissionTab(self)
        self.probation = ProbationTab(self)
        self.badges = BadgesTab(self)
        self.changes = ChangesTab(self)
        self.calendar = CalendarTab(self)
        self.rules = RulesTab(self)
        self.tabs.addTab(self.admission, tr("Kết nạp"))
        self.tabs.addTab(self.probation, tr("Đảng viên dự bị"))
        self.tabs.addTab(self.badges, tr("Huy hiệu Đảng"))
        self.tabs.addTab(self.changes, tr("Chuyển sinh hoạt, miễn, kỷ luật, thẻ"))
        self.tabs.addTab(self.calendar, tr("Lịch ngày làm việc"))
        self.tabs.addTab(self.rules, tr("Quy tắc"))
        layout.addWidget(self.tabs, 1)
        self._stale_tabs: set = set()  # to be read again when opened
        self._other_branch: set = set()  # read, but shown for another branch choice: shown again when opened
        self.tabs.currentChanged.connect(self._tab_opened)
        self._lazy = LazyRefresh(self, {"member", "meeting", "rules", "sync", "import", "unit", "all"},
                                 release=self._release)
        self._lazy.first()

    def _release(self) -> bool:
        """Out of sight for a while at a committee: the pickers' 50,000 rows go (the change picker, the
        introducers), read again with the tab when the page is shown."""
        from handbook_desktop.ui.pages.procedures.widgets import BIG_LIST

        if len(self.member_rows.rows) < BIG_LIST:
            return False
        self.member_rows.rows = []
        self.member_rows.forget()
        self.admission.release()
        self.changes.release()
        return True

    def set_today(self, day: date) -> None:
        self.today = day
        self.refresh()

    def refresh(self) -> None:
        """The tab on screen now; the others when they are opened (the badge rounds alone take
        seconds at a committee's 50,000 members)."""
        current = self.tabs.currentWidget()
        self._stale_tabs = {tab for tab in (self.admission, self.probation, self.badges, self.changes, self.calendar,
                                           self.rules)
                            if tab is not current}
        self._other_branch.clear()
        self.member_rows.forget()
        if current is not None:
            current.refresh()

    def branch_id(self) -> int | None:
        return self.branch_box.unit_id() if self.branch_box is not None else None

    def _branch_changed(self, _index: int) -> None:
        """The lists already read hold every branch: shown again for the chosen one, not read again —
        the tab on screen now, the others when they are opened (re-showing all four at once froze a
        committee's window for half a second; issue 11 §3)."""
        current = self.tabs.currentWidget()
        for tab in (self.admission, self.probation, self.badges, self.changes):
            if tab in self._stale_tabs:
                continue
            if tab is current:
                self._other_branch.discard(tab)
                tab.show_branch()
            else:
                self._other_branch.add(tab)

    def _tab_opened(self, _index: int) -> None:
        tab = self.tabs.currentWidget()
        if tab in self._stale_tabs:
            self._stale_tabs.discard(tab)
            self._other_branch.discard(tab)
            tab.refresh()
        elif tab in self._other_branch:
            self._other_branch.discard(tab)
            tab.show_branch()

    def show_member(self, member_uuid: str, tab: str) -> None:
        """Open a tab with a member selected (from the to-do list)."""
        target = {"admission": self.admission, "probation": self.probation, "badges": self.badges,
                  "changes": self.changes}[tab]
        if self.branch_box is not None and self.branch_box.unit_id() is not None:
            self.branch_box.choose(None)  # the member may be in another branch than the one chosen
        self.tabs.setCurrentWidget(target)  # loads the tab if it was not loaded yet
        if hasattr(target, "select_member"):
            # After the tab's list is in: tasks run in order, so this comes after its load.
            self.context.runner.run(lambda _flag: None, on_result=lambda _r: target.select_member(member_uuid))
