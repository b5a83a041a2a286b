"""Restoring a backup of another unit says so and needs a confirmation: window and command line
(issue 13, point 8)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import func, select

from handbook_desktop.cli import main
from handbook_desktop.services.auth import Actor
from handbook_desktop.services.backup import create_backup
from handbook_desktop.services.backup.restore import OtherUnitBackup, restore_backup
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Unit

ADMIN = Actor("admin", "secretary")


@pytest.fixture
def other_backup(tmp_path):
    """A verified backup of another branch (CB-KHAC), made by the program."""
    from handbook_desktop.services.setup import HomeUnitSpec, initialise

    with Database.open(tmp_path / "khac.sqlite3") as other:
        initialise(other, HomeUnitSpec("CB-KHAC", "Chi bộ khác", "chi-bo", term_start=date(2025, 7, 1)),
                   "admin", "matkhau-khac-1")
        return create_backup(other, reason="manual", actor=ADMIN, second_folder=None).info


def _home(database) -> str:
    with database.read() as session:
        return session.scalar(select(Unit.code).where(Unit.is_home.is_(True)))


def test_the_service_refuses_without_confirmation(db, other_backup):
    with pytest.raises(OtherUnitBackup, match="CB-KHAC.*CB-TEST"):
        restore_backup(db.file, other_backup, actor=ADMIN, database=db)
    assert _home(db) == "CB-TEST"


def test_command_line_says_so_and_needs_yes(db, other_backup, capsys):
    path = str(db.file)
    db.close()
    assert main(["--db", path, "backup", "restore", str(other_backup.path)]) == 1
    err = capsys.readouterr().err
    assert "CHÚ Ý" in err and "đơn vị CB-KHAC" in err and "--yes" in err
    with Database.open(path, readonly=True) as database:
        assert _home(database) == "CB-TEST"


def test_window_shows_it_and_waits_for_the_tick(qtbot, db, other_backup):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.backup.restore_dialog import RestoreDialog
    from handbook_desktop.ui.tasks import TaskRunner

    context = AppContext(db, ADMIN, TaskRunner(), ChangeHub(), "CB-TEST", "Chi bộ Khu dân cư số 5", "chi-bo")
    dialog = RestoreDialog(context, other_backup, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.other_unit.isVisible(), timeout=30_000)
    assert "CB-KHAC" in dialog.other_unit.text() and "CB-TEST" in dialog.other_unit.text()
    assert dialog.confirm_other.isVisible() and not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.confirm_other, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.confirm_other.height() // 2))
    assert dialog.restore_button.isEnabled()
    dialog.grab().save("/tmp/security-other-unit.png")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "hoàn tác" in dialog.message.text(), timeout=30_000)
    assert _home(db) == "CB-KHAC"
