"""The start checklist on Tổng quan for a new branch: import or add members, plan the meetings, make the
identity card for the committee — each a button that goes there, ticked when done (issue 11 §8).

Shown on an installation set up with a records-start date (the setup dialog and `init` always set one)
until every step is done or the secretary hides it; a database from before has no such date and, with
its members, never sees it. Its own widget with its own small read, apart from how the to-do loads.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from handbook_desktop.services.settings import get_setting, set_setting
from handbook_desktop.ui.i18n import tr

HIDDEN = "start_checklist_hidden"
GO_TO = {"members": ("members", "Đến trang Đảng viên"), "meetings": ("meetings", "Đến trang Sinh hoạt chi bộ"),
         "identity": ("sync", "Đến trang Đồng bộ")}


def _load(session):
    from handbook_desktop.domain.dates import format_date
    from handbook_desktop.services.start import records_start, start_steps

    start = records_start(session)
    steps = start_steps(session)
    hidden = bool(get_setting(session, HIDDEN))
    return (start is not None and not hidden and not all(s.done for s in steps)), steps, format_date(start)


class StartChecklist(QFrame):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("startChecklist")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.steps = []
        self.loads = 0
        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.heading = QLabel(tr("Bắt đầu sử dụng"))
        self.heading.setObjectName("todoTitle")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        head.addWidget(self.heading, 1)
        self.hide_button = QPushButton(tr("Ẩn danh sách này"))
        self.hide_button.setObjectName("hideChecklist")
        self.hide_button.setAutoDefault(False)
        self.hide_button.clicked.connect(self.hide_for_good)
        head.addWidget(self.hide_button)
        outer.addLayout(head)
        self.note = QLabel()
        self.note.setObjectName("checklistNote")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(1, 1)
        outer.addLayout(self.grid)
        self.marks: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        for row, key in enumerate(GO_TO):
            mark = QLabel()
            mark.setObjectName(f"mark_{key}")
            title = QLabel()
            title.setWordWrap(True)
            button = QPushButton(tr(GO_TO[key][1]))
            button.setObjectName(f"go_{key}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=key: self.go(k))
            self.grid.addWidget(mark, row, 0)
            self.grid.addWidget(title, row, 1)
            self.grid.addWidget(button, row, 2)
            self.marks[key], self.titles[key], self.buttons[key] = mark, title, button
        self.setVisible(False)
        context.hub.changed.connect(lambda _what: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        database = self.context.database
        self.loads += 1

        def work(_flag):
            with database.read() as session:
                return _load(session)

        self.context.runner.run(work, on_result=self._show, on_error=lambda _e: self._done())

    def _done(self) -> None:
        self.loads -= 1

    def _show(self, result) -> None:
        self._done()
        visible, steps, start = result
        self.steps = steps
        self.note.setText(tr("Chi bộ ghi sổ trên chương trình từ ngày {day}: các tháng trước đó không bị nhắc là "
                             "thiếu sinh hoạt. Ba việc nên làm trước:").format(day=start))
        for step in steps:
            self.marks[step.key].setText("☑" if step.done else "☐")
            self.marks[step.key].setProperty("done", step.done)
            self.titles[step.key].setText(f"<b>{tr(step.title)}</b> — {tr(step.hint)}"
                                          + (f" <i>({tr('đã xong')})</i>" if step.done else ""))
            self.titles[step.key].setToolTip(tr(step.hint))
        self.setVisible(visible)

    def go(self, key: str) -> None:
        show = getattr(self.window(), "show_page", None)
        if show is not None:
            show(GO_TO[key][0])

    def hide_for_good(self) -> None:
        self.setVisible(False)
        if self.context.readonly:
            return
        with self.context.database.session() as session:
            set_setting(session, HIDDEN, True)
