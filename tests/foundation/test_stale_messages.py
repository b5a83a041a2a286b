"""Stale messages clear when the input is fixed, beyond the member record (issue 11 §9): the procedure
forms, the meeting plan, a new account and first setup each check again after an edit (300 ms pause).
A problem of the fields goes as soon as the fields are right; a refusal of the database (only the action
can tell) gives way to «Đã sửa: bấm «Ghi» để kiểm tra lại» instead of standing as if still true."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from handbook_desktop.services.errors import UserError

HINT = "Đã sửa: bấm «{}» để kiểm tra lại."


def _retype(qtbot, type_text, widget, text):
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    type_text(widget, text)


def test_procedure_form_clears_a_fixed_date_and_marks_a_refusal_as_old(qtbot, type_text):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog

    application([])
    submitted = []
    dialog = FieldDialog(None, "Ghi quyết định", [Field("number", "Số quyết định"),
                                                 Field("day", "Ngày quyết định", "date", date(2026, 3, 5))],
                         submitted.append)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _retype(qtbot, type_text, dialog.widgets["day"], "31/02/2026")
    qtbot.keyClick(dialog.widgets["day"], Qt.Key.Key_Return)
    assert "không hợp lệ" in dialog.error.text() and submitted == []
    _retype(qtbot, type_text, dialog.widgets["day"], "28/02/2026")
    qtbot.waitUntil(lambda: dialog.error.text() == "", timeout=3000)  # fixed: the message is gone

    dialog.fail(UserError("Số quyết định 12-QĐ/ĐU đã có."))  # what the database answered
    type_text(dialog.widgets["number"], "a")
    qtbot.waitUntil(lambda: dialog.error.text() == HINT.format("Ghi"), timeout=3000)
    _retype(qtbot, type_text, dialog.widgets["day"], "30/02/2026")  # broken again: said at once
    qtbot.waitUntil(lambda: "không hợp lệ" in dialog.error.text(), timeout=3000)


def test_meeting_plan_clears_a_fixed_date(qtbot, type_text):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.meetings.dialogs import PlanDialog

    application([])
    dialog = PlanDialog([], default_day=date(2026, 3, 5))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _retype(qtbot, type_text, dialog.form.date, "5 tháng 3")
    qtbot.keyClick(dialog.form.date, Qt.Key.Key_Return)
    assert dialog.error.text() and dialog.isVisible()
    _retype(qtbot, type_text, dialog.form.date, "05/03/2026")
    qtbot.waitUntil(lambda: dialog.error.text() == "", timeout=3000)


def test_new_account_and_setup_clear_a_fixed_password_mismatch(qtbot, db, secretary, type_text):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.pages.settings.users_box import AddUserDialog
    from handbook_desktop.ui.setup_dialog import SetupDialog
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    application([])
    home = db.home_unit()
    context = AppContext(db, secretary, TaskRunner(), ChangeHub(), home.code, home.name, home.level)
    try:
        dialog = AddUserDialog(context)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        type_text(dialog.username, "phobithu")
        type_text(dialog.password, "matkhau123")
        type_text(dialog.again, "matkhau12")
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        assert dialog.error.text() == "Hai lần nhập mật khẩu không khớp."
        type_text(dialog.again, "3")
        qtbot.waitUntil(lambda: dialog.error.text() == "", timeout=3000)
    finally:
        context.runner.shutdown()

    setup = SetupDialog(db)
    qtbot.addWidget(setup)
    setup.show()
    qtbot.waitExposed(setup)
    type_text(setup.password, "matkhau123")
    type_text(setup.password2, "khac")
    setup.submit()
    assert setup.error.text() == "Hai lần nhập mật khẩu không khớp."
    _retype(qtbot, type_text, setup.password2, "matkhau123")
    qtbot.waitUntil(lambda: setup.error.text() == "", timeout=3000)
