"""Typed minutes are never lost (issue 11 §4): adding a speech keeps "Nội dung", clicking another agenda
item asks first (Lưu / Không lưu / Quay lại), leaving the meeting asks, and a draft survives the window
going away without a save (a crash, a kill) and comes back when the meeting is opened again."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

TODAY = date(2026, 3, 20)
CONTENT = "Đồng chí Bí thư báo cáo kết quả tháng 2: hoàn thành 5 nhiệm vụ, còn 1 việc chuyển sang tháng 3."
CONCLUSION = "Chủ trì kết luận: giao tổ 2 hoàn thành việc vệ sinh khu phố trước ngày 30/3."


def _context(database, actor):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    home = database.home_unit()
    return AppContext(database, actor, TaskRunner(), ChangeHub(), home.code, home.name, home.level)


@pytest.fixture
def editor_for(qtbot, secretary, monkeypatch):
    from handbook_desktop.ui import errors

    shown = []
    for module in ("editor", "page", "documents"):
        monkeypatch.setattr(f"handbook_desktop.ui.pages.meetings.{module}.show_error",
                            lambda parent, error, title="": shown.append(errors.user_text(error)))
    contexts = []

    def make(database, meeting_uuid):
        from handbook_desktop.ui.app import application
        from handbook_desktop.ui.pages.meetings.page import MeetingsPage

        application([])
        context = _context(database, secretary)
        contexts.append(context)
        page = MeetingsPage(context, today=TODAY)
        qtbot.addWidget(page)
        page.resize(1280, 860)
        page.show()
        qtbot.waitUntil(lambda: page.loading == 0, timeout=10_000)
        editor = page.open_meeting(meeting_uuid)
        qtbot.waitUntil(lambda: editor.detail is not None and editor.busy == 0, timeout=10_000)
        editor.tabs.setCurrentWidget(editor.minutes_tab)
        return page, editor

    yield make
    assert shown == []
    for context in contexts:
        context.runner.shutdown()


@pytest.fixture
def meeting(branch, secretary):
    from handbook_desktop.services import meetings as svc

    database, people = branch
    with database.session() as session:
        uuid = svc.create_meeting(session, secretary, kind="regular", meeting_date=date(2026, 3, 5),
                                  chair_uuid=people["Nguyễn Văn An"])
    return database, people, uuid


def idle(qtbot, editor):
    qtbot.waitUntil(lambda: editor.busy == 0, timeout=10_000)


def answer_with(qtbot, label: str):
    """When the "unsaved changes" question appears, press the button that reads ``label``."""
    seen = []

    def poll():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and not seen:
            seen.append([b.text() for b in box.buttons()])
            next(b for b in box.buttons() if b.text() == label).click()
        elif not seen:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen


def _click_row(qtbot, sections, row):
    rect = sections.visualItemRect(sections.item(row))
    qtbot.mouseClick(sections.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _add_speech(qtbot, minutes, type_text, speaker, said, *, by_button):
    minutes.speaker.lineEdit().clear()
    type_text(minutes.speaker.lineEdit(), speaker)
    minutes.speech_text.setFocus()
    type_text(minutes.speech_text, said)
    if by_button:
        qtbot.mouseClick(minutes.add_speech_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(minutes.speech_text, Qt.Key.Key_Return)


def test_adding_speeches_keeps_typed_content(qtbot, meeting, editor_for, type_text):
    database, people, uuid = meeting
    _page, editor = editor_for(database, uuid)
    minutes = editor.minutes_tab
    _click_row(qtbot, minutes.sections, 3)
    minutes.content.setFocus()
    type_text(minutes.content, CONTENT)
    qtbot.keyClicks(minutes.content, " Ghi them.")
    _add_speech(qtbot, minutes, type_text, "Lê Văn Cường", "Đề nghị tăng cường phòng cháy.", by_button=False)
    idle(qtbot, editor)
    assert minutes.speeches.rowCount() == 1
    assert minutes.content.toPlainText() == CONTENT + " Ghi them."
    minutes.conclusion.setFocus()
    type_text(minutes.conclusion, CONCLUSION)
    _add_speech(qtbot, minutes, type_text, "Trần Thị Bình", "Nhất trí với báo cáo.", by_button=True)
    idle(qtbot, editor)
    assert minutes.speeches.rowCount() == 2
    assert minutes.content.toPlainText() == CONTENT + " Ghi them."
    assert minutes.conclusion.toPlainText() == CONCLUSION
    qtbot.mouseClick(minutes.save_section_button, Qt.MouseButton.LeftButton)
    idle(qtbot, editor)
    item = editor.detail.agenda[3]
    assert item.content == CONTENT + " Ghi them." and item.conclusion == CONCLUSION
    assert not editor.has_unsaved()


def test_clicking_another_item_asks_and_keeps_text(qtbot, meeting, editor_for, type_text):
    database, people, uuid = meeting
    _page, editor = editor_for(database, uuid)
    minutes = editor.minutes_tab
    _click_row(qtbot, minutes.sections, 1)
    minutes.conclusion.setFocus()
    type_text(minutes.conclusion, CONCLUSION)

    # Quay lại: the item stays, every word on screen
    seen = answer_with(qtbot, "Quay lại")
    _click_row(qtbot, minutes.sections, 2)
    assert seen and set(seen[0]) == {"Lưu", "Không lưu", "Quay lại"}
    assert minutes.sections.currentRow() == 1
    assert minutes.conclusion.toPlainText() == CONCLUSION

    # Lưu: saved to the database, then the other item opens
    answer_with(qtbot, "Lưu")
    _click_row(qtbot, minutes.sections, 2)
    idle(qtbot, editor)
    assert minutes.sections.currentRow() == 2
    assert editor.detail.agenda[1].conclusion == CONCLUSION
    _click_row(qtbot, minutes.sections, 1)  # nothing unsaved: no question
    assert minutes.conclusion.toPlainText() == CONCLUSION

    # Không lưu: the typing is dropped, on purpose
    type_text(minutes.conclusion, " thêm")
    answer_with(qtbot, "Không lưu")
    _click_row(qtbot, minutes.sections, 0)
    assert minutes.sections.currentRow() == 0
    _click_row(qtbot, minutes.sections, 1)
    assert minutes.conclusion.toPlainText() == CONCLUSION


def test_back_to_list_asks(qtbot, meeting, editor_for, type_text):
    database, people, uuid = meeting
    page, editor = editor_for(database, uuid)
    minutes = editor.minutes_tab
    _click_row(qtbot, minutes.sections, 0)
    minutes.content.setFocus()
    type_text(minutes.content, CONTENT)
    answer_with(qtbot, "Quay lại")
    qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentWidget() is editor and minutes.content.toPlainText() == CONTENT
    answer_with(qtbot, "Lưu")
    qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.list_view, timeout=10_000)
    idle(qtbot, editor)
    with database.read() as session:
        from handbook_desktop.services import meetings as svc

        assert svc.meeting_detail(session, uuid).agenda[0].content == CONTENT


def test_draft_survives_the_window_going_away(qtbot, meeting, editor_for, type_text, handbook_home):
    database, people, uuid = meeting
    page, editor = editor_for(database, uuid)
    minutes = editor.minutes_tab
    _click_row(qtbot, minutes.sections, 3)
    minutes.content.setFocus()
    type_text(minutes.content, CONTENT)
    minutes.conclusion.setFocus()
    type_text(minutes.conclusion, CONCLUSION)
    import json

    def autosaved():
        files = list(handbook_home.rglob("drafts-*.json"))
        return bool(files) and CONCLUSION in json.loads(files[0].read_text(encoding="utf-8")).get(
            f"minutes:{editor.detail.agenda[3].uuid}", {}).get("conclusion", "")

    qtbot.waitUntil(autosaved, timeout=5_000)  # within seconds, with no save pressed
    # the window dies without a save (nothing flushed, nothing asked), as in a crash
    page.setParent(None)
    page.deleteLater()
    QApplication.processEvents()
    with database.read() as session:
        from handbook_desktop.services import meetings as svc

        assert svc.meeting_detail(session, uuid).agenda[3].content is None
    _page2, editor2 = editor_for(database, uuid)
    minutes2 = editor2.minutes_tab
    _click_row(qtbot, minutes2.sections, 3)
    assert minutes2.content.toPlainText() == CONTENT
    assert minutes2.conclusion.toPlainText() == CONCLUSION
    assert "bản nháp" in minutes2.draft_note.text()
    assert editor2.has_unsaved()
    qtbot.mouseClick(minutes2.save_section_button, Qt.MouseButton.LeftButton)
    idle(qtbot, editor2)
    assert editor2.detail.agenda[3].content == CONTENT
    assert not editor2.has_unsaved()
    editor2.minutes_tab.drafts.flush()
    assert CONTENT not in "".join(p.read_text(encoding="utf-8") for p in handbook_home.rglob("drafts-*.json"))


def test_the_window_asks_before_another_page_or_closing(qtbot, meeting, type_text, secretary):
    from handbook_desktop.ui.app import application, open_window

    database, people, uuid = meeting
    application([])
    window = open_window(database, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("meetings")
    editor = page.open_meeting(uuid)
    qtbot.waitUntil(lambda: editor.detail is not None and editor.busy == 0, timeout=10_000)
    editor.tabs.setCurrentWidget(editor.minutes_tab)
    minutes = editor.minutes_tab
    _click_row(qtbot, minutes.sections, 2)
    minutes.content.setFocus()
    type_text(minutes.content, CONTENT)
    meetings_row = window.sidebar.currentRow()

    seen = answer_with(qtbot, "Quay lại")
    _click_row(qtbot, window.sidebar, 0)  # Tổng quan
    assert seen and window.sidebar.currentRow() == meetings_row and window.stack.currentWidget() is page
    assert minutes.content.toPlainText() == CONTENT

    seen = answer_with(qtbot, "Quay lại")
    window.close()
    assert seen and window.isVisible() and minutes.content.toPlainText() == CONTENT

    answer_with(qtbot, "Lưu")
    window.close()
    assert not window.isVisible()
    with database.read() as session:
        from handbook_desktop.services import meetings as svc

        assert svc.meeting_detail(session, uuid).agenda[2].content == CONTENT
