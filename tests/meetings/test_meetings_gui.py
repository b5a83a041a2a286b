"""The Sinh hoạt chi bộ page driven as a secretary would: plan, roll call by keyboard, minutes with two
speakers, a vote that passes and one that fails, finalise, an edit that becomes an amendment, and
the minutes exported to Word and read back."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

TODAY = date(2026, 3, 20)


def _context(database, actor):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    home = database.home_unit()
    return AppContext(database, actor, TaskRunner(), ChangeHub(), home.code, home.name, home.level)


@pytest.fixture
def shown_errors(monkeypatch):
    """Error dialogs replaced at their factory: the message is kept and the test can read it."""
    from handbook_desktop.ui import errors

    shown = []

    def record(parent, error, title=""):
        shown.append(errors.user_text(error))

    for module in ("editor", "page", "documents", "screening"):
        monkeypatch.setattr(f"handbook_desktop.ui.pages.meetings.{module}.show_error", record)
    return shown


@pytest.fixture
def page_for(qtbot, secretary, shown_errors):
    made = []

    def make(database, actor=secretary, today=TODAY):
        from handbook_desktop.ui.app import application
        from handbook_desktop.ui.pages.meetings.page import MeetingsPage

        application([])
        context = _context(database, actor)
        page = MeetingsPage(context, today=today)
        qtbot.addWidget(page)
        page.resize(1280, 860)
        page.show()
        made.append(context)
        qtbot.waitUntil(lambda: page.loading == 0, timeout=10_000)
        return page

    yield make
    for context in made:
        context.runner.shutdown()


def answer_modal(qtbot, kind, act):
    """When a modal dialog of ``kind`` appears, ``act(dialog)`` (a person answering it)."""
    seen = []

    def poll():
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and not seen:
            seen.append(widget)
            act(widget)
        elif not seen:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen


def idle(qtbot, editor, errors=None):
    qtbot.waitUntil(lambda: editor.busy == 0, timeout=10_000)
    if errors is not None:
        assert errors == []


def row_of(table, name):
    for row in range(table.rowCount()):
        if table.item(row, 1).text() == name:
            return row
    raise AssertionError(name)


def test_plan_roll_call_minutes_votes_finalise_amend_export(qtbot, branch, page_for, handbook_home, type_text,
                                                           shown_errors):
    from handbook_desktop.ui.pages.meetings.dialogs import ReasonDialog

    database, people = branch
    page = page_for(database)

    # --- plan ------------------------------------------------------------------------------------
    qtbot.mouseClick(page.plan_button, Qt.MouseButton.LeftButton)
    from handbook_desktop.ui.pages.meetings.dialogs import PlanDialog

    dialog = next(w for w in page.findChildren(PlanDialog))
    form = dialog.form
    form.date.clear()
    type_text(form.date, "05/03/2026")
    form.start.clear()
    type_text(form.start, "19:30")
    type_text(form.place, "Nhà văn hóa tổ dân phố số 5")
    form.chair.setCurrentIndex(form.chair.findText("Nguyễn Văn An"))
    form.recorder.setCurrentIndex(form.recorder.findText("Trần Thị Bình"))
    type_text(form.guests, "Đồng chí Trần Văn Khách — Đảng ủy viên phường")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None and page.stack.currentWidget() is editor, timeout=10_000)
    idle(qtbot, editor, shown_errors)
    assert "Dự kiến" in editor.title.text()

    # --- roll call by keyboard -----------------------------------------------------------------
    editor.tabs.setCurrentWidget(editor.roll_tab)
    roll = editor.roll_tab
    table = roll.table
    names = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert names[-1] == "Lý Thị Nga"  # the visiting member comes last
    assert {roll.apart_table.item(r, 1).text() for r in range(roll.apart_table.rowCount())} == {
        "Đỗ Văn Khánh", "Ngô Thị Lan"}
    table.setFocus()
    table.setCurrentCell(0, 1)
    for row, name in enumerate(names):
        assert table.currentRow() == row
        if name == "Bùi Thị Hoa":
            qtbot.keyClick(table, Qt.Key.Key_P)
            assert "Bùi Thị Hoa" in roll.reason_label.text() and roll.pending is not None
            type_text(roll.reason, "Đi công tác Đà Nẵng")
            qtbot.keyClick(roll.reason, Qt.Key.Key_Return)
        elif name == "Vũ Thị Giang":
            qtbot.keyClick(table, Qt.Key.Key_K)
        elif name == "Hoàng Văn Em":
            qtbot.keyClick(table, Qt.Key.Key_M)
            assert "Hoàng Văn Em" in roll.reason_label.text() and roll.pending is not None
            roll.reason.selectAll()
            type_text(roll.reason, "19 giờ")  # not a time: asked again, nothing written
            qtbot.keyClick(roll.reason, Qt.Key.Key_Return)
            assert "giờ:phút" in roll.reason_label.text() and roll.pending is not None
            roll.reason.selectAll()
            qtbot.keyClicks(roll.reason, "19h45")
            qtbot.keyClick(roll.reason, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(table, Qt.Key.Key_C)
        idle(qtbot, editor, shown_errors)
    assert table.item(row_of(table, "Bùi Thị Hoa"), 4).text() == "Đi công tác Đà Nẵng"
    assert table.item(row_of(table, "Hoàng Văn Em"), 3).text().endswith("đến muộn 19:45")
    block = editor.block.text()
    # 8 official: Hoa excused -> denominator 7 (exempt absent and the member away never count);
    # present: 6 official + 1 probationary, and the visiting member counted apart
    assert "mẫu số biểu quyết 7" in block
    # the rate the minutes print, recomputed a second way: the roll call's rows counted in SQL
    summoned, present = _summoned_in_sql(database, editor.detail.uuid)
    assert (summoned, present) == (9, 7)
    assert f"Phải dự {summoned} · có mặt {present} (77,8 %; chính thức 6, dự bị 1)" in block
    assert "tạm thời đến có mặt 1" in block and "vắng không lý do 1" in block
    assert "Vũ Thị Giang" in editor.warnings.text()

    # --- minutes with two speakers --------------------------------------------------------------
    editor.tabs.setCurrentWidget(editor.minutes_tab)
    minutes = editor.minutes_tab
    minutes.sections.setCurrentRow(3)  # 4. Thảo luận
    assert "Thảo luận" in minutes.section_title.text()
    type_text(minutes.content, "Chi bộ thảo luận báo cáo tháng 2.")
    type_text(minutes.conclusion, "Chi bộ thống nhất các nhiệm vụ tháng 3.")
    qtbot.mouseClick(minutes.save_section_button, Qt.MouseButton.LeftButton)
    idle(qtbot, editor, shown_errors)
    for speaker, said in (("Lê Văn Cường", "Đề nghị tăng cường phòng cháy."),
                          ("Đồng chí Trần Văn Khách — Đảng ủy viên phường", "Ghi nhận kết quả của chi bộ.")):
        minutes.speaker.lineEdit().clear()
        type_text(minutes.speaker.lineEdit(), speaker)
        type_text(minutes.speech_text, said)
        qtbot.keyClick(minutes.speech_text, Qt.Key.Key_Return)
        idle(qtbot, editor, shown_errors)
    assert minutes.speeches.rowCount() == 2
    assert minutes.speeches.item(0, 0).text() == "Lê Văn Cường"
    item = editor.detail.agenda[3]
    assert item.speeches[0].member_uuid == people["Lê Văn Cường"]
    assert item.speeches[1].member_uuid is None and "Khách" in item.speeches[1].speaker_name
    minutes.end_time.clear()
    type_text(minutes.end_time, "21:15")
    minutes.rating.setCurrentIndex(minutes.rating.findText("Tốt"))
    qtbot.mouseClick(minutes.save_closing_button, Qt.MouseButton.LeftButton)
    idle(qtbot, editor, shown_errors)
    assert "105 phút" in minutes.duration.text()

    # --- votes: one passes, one fails ----------------------------------------------------------
    editor.tabs.setCurrentWidget(editor.votes_tab)
    votes = editor.votes_tab
    for subject, kind, for_, against in (("Thông qua Nghị quyết tháng 3", "resolution", 4, 2),
                                         ("Đề nghị kết nạp quần chúng Nguyễn Thị Mới", "admission", 4, 2)):
        type_text(votes.subject, subject)
        votes.kind.setCurrentIndex(votes.kind.findData(kind))
        if kind == "admission":
            votes.subject_member.setCurrentIndex(votes.subject_member.findData(people["Tạ Thị Quyên"]))
        votes.votes_for.clear()
        type_text(votes.votes_for, str(for_))
        votes.votes_against.clear()
        type_text(votes.votes_against, str(against))
        qtbot.mouseClick(votes.record_button, Qt.MouseButton.LeftButton)
        idle(qtbot, editor, shown_errors)
    assert votes.table.rowCount() == 2
    assert [votes.table.item(r, 6).text() for r in range(2)] == ["Thông qua", "Không thông qua"]
    assert [votes.table.item(r, 5).text() for r in range(2)] == ["7 / 4", "7 / 5"]
    assert [v.subject_member_uuid for v in editor.detail.votes] == [None, people["Tạ Thị Quyên"]]

    # --- finalise, then an edit becomes an amendment ---------------------------------------------
    answer_modal(qtbot, QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(editor.finalise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.detail.summary.state == "finalised", timeout=10_000)
    assert "Đã chốt biên bản" in editor.title.text()
    editor.tabs.setCurrentWidget(editor.minutes_tab)
    minutes.end_time.clear()
    type_text(minutes.end_time, "21:30")

    def give_reason(dialog):
        type_text(dialog.reason, "Thư ký ghi nhầm giờ kết thúc")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)

    seen = answer_modal(qtbot, ReasonDialog, give_reason)
    qtbot.mouseClick(minutes.save_closing_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.documents_tab.amendments.rowCount() == 1, timeout=10_000)
    idle(qtbot, editor, shown_errors)
    assert seen
    amendments = editor.documents_tab.amendments
    assert amendments.item(0, 1).text() == "admin"
    assert amendments.item(0, 3).text() == "21:15 → 21:30"
    assert amendments.item(0, 4).text() == "Thư ký ghi nhầm giờ kết thúc"
    assert editor.detail.summary.end_time == "21:30"

    # --- the minutes in Word, read back ------------------------------------------------------------
    editor.tabs.setCurrentWidget(editor.documents_tab)
    docs = editor.documents_tab
    docs.dont_open = True
    button = docs.doc_buttons["BB-SHCB"]
    qtbot.waitUntil(lambda: button.isVisible() and button.width() > 100)  # the tab laid out
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)  # the keyboard way to press a button
    qtbot.waitUntil(lambda: docs.last_file is not None or bool(shown_errors), timeout=30_000)
    assert shown_errors == []
    text = "\n".join(p.text for p in Document(str(docs.last_file)).paragraphs)
    assert "19 giờ 30" in text and "21 giờ 30" in text
    assert "Bùi Thị Hoa: Đi công tác Đà Nẵng" in text
    assert "Vũ Thị Giang" in text
    # summoned = present + absent with reason + absent without reason; the visitor on a line of its own
    assert "Đảng viên phải dự họp: 9 đồng chí; có mặt: 7 đồng chí (chính thức: 6; dự bị: 1), đạt 77,8%" in text
    assert "Đảng viên sinh hoạt tạm thời đến dự: 1/1 đồng chí." in text
    assert "tán thành 4/7 đồng chí" in text
    assert "Số tán thành cần đạt: 4. Kết quả: được thông qua." in text
    assert "Số tán thành cần đạt: 5. Kết quả: không được thông qua." in text
    assert "Lê Văn Cường: Đề nghị tăng cường phòng cháy." in text
    assert "Trần Văn Khách" in text and "{{" not in text

    # --- back to the list: the month is counted ---------------------------------------------------
    qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.loading == 0 and page.table.rowCount() == 1, timeout=10_000)
    assert page.strip.months[2].property("status") == "ok"
    assert page.strip.months[0].property("status") == "missing"
    assert page.strip.quarters[0].property("status") == "open"
    assert page.table.item(0, 4).text() == "7/9 (77,8 %)"  # the same figure as the minutes and the editor


def _summoned_in_sql(database, meeting_uuid):
    """Summoned = official + probationary on the roll (not exempt, away or visiting); present among them."""
    from sqlalchemy import text

    with database.read() as session:
        row = session.execute(text(
            "SELECT count(*), sum(CASE WHEN a.attendance = 'present' THEN 1 ELSE 0 END) FROM attendance a "
            "JOIN meeting m ON m.id = a.meeting_id WHERE m.uuid = :u AND a.deleted_at IS NULL "
            "AND a.member_status IN ('official', 'probationary')"), {"u": meeting_uuid}).one()
    return row[0], row[1]


def test_viewer_cannot_plan_or_mark(qtbot, branch, page_for, viewer, secretary, shown_errors):
    from handbook_desktop.services import meetings as svc

    database, people = branch
    with database.session() as session:
        uuid = svc.create_meeting(session, secretary, kind="regular", meeting_date=date(2026, 3, 5))
    page = page_for(database, actor=viewer)
    assert not page.plan_button.isEnabled()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    page.table.setFocus()
    page.table.setCurrentCell(0, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10_000)
    idle(qtbot, editor, shown_errors)
    assert editor.detail.uuid == uuid
    roll = editor.roll_tab
    roll.table.setFocus()
    qtbot.keyClick(roll.table, Qt.Key.Key_C)
    idle(qtbot, editor, shown_errors)
    assert all(line.attendance is None for line in editor.detail.roll)
    assert not roll.present_button.isEnabled()


def test_demo_strip_and_screening_dialog(qtbot, demo_db, page_for, shown_errors, tmp_path):
    from openpyxl import load_workbook

    from handbook_desktop.services import meetings as svc
    from handbook_desktop.ui.pages.meetings.screening import ScreeningDialog

    on = date(2026, 11, 15)
    page = page_for(demo_db, today=on)
    qtbot.waitUntil(lambda: page.table.rowCount() > 10, timeout=10_000)
    with demo_db.read() as session:
        strip = svc.compliance_for(session, 2026, on)["CB-DEMO"]
        result = svc.screening(session, 2026, on)
    assert [label.property("status") for label in page.strip.months] == [p.status for p in strip.months]
    assert [label.property("status") for label in page.strip.quarters] == [p.status for p in strip.quarters]
    missing = strip.missing_months[0]
    assert "thiếu" in page.strip.months[missing - 1].text()
    qtbot.mouseClick(page.screening_button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in page.findChildren(ScreeningDialog))
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    shown = dialog.text.toPlainText()
    for flag in result.unexcused + result.excused_in_a_row:
        assert flag.name in shown
    assert f"tháng {missing}" in shown
    out = tmp_path / "ra-soat.xlsx"
    dialog.export(str(out))
    qtbot.waitUntil(out.exists, timeout=10_000)
    assert load_workbook(out)["Vắng không lý do"]["B5"].value == result.unexcused[0].name
    assert shown_errors == []


def test_a_planned_meeting_prints_a_draft_from_the_window(qtbot, branch, page_for, secretary, shown_errors,
                                                          handbook_home):
    """Before the meeting: no minutes and no number, but a "DỰ THẢO" copy one click away, outside the
    register; once the roll call starts the real document returns."""
    from sqlalchemy import func, select

    from handbook_desktop.services import meetings as svc
    from handbook_desktop.store.models import IssuedDocument

    database, people = branch
    with database.session() as session:
        uuid = svc.create_meeting(session, secretary, kind="regular", meeting_date=date(2026, 3, 5),
                                  chair_uuid=people["Nguyễn Văn An"], recorder_uuid=people["Trần Thị Bình"])
    page = page_for(database)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    page.table.setFocus()
    page.table.setCurrentCell(0, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None, timeout=10_000)
    idle(qtbot, editor, shown_errors)
    # before the meeting: who is summoned, no rate of nobody and no warnings about the empty roll call
    assert "Phải dự 9 · chưa họp" in editor.block.text() and "0 %" not in editor.block.text()
    assert editor.warnings.text() == ""
    editor.tabs.setCurrentWidget(editor.documents_tab)
    docs = editor.documents_tab
    docs.dont_open = True
    assert set(docs.draft_buttons) == {"BB-SHCB", "NQ-CB"}  # the sign sheet needs no draft
    assert not docs.doc_buttons["BB-SHCB"].isEnabled() and docs.doc_buttons["DS-KY"].isEnabled()
    button = docs.draft_buttons["BB-SHCB"]
    qtbot.waitUntil(lambda: button.isVisible() and docs.draft_hint.isVisible(), timeout=5_000)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: docs.last_file is not None or bool(shown_errors), timeout=30_000)
    assert shown_errors == []
    assert docs.last_file.name.startswith("Dự thảo biên bản")
    document = Document(str(docs.last_file))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "DỰ THẢO" in text + cells
    import re

    assert re.search(r"^Số\s+-BB/CB$", cells, re.M) and not re.search(r"Số \d", cells)  # no number given
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 0  # outside the register

    # the roll call starts: the meeting is held, the real minutes come back and the drafts go
    with database.session() as session:
        svc.mark_all_present(session, secretary, uuid)
    editor.load(uuid)
    qtbot.waitUntil(lambda: editor.detail is not None and editor.detail.summary.state == "held", timeout=10_000)
    idle(qtbot, editor, shown_errors)
    assert docs.doc_buttons["BB-SHCB"].isEnabled()
    assert not docs.draft_buttons["BB-SHCB"].isVisible() and not docs.draft_hint.isVisible()
    assert "Phải dự 9 · có mặt 9 (100" in editor.block.text()
