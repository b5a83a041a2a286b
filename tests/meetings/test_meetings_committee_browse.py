"""At a committee, a branch's meeting is browsed read-only: buttons off, and the service refuses too."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from handbook_desktop.services.demo import generate
from handbook_desktop.services.progress import drain
from handbook_desktop.store.database import Database

TODAY = date(2026, 11, 15)


@pytest.fixture
def committee_db(tmp_path):
    database = Database.open(tmp_path / "committee.sqlite3")
    drain(generate(database, members=400, seed=4, today=TODAY))
    yield database
    database.close()


def test_branch_meeting_opens_read_only_at_the_committee(qtbot, committee_db, secretary, monkeypatch):
    from handbook_desktop.ui import errors
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.meetings.page import MeetingsPage
    from handbook_desktop.ui.tasks import TaskRunner

    shown = []
    monkeypatch.setattr(errors, "show_error", lambda parent, error, title="": shown.append(error))
    application([])
    home = committee_db.home_unit()
    context = AppContext(committee_db, secretary, TaskRunner(), ChangeHub(), home.code, home.name, home.level)
    page = MeetingsPage(context, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loading == 0 and page.table.rowCount() > 0, timeout=20_000)
    assert page.plan_button.isEnabled()  # the committee itself may still plan its own meetings
    branch_row = next(i for i, row in enumerate(page.rows) if row.unit_code != home.code)
    page.table.setFocus()
    page.table.setCurrentCell(branch_row, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None and editor.busy == 0, timeout=20_000)
    assert editor.detail.uuid == page.rows[branch_row].uuid
    assert editor.context.readonly
    assert not editor.finalise_button.isEnabled()
    assert not editor.roll_tab.present_button.isEnabled()
    before = [line.attendance for line in editor.detail.roll]
    editor.roll_tab.table.setFocus()
    qtbot.keyClick(editor.roll_tab.table, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: editor.busy == 0, timeout=10_000)
    assert [line.attendance for line in editor.detail.roll] == before
    context.runner.shutdown()
