"""Dialogs at the keyboard (issue 11 §7): focus in the first field, Enter is the primary action (never a
file picker), Esc cancels; member pickers find names without diacritics and tell namesakes apart."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import select


@pytest.fixture
def namesakes(db):
    from handbook_desktop.store.models import Member, Unit

    with db.session() as session:
        unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        for name, born, position in (("Nguyễn Văn An", date(1958, 3, 2), "secretary"),
                                     ("Nguyễn Văn An", date(1990, 7, 9), "member"),
                                     ("Trần Thị Bình", date(1975, 1, 1), "deputy_secretary"),
                                     ("Đỗ Đức Dũng", None, "member")):
            session.add(Member(unit_id=unit.id, full_name=name, status="official", origin_unit=unit.code,
                               date_of_birth=born, party_position=position))
    return db


def _context(database, actor):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    home = database.home_unit()
    return AppContext(database, actor, TaskRunner(), ChangeHub(), home.code, home.name, home.level)


def _only_primary_takes_enter(dialog, primary):
    buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
    assert primary in buttons and primary.isDefault()
    others = [b.text() for b in buttons if b is not primary and (b.autoDefault() or b.isDefault())]
    assert others == []


def test_member_dialog_enter_saves_never_opens_a_picker(qtbot, db, secretary, type_text, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    application([])
    pickers = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: pickers.append(a) or ("", ""))
    context = _context(db, secretary)
    try:
        dialog = MemberDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.focusWidget() is dialog.widgets["full_name"]  # the first field
        _only_primary_takes_enter(dialog, dialog.save_button)
        type_text(dialog.widgets["full_name"], "Lê Thị Mai")
        photo = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Chọn ảnh…")
        photo.setFocus()  # a button that had focus once took Enter in Qt's default
        dialog.widgets["full_name"].setFocus()
        qtbot.keyClick(dialog.widgets["full_name"], Qt.Key.Key_Return)
        assert pickers == []
        assert "ngày kết nạp" in dialog.warnings.text()  # Enter pressed «Lưu»: the record's checks ran
        qtbot.keyClick(dialog.widgets["full_name"], Qt.Key.Key_Return)  # «Vẫn lưu»
        qtbot.waitUntil(lambda: dialog.saved_uuid is not None, timeout=5000)
    finally:
        context.runner.shutdown()


def test_plan_dialog_pickers_fold_diacritics_and_tell_namesakes_apart(qtbot, namesakes, secretary):
    from handbook_desktop.services import meetings as svc
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.meetings.dialogs import PlanDialog

    application([])
    with namesakes.read() as session:
        members = svc.member_choices(session)
    dialog = PlanDialog(members, default_day=date(2026, 3, 5))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.form
    assert dialog.focusWidget() is form.kind
    _only_primary_takes_enter(dialog, dialog.buttons.buttons()[0] if dialog.buttons.buttons()[0].isDefault()
                              else dialog.buttons.buttons()[1])
    labels = [form.chair.itemText(i) for i in range(form.chair.count())]
    assert "Nguyễn Văn An (sinh 1958, Bí thư)" in labels and "Nguyễn Văn An (sinh 1990)" in labels
    assert "Trần Thị Bình (sinh 1975, Phó Bí thư)" in labels and "Đỗ Đức Dũng" in labels

    chair = form.chair
    chair.setFocus()
    chair.lineEdit().selectAll()
    qtbot.keyClicks(chair.lineEdit(), "nguyen van an")  # no diacritics
    popup = chair.finder.popup()
    assert popup.isVisible() and chair.finder.completionCount() == 2  # both namesakes, told apart
    shown = [chair.finder.completionModel().index(r, 0).data() for r in range(2)]
    assert shown == ["Nguyễn Văn An (sinh 1958, Bí thư)", "Nguyễn Văn An (sinh 1990)"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert chair.currentText() == "Nguyễn Văn An (sinh 1990)"
    uuid_1990 = chair.currentData()

    recorder = form.recorder
    dialog.activateWindow()  # the chair's popup had the keyboard
    qtbot.waitUntil(dialog.isActiveWindow)
    recorder.setFocus()
    recorder.lineEdit().selectAll()
    qtbot.keyClicks(recorder.lineEdit(), "do duc dung")  # đ typed as d
    assert recorder.finder.completionCount() == 1, (recorder.lineEdit().text(), recorder.finder.completionPrefix())
    recorder.finder.popup().hide()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.mouseClick(form.date, Qt.MouseButton.LeftButton)  # on to another field: the one match is taken
    assert recorder.currentText() == "Đỗ Đức Dũng"

    qtbot.keyClick(form.date, Qt.Key.Key_Return)  # Enter = «Lập kế hoạch»
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_values["chair_uuid"] == uuid_1990
    assert dialog.result_values["recorder_uuid"] == recorder.currentData() is not None


def test_esc_cancels_and_enter_is_primary_in_small_dialogs(qtbot, db, type_text):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.meetings.dialogs import ReasonDialog
    from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog
    from handbook_desktop.ui.setup_dialog import SetupDialog

    application([])
    reason = ReasonDialog()
    qtbot.addWidget(reason)
    reason.show()
    qtbot.waitExposed(reason)
    assert reason.focusWidget() is reason.reason
    qtbot.keyClick(reason.reason, Qt.Key.Key_Escape)
    assert reason.result() == reason.DialogCode.Rejected and not reason.isVisible()

    got = []
    dialog = FieldDialog(None, "Ghi quyết định", [Field("number", "Số quyết định"), Field("day", "Ngày", "date")],
                         got.append)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.widgets["number"]
    qtbot.keyClicks(dialog.widgets["number"], "12-QD/DU")
    qtbot.keyClick(dialog.widgets["number"], Qt.Key.Key_Return)
    assert "ngày" in dialog.error.text() and got == []  # Enter pressed «Ghi»: the missing date is named
    qtbot.keyClicks(dialog.widgets["day"], "05/03/2026")
    qtbot.keyClick(dialog.widgets["day"], Qt.Key.Key_Return)
    assert got == [{"number": "12-QD/DU", "day": date(2026, 3, 5)}]

    setup = SetupDialog(db)
    qtbot.addWidget(setup)
    setup.show()
    qtbot.waitExposed(setup)
    assert setup.focusWidget() is setup.unit_name
    assert QApplication.focusWidget() in (setup.unit_name, None)


def test_introducer_picker_finds_names_without_diacritics(qtbot):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog

    application([])
    got = []
    options = [("Nguyễn Văn An (1958) — Đảng viên chính thức", "u-an"),
               ("Trần Thị Bình (1975) — Đảng viên chính thức", "u-binh")]
    dialog = FieldDialog(None, "Người giới thiệu", [Field("introducer_1_uuid", "Người giới thiệu thứ nhất", "member",
                                                         None, options)], got.append)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    picker = dialog.widgets["introducer_1_uuid"]
    assert dialog.focusWidget() is picker
    qtbot.keyClicks(picker.lineEdit(), "tran thi binh")
    assert picker.finder.completionCount() == 1
    qtbot.keyClick(picker.finder.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(picker.finder.popup(), Qt.Key.Key_Return)
    assert picker.currentData() == "u-binh"
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    picker.setFocus()
    qtbot.keyClick(picker.lineEdit(), Qt.Key.Key_Return)  # Enter = «Ghi»
    assert got == [{"introducer_1_uuid": "u-binh"}]


def test_every_dialog_of_the_window_starts_in_its_first_field_and_answers_enter_and_esc(qtbot, demo_db, tmp_path, monkeypatch):
    """Each dialog the window opens (tests/foundation/window_walk): the focus is in its first field (or the
    first empty one: the sign-in has the name filled in, the password is what is typed), only its primary
    button takes Enter, Esc closes it unchanged (the unlock screen excepted: Esc must not unlock)."""
    import sys
    from pathlib import Path

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.ui.app import application, open_window
    from handbook_desktop.ui.dialog_keys import first_field, primary_button

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "foundation"))
    from window_walk import dialogs, no_questions

    application([])
    no_questions(monkeypatch)
    window = open_window(demo_db, Actor("admin", "secretary"))
    qtbot.addWidget(window)
    window.show()
    seen, problems = [], []
    for name, dialog in dialogs(window, tmp_path):
        seen.append(name)
        dialog.activateWindow()
        QApplication.processEvents()
        field = first_field(dialog)
        if name == "login":
            field = dialog.password  # the name is filled in
        if field is not None and dialog.focusWidget() not in (field, getattr(field, "lineEdit", lambda: None)()):
            problems.append(f"{name}: focus on {dialog.focusWidget()!r}, first field {field.objectName()!r}")
        primary = primary_button(dialog)
        if primary is None:
            problems.append(f"{name}: no primary button")
        else:
            others = [b.text() for b in dialog.findChildren(QPushButton)
                      if b is not primary and b.isVisible() and (b.autoDefault() or b.isDefault())]
            if not primary.isDefault() or others:
                problems.append(f"{name}: Enter goes to {others or 'nothing'}, not «{primary.text()}»")
        if name != "unlock":
            qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
            if dialog.isVisible():
                problems.append(f"{name}: Esc did not close it")
    window.close()
    assert {"member-record", "meeting-plan", "procedures-change-discipline", "dues-basis", "settings-add-user",
            "backup-restore", "login", "setup"} <= set(seen), seen
    assert problems == [], "\n".join(problems)


def test_the_changes_tab_picker_finds_names_without_diacritics_and_tells_namesakes_apart(qtbot, namesakes,
                                                                                           secretary):
    from handbook_desktop.ui.app import open_window

    window = open_window(namesakes, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    page.tabs.setCurrentWidget(page.changes)
    box = page.changes.member_box
    qtbot.waitUntil(lambda: box.count() >= 4, timeout=10_000)
    labels = [box.itemText(i) for i in range(box.count())]
    assert any(label.startswith("Nguyễn Văn An (sinh 1958, Bí thư) — ") for label in labels), labels
    assert any(label.startswith("Nguyễn Văn An (sinh 1990) — ") for label in labels), labels
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "nguyen van an")
    assert box.finder.popup().isVisible() and box.finder.completionCount() == 2
    box.finder.popup().hide()
    window.close()
