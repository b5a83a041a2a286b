"""Tổng quan: the unit at a glance (headcount by state) and the to-do list (issue 7 §10).

Each to-do item shows its count, its due date and the rule it comes from; the members concerned
are listed under it, and one click opens the record, the page where the work is done, or the form.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import number
from handbook_desktop.services.info import database_info
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages import PageSpec

ITEM_ROLE = Qt.ItemDataRole.UserRole
MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOR = QColor("#b00020")

# Where the work of each kind of item is done: (page key, tab of the Nghiệp vụ page or None).
WORK_PLACES = {
    "ceremony_due": ("procedures", "admission"),
    "probation_vote_due": ("procedures", "probation"),
    "badge_round": ("procedures", "badges"),
    "badge_pending": ("procedures", "changes"),  # record the award, or dismiss it with a reason
    "transfer_not_presented": ("procedures", "changes"),
    "temporary_transfer_ending": ("procedures", "changes"),
    "card_lost": ("procedures", "changes"),
    "unpaid_dues": ("dues", None),
    "ratings_due": ("ratings", None),
    "unexcused_absences": ("meetings", None),
    "excused_absences": ("meetings", None),
    "missing_regular_meeting": ("meetings", None),
    "missing_thematic_meeting": ("meetings", None),
}


class OverviewPage(QWidget):
    def __init__(self, context, *, today: date | None = None):
        super().__init__()
        self.context = context
        self.today = today or date.today()
        self.items = []
        self._ticket = self._shown = 0
        self.setObjectName("overviewPage")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        from handbook_desktop.ui.pages.start_checklist import StartChecklist

        self.start_checklist = StartChecklist(context)  # a new branch's first steps (issue 11 §8)
        layout.addWidget(self.start_checklist)
        body = QHBoxLayout()
        layout.addLayout(body, 1)

        todo_box = QVBoxLayout()
        self.todo_title = QLabel()
        self.todo_title.setObjectName("todoTitle")
        bold = QFont()
        bold.setBold(True)
        self.todo_title.setFont(bold)
        self.todo_title.setWordWrap(True)  # a committee: the full list is a narrow tab
        todo_box.addWidget(self.todo_title)
        from handbook_desktop.ui.pages.overview_model import TodoModel, TodoTree

        self.model = TodoModel(ITEM_ROLE, MEMBER_ROLE, QBrush(OVERDUE_COLOR), self)  # members read on demand
        self.tree = TodoTree()
        self.tree.setObjectName("todoTree")
        self.tree.setModel(self.model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAlternatingRowColors(True)
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.tree.doubleClicked.connect(lambda _index: self.act())
        todo_box.addWidget(self.tree, 1)
        self.detail = QLabel()
        self.detail.setObjectName("todoDetail")
        self.detail.setWordWrap(True)
        todo_box.addWidget(self.detail)
        from handbook_desktop.ui.flow_layout import FlowLayout

        actions = FlowLayout()  # wraps: at a committee the list is a tab beside the charts and the counts
        self.open_button = QPushButton(tr("Mở hồ sơ đảng viên"))
        self.open_button.setObjectName("openRecord")
        self.open_button.clicked.connect(self.open_record)
        self.act_button = QPushButton(tr("Làm việc này"))
        self.act_button.setObjectName("act")
        self.act_button.clicked.connect(self.act)
        self.form_button = QPushButton(tr("Lập văn bản"))
        self.form_button.setObjectName("startForm")
        self.form_button.clicked.connect(self.start_form)
        for button in (self.open_button, self.act_button, self.form_button):
            actions.addWidget(button)
        actions.addStretch(1)
        todo_box.addLayout(actions)
        self.message = QLabel()
        self.message.setObjectName("todoMessage")
        self.message.setWordWrap(True)
        todo_box.addWidget(self.message)
        self.committee_todo = None
        if context.is_committee:
            # A committee reads its branches' to-do grouped (issue 17 §0); the full list stays a tab.
            from handbook_desktop.ui.pages.overview_committee import CommitteeTodoView

            self.committee_todo = CommitteeTodoView()
            full_list = QWidget()
            full_list.setLayout(todo_box)
            self.committee_todo.tabs.addTab(full_list, tr("Danh sách đầy đủ"))
            self.committee_todo.branch_chosen.connect(self.open_branch)
            body.addWidget(self.committee_todo, 3)
        else:
            body.addLayout(todo_box, 3)

        frame = QFrame()
        frame.setObjectName("statsFrame")
        # wide enough for the longest state name and its count in large text too (issue 11 §5)
        longest = max(frame.fontMetrics().horizontalAdvance(status.label) for status in MemberStatus)
        frame.setMaximumWidth(max(330, longest + 110))
        self.grid = QGridLayout(frame)
        heading = QLabel(tr("Số lượng theo trạng thái"))
        heading.setFont(bold)
        self.grid.addWidget(heading, 0, 0, 1, 2)
        self.count_labels: dict[str, QLabel] = {}
        for row, status in enumerate(MemberStatus, start=1):
            name = QLabel(status.label)
            value = QLabel("0")
            value.setObjectName(f"count_{status.value}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(value, row, 1)
            self.count_labels[status.value] = value
        self.grid.setRowStretch(len(MemberStatus) + 1, 1)
        body.addWidget(frame, 1, Qt.AlignmentFlag.AlignTop)
        from handbook_desktop.ui.pages.procedures.widgets import LazyRefresh

        self._lazy = LazyRefresh(self, {"member", "meeting", "dues", "rating", "rules", "sync", "import", "unit", "all"})
        self._update_buttons()
        self.refresh()

    def set_today(self, day: date) -> None:
        self.today = day
        self.refresh()

    @property
    def loading(self) -> bool:
        return self._shown != self._ticket

    def refresh(self) -> None:
        today = self.today
        database = self.context.database
        self._ticket += 1
        ticket = self._ticket
        committee = self.committee_todo is not None

        def work(_flag):
            # A generator: the runner takes one kind of item per turn of the event loop, so the
            # window stays alive while a committee's 50,000 records are looked through.
            from handbook_desktop.services.procedures.todo import todo_steps

            info = database_info(database)
            with database.read() as session:
                items = yield from todo_steps(session, today)
                groups = None
                if committee:
                    from handbook_desktop.services.reports.todo_groups import group_todo

                    groups = group_todo(session, items)
            return ticket, info, items, groups

        self.context.runner.run(work, on_result=self._show)

    def _show(self, result) -> None:
        ticket, info, items, groups = result
        if ticket != self._ticket:
            return  # a newer list is on its way (another day, or a change since)
        self._shown = ticket
        unit = info["unit"] or {}
        self.title.setText(unit.get("name", ""))
        self.summary.setText(
            tr("Đảng số: {headcount} — tổng số hồ sơ: {members} — đơn vị: {units}").format(
                headcount=number(info["headcount"]), members=number(info["members"]), units=number(info["units"]))
        )
        for status, count in info["members_by_status"].items():
            if status in self.count_labels:
                self.count_labels[status].setText(number(count))
        self._show_items(items)
        if self.committee_todo is not None and groups is not None:
            self.committee_todo.show_groups(*groups)

    def _show_items(self, items) -> None:
        previous, previous_member = self.current()
        self.items = items
        overdue = sum(1 for item in items if item.overdue)
        self.todo_title.setText(tr("Việc cần làm tính đến ngày {day}: {n} việc, {o} quá hạn").format(
            day=format_date(self.today), n=len(items), o=overdue))
        header = self.tree.header()
        header.setStretchLastSection(False)
        texts = []
        for item in items:
            title = item.title
            if item.detail and not item.members:
                title += f" — {item.detail}"  # meetings: which month or quarter
            due = format_date(item.due) if item.due else tr("cần làm ngay")
            if item.overdue:
                due = tr("quá hạn {d}").format(d=due)
            texts.append((title, due, str(item.count) if item.members else "",
                          f"{title}\n{tr('Căn cứ')}: {item.rule_source}"))
        # One reset: the members are the items' own lists, read by the view for the rows on screen.
        self.model.set_items([tr("Việc cần làm"), tr("Hạn"), tr("Số người")], items, texts)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, item in enumerate(items):
            if 0 < item.count <= 3:
                self.tree.expand(self.model.index(row, 0))
        if previous is not None:  # keep the person's place after a refresh
            self.select(previous.kind, previous_member) or self.select(previous.kind)
        self._update_buttons()

    # --- selection and actions ------------------------------------------------------------------
    def current(self):
        current = self.tree.currentIndex()
        if not current.isValid():
            return None, None
        current = current.siblingAtColumn(0)
        index = current.data(ITEM_ROLE)
        item = self.items[index] if index is not None and index < len(self.items) else None
        member = current.data(MEMBER_ROLE)
        if member is None and item is not None and item.count == 1:
            member = item.members[0][0]
        return item, member

    def select(self, kind: str, member_uuid: str | None = None) -> bool:
        """Select an item (and one of its members), as a click would."""
        for row, item in enumerate(self.items):
            if item.kind != kind:
                continue
            node = self.model.index(row, 0)
            if member_uuid is None:
                self.tree.setCurrentIndex(node)
                return True
            for child_row, (uuid, _name) in enumerate(item.members):
                if uuid == member_uuid:
                    self.tree.expand(node)
                    self.tree.setCurrentIndex(self.model.index(child_row, 0, node))
                    return True
        return False

    def _update_buttons(self) -> None:
        item, member = self.current()
        if item is None:
            self.detail.setText(tr("Chọn một việc để xem căn cứ và làm ngay."))
        else:
            lines = [item.title + (f": {item.detail}" if item.detail else "")]
            lines.append(tr("Căn cứ: {source}").format(source=item.rule_source))
            self.detail.setText("\n".join(lines))
        self.open_button.setEnabled(member is not None)
        self.act_button.setEnabled(item is not None)
        self.form_button.setEnabled(item is not None and item.form_code is not None
                                    and (member is not None or item.form_code == "4-HHĐ")
                                    and not self.context.readonly)
        self.form_button.setText(tr("Lập văn bản {code}").format(code=item.form_code) if item and item.form_code
                                 else tr("Lập văn bản"))

    def open_branch(self, code: str) -> None:
        """A branch chosen in the committee's grouped to-do: shown on Đơn vị."""
        page = self._window_page("units")
        if page is not None:
            page.select_code(code)

    def _window_page(self, key: str):
        window = self.window()
        show = getattr(window, "show_page", None)
        if show is None:
            return None
        try:
            return show(key)
        except KeyError:
            return None

    def open_record(self) -> None:
        _item, member = self.current()
        if member is None:
            return
        page = self._window_page("members")
        if page is not None and hasattr(page, "open_dialog"):
            page.open_dialog(member)
            return
        page = self._window_page("procedures")
        if page is not None:
            page.show_member(member, "changes")
        else:
            self.message.setText(tr("Trang Đảng viên chưa có trong chương trình này."))

    def act(self) -> None:
        item, member = self.current()
        if item is None:
            return
        key, tab = WORK_PLACES.get(item.kind, (None, None))
        page = self._window_page(key) if key else None
        if page is None:
            self.message.setText(tr("Việc này làm ở trang khác chưa có trong chương trình này."))
            return
        if tab and hasattr(page, "show_member"):
            page.show_member(member, tab) if member else page.tabs.setCurrentWidget(getattr(page, tab))
        elif member and hasattr(page, "select_member"):
            page.select_member(member)

    def start_form(self) -> None:
        from handbook_desktop.services.procedures.documents import procedure_document
        from handbook_desktop.ui.pages.procedures.widgets import document_path, run_change

        item, member = self.current()
        if item is None or item.form_code is None:
            return
        code = "NQ-XT" if item.form_code == "removal" else item.form_code
        name = dict(item.members).get(member, "") if member else ""
        on = self.today
        out = document_path(code, name or f"dot-{item.due:%d-%m-%Y}", on)
        actor = self.context.actor
        award_day = item.due if code == "4-HHĐ" else None

        def work(session):
            return procedure_document(session, actor, code, out, member_uuid=member if code != "4-HHĐ" else None,
                                      on=on, award_day=award_day)

        def done(path):
            self.last_document = path
            self.message.setText(tr("Đã lập {code}: {path}").format(code=code, path=path))

        def failed(error):
            from handbook_desktop.ui.errors import user_text

            self.message.setText(user_text(error))

        run_change(self.context, work, on_done=done, on_error=failed, what="document")


PAGE = PageSpec(key="overview", title="Tổng quan", order=10, factory=OverviewPage)
