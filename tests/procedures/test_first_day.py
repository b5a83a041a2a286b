"""A first day that makes sense (issue 11 §8): months before the records-start date are never overdue; a
new branch sees the start checklist on Tổng quan, each step a button that goes there, ticked when done;
`init --records-start` and the setup dialog ask for the date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from handbook_desktop.cli import main

ON = date(2026, 11, 15)


def _meeting_items(database, on=ON):
    from handbook_desktop.services.procedures.todo import todo

    with database.read() as session:
        return [i for i in todo(session, on) if i.kind.startswith("missing_")]


def test_months_before_records_start_are_never_overdue(db):
    from handbook_desktop.services.start import month_before_records, records_start, set_records_start

    before = _meeting_items(db)  # a database with no records-start date: every month of the year counts
    assert sum(1 for i in before if i.overdue) == 13  # Jan–Oct and Q1–Q3: the review's red months
    with db.session() as session:
        set_records_start(session, date(2026, 11, 1))
    with db.read() as session:
        assert records_start(session) == date(2026, 11, 1)
    after = _meeting_items(db)
    assert not any(i.overdue for i in after)
    assert all(i.detail in ("Tháng 11/2026", "Quý 4/2026") for i in after), [i.detail for i in after]
    with db.session() as session:
        set_records_start(session, date(2026, 5, 20))  # mid-quarter: Q2 still asked, its months before not
    kept = {i.detail for i in _meeting_items(db)}
    assert "Tháng 04/2026" not in kept and "Tháng 05/2026" in kept and "Quý 2/2026" in kept
    assert "Quý 1/2026" not in kept
    assert month_before_records(date(2026, 5, 20), 2026, 4) and not month_before_records(None, 2026, 4)


def test_init_asks_records_start(tmp_path, monkeypatch, capsys):
    from handbook_desktop.services.start import records_start
    from handbook_desktop.store.database import Database

    monkeypatch.setenv("HANDBOOK_PASSWORD", "matkhau123")
    target = tmp_path / "a.sqlite3"
    assert main(["--db", str(target), "init", "--unit-code", "CB-A", "--unit-name", "Chi bộ A",
                 "--records-start", "01/10/2026"]) == 0
    with Database.open(target) as database, database.read() as session:
        assert records_start(session) == date(2026, 10, 1)
    other = tmp_path / "b.sqlite3"
    assert main(["--db", str(other), "init", "--unit-code", "CB-B", "--unit-name", "Chi bộ B"]) == 0
    with Database.open(other) as database, database.read() as session:
        assert records_start(session) == date.today().replace(day=1)  # the default: this month
    bad = tmp_path / "c.sqlite3"
    assert main(["--db", str(bad), "init", "--unit-code", "CB-C", "--unit-name", "Chi bộ C",
                 "--records-start", "31/02/2026"]) == 1
    assert "31/02/2026" in capsys.readouterr().err
    with Database.open(bad) as database:
        assert database.home_unit() is None  # refused before anything was written


def test_setup_dialog_asks_records_start(qtbot, tmp_path, monkeypatch, type_text):
    from PySide6.QtWidgets import QMessageBox

    from handbook_desktop.services.start import records_start
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.setup_dialog import SetupDialog

    application([])
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    database = Database.open(tmp_path / "new.sqlite3")
    try:
        dialog = SetupDialog(database)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.records_start.date().toPython() == date.today().replace(day=1)
        type_text(dialog.unit_name, "Chi bộ Khu dân cư số 9")
        qtbot.keyClicks(dialog.unit_code, "CB-KDC9")
        dialog.records_start.setFocus()
        dialog.records_start.setCurrentSection(dialog.records_start.Section.MonthSection)
        for _ in range(3):  # three months earlier, by the arrow keys
            qtbot.keyClick(dialog.records_start, Qt.Key.Key_Down)
        chosen = dialog.records_start.date().toPython()
        first = date.today().replace(day=1)
        assert chosen.day == 1 and (first.year * 12 + first.month) - (chosen.year * 12 + chosen.month) == 3
        qtbot.keyClicks(dialog.password, "mat-khau-1")
        qtbot.keyClicks(dialog.password2, "mat-khau-1")
        qtbot.keyClick(dialog.password2, Qt.Key.Key_Return)
        assert dialog.result() == SetupDialog.DialogCode.Accepted
        with database.read() as session:
            assert records_start(session) == chosen
    finally:
        database.close()


def test_new_branch_overview_shows_the_start_checklist(qtbot, db, secretary):
    from handbook_desktop.services.start import set_records_start
    from handbook_desktop.ui.app import application, open_window

    with db.session() as session:
        set_records_start(session, ON.replace(day=1))
    application([])
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    overview = window.pages["overview"]
    overview.set_today(ON)
    checklist = overview.start_checklist
    qtbot.waitUntil(lambda: checklist.loads == 0 and not overview.loading, timeout=10_000)
    assert checklist.isVisible()
    assert [checklist.marks[k].text() for k in ("members", "meetings", "identity")] == ["☐", "☐", "☐"]
    assert "01/11/2026" in checklist.note.text()
    assert not any(item.overdue for item in overview.items)  # no red months on the first day
    window.grab().save(str(db.file.parent / "first-day.png"))

    qtbot.mouseClick(checklist.buttons["members"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["members"]
    with db.session() as session:
        from handbook_desktop.store.models import Member, Unit
        from sqlalchemy import select

        unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        session.add(Member(unit_id=unit.id, full_name="Nguyễn Văn An", status="official", origin_unit=unit.code))
    window.context.hub.changed.emit("member")
    qtbot.waitUntil(lambda: checklist.loads == 0 and checklist.marks["members"].text() == "☑", timeout=10_000)
    qtbot.mouseClick(checklist.buttons["meetings"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["meetings"]
    qtbot.mouseClick(checklist.buttons["identity"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["sync"]
    window.show_page("overview")
    qtbot.mouseClick(checklist.hide_button, Qt.MouseButton.LeftButton)
    assert not checklist.isVisible()
    checklist.refresh()
    qtbot.waitUntil(lambda: checklist.loads == 0, timeout=10_000)
    assert not checklist.isVisible()  # hidden for good
    window.close()


def test_checklist_ticks_each_step(db, secretary, tmp_path):
    from handbook_desktop.services import meetings as svc
    from handbook_desktop.services.start import start_steps

    with db.read() as session:
        assert [s.done for s in start_steps(session)] == [False, False, False]
    with db.session() as session:
        svc.create_meeting(session, secretary, kind="regular", meeting_date=date(2026, 11, 5))
    from handbook_desktop.services.sync.keys import unlock, write_identity_card

    keyring = unlock(db, "matkhau123")
    write_identity_card(db, keyring, tmp_path / "the.card")
    with db.read() as session:
        assert [s.done for s in start_steps(session)] == [False, True, True]
