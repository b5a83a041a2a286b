"""A person takes a candidate from identified to official member in the Nghiệp vụ page,
producing each stage's document; and the Tổng quan to-do list leads to the work."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from handbook_desktop.store.models import Member, Unit
from handbook_desktop.ui.app import open_window
from handbook_desktop.ui.pages.procedures.widgets import FieldDialog
from docx_reading import docx_text


def _add_officials(database) -> list[str]:
    with database.session() as session:
        unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        people = []
        for name, born in (("Nguyễn Văn Bình", date(1960, 5, 1)), ("Trần Thị Hoa", date(1972, 8, 9)),
                           ("Phạm Quang Huy", date(1980, 1, 20))):
            # the first is the branch's secretary: documents are never signed blank
            member = Member(unit_id=unit.id, status="official", full_name=name, date_of_birth=born,
                            decision_date=date(2000, 3, 1), ceremony_date=date(2000, 3, 20),
                            official_date=date(2001, 3, 20), origin_unit=unit.code,
                            party_position="secretary" if not people else "member")
            session.add(member)
            session.flush()
            people.append(member.uuid)
        return people


def _candidate_uuid(database, name: str) -> str:
    with database.read() as session:
        return session.scalars(select(Member.uuid).where(Member.full_name == name)).one()


def _meeting_with_vote(database, actor, day, kind, subject_uuid, *, votes_for) -> str:
    """A held meeting of the branch on ``day`` (everyone summoned present) and its vote about the person."""
    from handbook_desktop.services import meetings as msvc

    with database.session() as session:
        uuid = msvc.create_meeting(session, actor, kind="regular", meeting_date=day)
        msvc.mark_all_present(session, actor, uuid)
        what = "Đề nghị kết nạp" if kind == "admission" else "Đề nghị công nhận chính thức"
        name = session.scalars(select(Member.full_name).where(Member.uuid == subject_uuid)).one()
        vote = msvc.record_vote(session, actor, uuid, subject=f"{what} {name}", kind=kind, votes_for=votes_for,
                                votes_against=3 - votes_for if kind == "admission" else 0,
                                subject_member_uuid=subject_uuid)
    return vote


def _dialog(qtbot, tab) -> FieldDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(FieldDialog)), timeout=5_000)
    return [d for d in tab.findChildren(FieldDialog) if d.isVisible()][-1]


def _send_text(widget, text: str) -> None:
    # qtbot.keyClicks asserts inside Qt on non-ASCII characters ("ị", "đ"): one key event per character
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def _type(qtbot, dialog: FieldDialog, key: str, text: str) -> None:
    widget = dialog.widgets[key]
    if hasattr(widget, "lineEdit") and widget.lineEdit() is not None:
        widget = widget.lineEdit()
    widget.selectAll()
    _send_text(widget, text)


def _ok(qtbot, dialog: FieldDialog) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    import shiboken6

    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=10_000)


def _click_row(qtbot, table, name: str) -> None:
    qtbot.waitUntil(lambda: any(table.item(r, 0) and table.item(r, 0).text() == name
                                for r in range(table.rowCount())), timeout=10_000)
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentRow() == row


def _refused(qtbot, bar, code: str, reason: str):
    qtbot.mouseClick(bar.buttons[code], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.result.text().startswith(f"Chưa lập được {code}"), timeout=20_000)
    assert reason in bar.result.text(), bar.result.text()


def _produce(qtbot, bar, code: str, name: str):
    bar.result.clear()  # not the previous refusal's text
    qtbot.mouseClick(bar.buttons[code], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.result.text().startswith(f"Đã lập {code}") or "không" in bar.result.text().lower(),
                    timeout=20_000)
    assert bar.result.text().startswith(f"Đã lập {code}"), bar.result.text()
    assert bar.last_path.is_file()
    assert name in docx_text(bar.last_path)
    return bar.last_path


def test_candidate_from_identified_to_official_with_each_document(qtbot, db, secretary):
    introducers = _add_officials(db)
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    page.set_today(date(2025, 12, 1))
    tab = page.admission

    # 1. identified (quần chúng ưu tú)
    qtbot.mouseClick(tab.buttons["newCandidate"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(qtbot, dialog, "full_name", "Lê Thị Thu Trang")
    _type(qtbot, dialog, "date_of_birth", "12/04/1998")
    _type(qtbot, dialog, "proposed_by", "Chi đoàn khu dân cư")
    _ok(qtbot, dialog)
    _click_row(qtbot, tab.table, "Lê Thị Thu Trang")
    assert tab.table.item(tab.table.currentRow(), 2).text() == "Quần chúng ưu tú được giới thiệu"
    assert not tab.buttons["branchVote"].isEnabled()  # introducers and opinions first

    # 2–5. course, application, introducers, opinions
    qtbot.mouseClick(tab.buttons["updateCase"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(qtbot, dialog, "course_certificate_date", "15/06/2025")
    _type(qtbot, dialog, "application_date", "01/09/2025")
    _type(qtbot, dialog, "background_verified_on", "15/11/2025")
    for key, uuid in (("introducer_1_uuid", introducers[0]), ("introducer_2_uuid", introducers[1])):
        dialog.widgets[key].setCurrentIndex(dialog.widgets[key].findData(uuid))
    _type(qtbot, dialog, "introducer_1_known_since", "01/01/2023")
    _type(qtbot, dialog, "introducer_2_known_since", "01/06/2024")
    _type(qtbot, dialog, "opinions_date", "25/11/2025")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1 and tab.table.item(0, 2).text() == "Tổng hợp ý kiến nhận xét",
                    timeout=10_000)
    _click_row(qtbot, tab.table, "Lê Thị Thu Trang")
    qtbot.waitUntil(lambda: tab.buttons["branchVote"].isEnabled(), timeout=10_000)

    # 6. branch vote: nothing to type — only a vote recorded in a held meeting's minutes can be picked
    qtbot.mouseClick(tab.buttons["branchVote"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    assert set(dialog.widgets) == {"vote_uuid"}  # no typed date, denominator or count
    assert dialog.widgets["vote_uuid"].currentData() is None  # no meeting has voted yet
    from PySide6.QtWidgets import QDialogButtonBox

    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cần chọn biểu quyết kết nạp" in dialog.error.text(), timeout=10_000)
    dialog.reject()
    candidate = _candidate_uuid(db, "Lê Thị Thu Trang")
    _meeting_with_vote(db, secretary, date(2026, 1, 5), "admission", candidate, votes_for=1)
    _meeting_with_vote(db, secretary, date(2026, 1, 6), "admission", candidate, votes_for=3)
    page.refresh()
    qtbot.waitUntil(lambda: len(tab.votes) == 2, timeout=10_000)
    _click_row(qtbot, tab.table, "Lê Thị Thu Trang")
    qtbot.mouseClick(tab.buttons["branchVote"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    box = dialog.widgets["vote_uuid"]
    labels = [box.itemText(i) for i in range(box.count())]
    assert labels == ["06/01/2026: Đề nghị kết nạp Lê Thị Thu Trang (3/3 tán thành)",
                      "05/01/2026: Đề nghị kết nạp Lê Thị Thu Trang (1/3 tán thành, không đạt)"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the meeting of 05/01, where 1 of 3 agreed
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Chưa đủ số phiếu" in dialog.error.text(), timeout=10_000)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1 and tab.table.item(0, 2).text().startswith("Chi bộ xét"),
                    timeout=10_000)
    _click_row(qtbot, tab.table, "Lê Thị Thu Trang")
    # 6-KNĐ prints that meeting's vote and roll call: 3 official members, all present, 3 for
    text = docx_text(_produce(qtbot, tab.documents, "6-KNĐ", "Lê Thị Thu Trang"))
    assert ("Tổng số đảng viên chính thức của chi bộ: 3 đồng chí; có mặt: 3 đồng chí; vắng mặt: 0 đồng chí. "
            "Số đảng viên chính thức dùng để tính biểu quyết: 3 đồng chí.") in text
    assert "Số đảng viên chính thức tán thành 3/3 đồng chí, đạt 100" in text

    # 7. committee decision; 8. ceremony within 30 working days (Tết 2026 counted out)
    qtbot.waitUntil(lambda: tab.buttons["decision"].isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.buttons["decision"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(qtbot, dialog, "decision_number", "215-QĐ/ĐU")
    _type(qtbot, dialog, "decision_date", "02/02/2026")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1 and tab.table.item(0, 3).text() == "23/03/2026",
                    timeout=10_000)
    _click_row(qtbot, tab.table, "Lê Thị Thu Trang")
    qtbot.waitUntil(lambda: tab.buttons["ceremony"].isEnabled(), timeout=10_000)
    qtbot.mouseClick(tab.buttons["ceremony"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(qtbot, dialog, "ceremony_date", "24/02/2026")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0, timeout=10_000)
    # the hidden Tổng quan waits to be seen before recomputing its list
    overview = window.pages["overview"]
    assert overview._lazy.stale and not overview.isVisible()
    window.show_page("overview")
    qtbot.waitUntil(lambda: not overview._lazy.stale and not overview.loading, timeout=10_000)
    window.show_page("procedures")

    # probation: 12 months from the ceremony; forms 10–13-KNĐ; official recognition
    page.set_today(date(2027, 2, 26))
    probation = page.probation
    page.tabs.setCurrentWidget(probation)
    _click_row(qtbot, probation.table, "Lê Thị Thu Trang")
    row = probation.table.currentRow()
    assert probation.table.item(row, 2).text() == "24/02/2027"
    for code in ("10-KNĐ", "11-KNĐ", "12-KNĐ"):
        _produce(qtbot, probation.documents, code, "Lê Thị Thu Trang")
    _refused(qtbot, probation.documents, "13-KNĐ", "cuộc họp đã diễn ra")  # no vote in a meeting yet
    qtbot.mouseClick(probation.recognise_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, probation)
    assert set(dialog.widgets) == {"vote_uuid", "decision_number", "decision_date"}
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cần chọn biểu quyết công nhận chính thức" in dialog.error.text(), timeout=10_000)
    dialog.reject()
    # a late vote (26/03/2027): the official date stays 24/02/2027
    _meeting_with_vote(db, secretary, date(2027, 3, 26), "official_recognition", candidate, votes_for=3)
    page.refresh()
    qtbot.waitUntil(lambda: len(probation.votes) == 1, timeout=10_000)
    _click_row(qtbot, probation.table, "Lê Thị Thu Trang")
    text = docx_text(_produce(qtbot, probation.documents, "13-KNĐ", "Lê Thị Thu Trang"))
    assert "Số đảng viên chính thức tán thành 3/3 đồng chí" in text
    assert "26/03/2027" in text or "ngày 26 tháng 3 năm 2027" in text or "ngày 26 tháng 03 năm 2027" in text, text
    qtbot.mouseClick(probation.recognise_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, probation)
    assert dialog.widgets["vote_uuid"].currentText().startswith("26/03/2027:")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: probation.table.rowCount() == 0, timeout=10_000)

    with db.read() as session:
        member = session.scalars(select(Member).where(Member.full_name == "Lê Thị Thu Trang")).one()
        assert member.status == "official"
        assert member.decision_date == date(2026, 2, 2)
        assert member.ceremony_date == date(2026, 2, 24)
        assert member.official_date == date(2027, 2, 24)
        assert member.introducer_1 == "Nguyễn Văn Bình"
        kinds = [e.kind for e in member.events]
        assert kinds == ["admitted", "ceremony", "official"]
    window.close()


def test_overview_lists_the_todo_and_leads_to_the_work(qtbot, demo_db, secretary):
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    window.show()
    overview = window.show_page("overview")
    overview.set_today(date(2026, 11, 15))
    qtbot.waitUntil(lambda: overview.model.rowCount() >= 11, timeout=20_000)
    kinds = {item.kind for item in overview.items}
    assert {"ceremony_due", "probation_vote_due", "badge_round", "unpaid_dues", "ratings_due"} <= kinds
    assert "quá hạn" in overview.todo_title.text()
    probation = next(i for i in overview.items if i.kind == "probation_vote_due" and i.overdue)
    member_uuid, name = probation.members[0]
    assert overview.select("probation_vote_due", member_uuid)
    assert overview.open_button.isEnabled() and overview.form_button.text() == "Lập văn bản 13-KNĐ"
    assert "Căn cứ" in overview.detail.text()
    # one click to the form
    qtbot.mouseClick(overview.form_button, Qt.MouseButton.LeftButton)
    # the vote is due, not held: the resolution recording it cannot be printed yet, and says why
    qtbot.waitUntil(lambda: "13-KNĐ" in overview.message.text(), timeout=20_000)
    assert "cuộc họp đã diễn ra" in overview.message.text() and name in overview.message.text()
    # one click to the work: the probation tab with the member selected
    procedures = window.pages["procedures"]
    procedures.set_today(date(2026, 11, 15))
    qtbot.mouseClick(overview.act_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is procedures
    assert procedures.tabs.currentWidget() is procedures.probation
    table = procedures.probation.table  # loaded when opened, then the member selected
    qtbot.waitUntil(lambda: table.currentRow() >= 0 and table.item(table.currentRow(), 0).text() == name,
                    timeout=10_000)
    # one click to the record
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    window.show_page("overview")
    assert overview.select("probation_vote_due", member_uuid)
    qtbot.mouseClick(overview.open_button, Qt.MouseButton.LeftButton)
    members = window.pages["members"]
    assert window.stack.currentWidget() is members
    qtbot.waitUntil(lambda: any(d.isVisible() for d in members.findChildren(MemberDialog)), timeout=10_000)
    dialog = [d for d in members.findChildren(MemberDialog) if d.isVisible()][-1]
    assert dialog.member_uuid == member_uuid
    dialog.reject()
    window.close()
