"""Pieces of the Nghiệp vụ tabs: a table, the document bar (one click to a form), member choices."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.ui.cells import full_text_tips
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.widgets import document_path, run_change
from handbook_desktop.ui.rows_table import OVERDUE, RowsTable  # noqa: F401  (OVERDUE: the tabs' colour)


def make_table(name: str, headers: list[str]) -> RowsTable:
    table = RowsTable([tr(h) for h in headers])
    table.setObjectName(name)
    full_text_tips(table)  # a long note or source cut with «…» shows whole on hover
    return table


def fill_table(table: RowsTable, rows: list[tuple[str, list[str], bool]]) -> None:
    """rows: (uuid kept on the first cell, cell texts, highlight as overdue) — one model reset."""
    table.set_rows(rows)


def selected_uuid(table: RowsTable) -> str | None:
    row = table.currentRow()
    if row < 0 or table.item(row, 0) is None:
        return None
    return table.item(row, 0).data(Qt.ItemDataRole.UserRole)


def selected_name(table: RowsTable) -> str:
    row = table.currentRow()
    return table.item(row, 0).text() if row >= 0 and table.item(row, 0) else ""


def member_choices(session, states: tuple[str, ...] | None = None, *, branches: bool = False,
                   unit_id: int | None = None) -> list[tuple[str, str]]:
    """(label, uuid) in name order: "Name (sinh 1958, Bí thư) — status", and at a committee (``branches``)
    "— branch" too, so that namesakes of two branches are told apart; ``unit_id``: one branch only."""
    return [(label, uuid) for label, uuid, _status, _unit in _member_labels(session, branches, states, unit_id)]


class MemberRows:
    """Every member's picker row — (label, uuid, folded label, status, unit id), as ``member_choices``
    labels them — made once per refresh of the page on the worker thread and shared: the change
    picker (a branch or all) and the introducer pickers (the officials) hold the same rows, not a
    second copy of a committee's 50,000 labels and folded labels (issue 18 §6). Plain Python: tasks
    run one at a time on the worker, the GUI thread only calls ``forget``."""

    def __init__(self, branches: bool):
        self.branches = branches
        self.generation = 0
        self._built = -1
        self.rows: list[tuple] = []

    def forget(self) -> None:
        """The data changed (or the day): made again at the next use."""
        self.generation += 1

    def get(self, session) -> list[tuple]:
        generation = self.generation
        if self._built != generation:
            from handbook_desktop.domain.text import fold

            self.rows = [(label, uuid, fold(label), status, unit_id)
                         for label, uuid, status, unit_id in _member_labels(session, self.branches)]
            self._built = generation
        return self.rows

    def of(self, session, *, status: str | None = None, unit_id: int | None = None) -> list[tuple]:
        """The rows of one status or one branch (the same tuples)."""
        return [row for row in self.get(session)
                if (status is None or row[3] == status) and (unit_id is None or row[4] == unit_id)]


def _member_labels(session, branches: bool, states: tuple[str, ...] | None = None, unit_id: int | None = None):
    """(label, uuid, status, unit id) in name order, labelled as ``member_choices`` says."""
    from handbook_desktop.services.members.query import namesake_tag
    from handbook_desktop.store.models import Member, Unit
    from handbook_desktop.ui.member_picker import member_label

    query = select(Member.full_name, Member.uuid, Member.date_of_birth, Member.status, Member.party_position,
                   Unit.name, Member.unit_id).join(Unit, Unit.id == Member.unit_id, isouter=True).where(
        Member.deleted_at.is_(None)).order_by(Member.name_sort)
    if states:
        query = query.where(Member.status.in_(states))
    if unit_id is not None:
        query = query.where(Member.unit_id == unit_id)
    labels = {status.value: status.label for status in MemberStatus}
    for name, uuid, birth, status, position, branch, unit in session.execute(query):
        # the same «sinh 1958, Bí thư» as the meetings' pickers, then the status the procedure cares about
        where = f" — {branch}" if branches and branch else ""
        label = member_label(name, namesake_tag(birth, position))
        yield f"{label} — {labels.get(status, status)}{where}", uuid, status, unit


class DocumentBar(QWidget):
    """Buttons for the forms of a tab; the produced file is named and can be opened at once."""

    def __init__(self, context, forms: dict[str, str], subject, today_of):
        super().__init__()
        self.context = context
        self.subject = subject  # () -> (member uuid or None, name)
        self.today_of = today_of
        self.last_path = None
        # The buttons wrap (a tab with seven forms asked for 1,970 px in one row); the result below them.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        layout = FlowLayout()
        outer.addLayout(layout)
        layout.addWidget(QLabel(tr("Lập văn bản:")))
        self.buttons: dict[str, QPushButton] = {}
        for code, title in forms.items():
            button = QPushButton(f"{tr(title)} ({code})")  # what it makes, the form's code beside
            button.setToolTip(tr("Lập {title}, mẫu {code}, ra tệp Word").format(title=tr(title).lower(), code=code))
            button.setObjectName(f"form_{code}")
            button.clicked.connect(lambda _=False, c=code: self.produce(c))
            layout.addWidget(button)
            self.buttons[code] = button
        self.open_button = QPushButton(tr("Mở tệp"))
        self.open_button.setObjectName("openDocument")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_last)
        layout.addWidget(self.open_button)
        self.result = QLabel()
        self.result.setObjectName("documentResult")
        self.result.setWordWrap(True)
        outer.addWidget(self.result)

    def produce(self, code: str, member_uuid: str | None = None, name: str | None = None, **extra) -> None:
        from handbook_desktop.services.procedures.documents import LIST_FORMS, procedure_document

        if member_uuid is None:
            member_uuid, name = self.subject()
        if code not in LIST_FORMS and not member_uuid:
            self.result.setText(tr("Hãy chọn một người trong bảng trước."))
            return
        on = self.today_of()
        out = document_path(code, name or "", on)
        actor = self.context.actor

        def work(session):
            return procedure_document(session, actor, code, out, member_uuid=member_uuid, on=on, **extra)

        def done(path):
            self.last_path = path
            self.result.setText(tr("Đã lập {code}: {name}").format(code=code, name=path.name))
            self.open_button.setEnabled(True)

        def failed(error):
            from handbook_desktop.ui.errors import user_text

            self.result.setText(user_text(error))

        run_change(self.context, work, on_done=done, on_error=failed, what="document")

    def open_last(self) -> None:
        from handbook_desktop.services.forms import open_with_system

        if self.last_path is not None:
            open_with_system(self.last_path)


def today_or(value: date | None) -> date:
    return value or date.today()
