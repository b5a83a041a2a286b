"""The safety pages driven as a secretary (and a viewer) would: Sao lưu, Kiểm tra dữ liệu, Nhật ký,
Cài đặt, and the idle lock."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from openpyxl import load_workbook
from sqlalchemy import select

from handbook_desktop.services.auth import Actor
from handbook_desktop.store.models import Member
from handbook_desktop.ui.app import open_window

PASSWORD = "matkhau123"


def idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.context.runner.busy(), timeout=30_000)


def select_row(view, row: int) -> None:
    view.selectRow(row)


def test_backup_now_then_restore_with_undo_hint(qtbot, demo_db, secretary):
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    idle(qtbot, window)  # the first backup of the day runs when the window opens
    page = window.show_page("backup").backups_tab
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1, timeout=30_000)
    assert page.model.text(0, 1) == "Tự động đầu ngày"
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=30_000)
    assert "Đã sao lưu và kiểm tra" in page.status.text()
    manual = [row for row in range(2) if page.model.text(row, 1) == "Tạo theo yêu cầu"][0]
    assert page.model.text(manual, 5).startswith("Tốt")
    assert "hồ sơ" in page.model.text(manual, 3)
    with demo_db.session() as session:
        session.query(Member).update({Member.notes: "sửa sau sao lưu"})
    select_row(page.table, manual)
    dialog = page.restore_selected()
    qtbot.waitUntil(lambda: dialog.restore_button.isEnabled(), timeout=30_000)
    assert "hồ sơ đảng viên" in dialog.contents.text()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "hoàn tác" in dialog.message.text(), timeout=30_000)
    with demo_db.read() as session:
        assert session.query(Member).filter(Member.notes == "sửa sau sao lưu").count() == 0
    dialog.close()
    idle(qtbot, window)
    window.close()


def test_data_check_finds_a_duplicate_card_and_opens_the_record(qtbot, demo_db, secretary):
    with demo_db.session() as session:
        first, second = session.scalars(select(Member).where(Member.party_card_number.is_not(None))
                                        .order_by(Member.id).limit(2)).all()
        second.party_card_number = first.party_card_number
        card = first.party_card_number
        second.national_id = first.national_id = "001070012345"  # shown masked on the tab (issue 13, point 9)
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    idle(qtbot, window)
    tab = window.show_page("backup").check_tab
    qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.report is not None, timeout=30_000)
    texts = [tab.model.text(row, 1) for row in range(tab.model.rowCount())]
    duplicate = [row for row, text in enumerate(texts) if card in text and "trùng số thẻ" in text]
    assert duplicate, texts
    assert any("trùng số CCCD 0010******45" in text for text in texts), texts
    assert not any("001070012345" in text for text in texts)
    assert tab.model.text(duplicate[0], 0) == "Lỗi"
    assert "lỗi" in tab.summary.text()
    select_row(tab.table, duplicate[0])
    assert tab.open_button.isEnabled()
    opened = tab.open_selected()
    if "members" in window.pages:  # the members page opens the record
        assert opened is not None
        opened.close()
    idle(qtbot, window)
    window.close()


def test_a_viewer_sees_no_restore_no_backup_no_accounts(qtbot, demo_db):
    window = open_window(demo_db, Actor("xem", "viewer"))
    qtbot.addWidget(window)
    idle(qtbot, window)
    backups = window.show_page("backup").backups_tab
    assert not backups.create_button.isEnabled() and not backups.restore_button.isEnabled()
    settings = window.show_page("settings")
    assert settings.users_box is None
    assert not settings.idle_minutes.isEnabled() and not settings.choose_button.isEnabled()
    window.close()


def test_audit_page_filters_by_member_and_exports(qtbot, demo_db, secretary, tmp_path, type_text):
    from handbook_desktop.services import audit

    with demo_db.session() as session:
        member = session.scalars(select(Member).order_by(Member.id)).first()
        name = member.full_name
        member.notes = "ghi chú mới"
        audit.record_changes(session, secretary, member, entity="member")
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    idle(qtbot, window)
    page = window.show_page("audit")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=30_000)
    page.member.setFocus()
    type_text(page.member, name.split()[-1])
    qtbot.mouseClick(page.filter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: all(page.model.text(r, 3) and page.model.text(r, 3).split()[-1] == name.split()[-1]
                                for r in range(page.model.rowCount())) and page.model.rowCount() > 0, timeout=30_000)
    rows = [[page.model.text(r, c) for c in range(7)] for r in range(page.model.rowCount())]
    assert any(row[3] == name and row[2] == "Sửa" and row[6] == "ghi chú mới" for row in rows)
    target = tmp_path / "nhat-ky.xlsx"
    page.export(str(target))
    qtbot.waitUntil(lambda: target.exists() and "Đã xuất" in page.message.text(), timeout=30_000)
    sheet = load_workbook(target).active
    assert "dữ liệu cá nhân" in sheet.cell(row=1, column=1).value
    assert [c.value for c in sheet[2]][:3] == ["Thời điểm", "Người dùng", "Việc"]
    assert any(row[4] == name for row in sheet.iter_rows(min_row=3, values_only=True))
    window.close()


def test_settings_add_user_larger_font_and_idle_lock(qtbot, db, secretary, type_text):
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    idle(qtbot, window)
    settings = window.show_page("settings")
    dialog = settings.users_box.add_user()
    type_text(dialog.username, "pho-bi-thu")
    type_text(dialog.full_name, "Trần Thị Hoa")
    dialog.role.setCurrentIndex(dialog.role.findData("deputy"))
    type_text(dialog.password, "matkhau-pho-1")
    type_text(dialog.again, "matkhau-pho-1")
    dialog.submit()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    users = [settings.users_box.table.item(r, 0).text() for r in range(settings.users_box.table.rowCount())]
    assert "pho-bi-thu" in users
    window.show()
    qtbot.waitExposed(window)
    before = QApplication.instance().font().pointSize()
    indicator = QPoint(8, settings.large_font.height() // 2)
    qtbot.mouseClick(settings.large_font, Qt.MouseButton.LeftButton, pos=indicator)
    assert settings.large_font.isChecked()
    larger = QApplication.instance().font().pointSize()
    assert larger > before
    qtbot.mouseClick(settings.large_font, Qt.MouseButton.LeftButton, pos=indicator)
    assert QApplication.instance().font().pointSize() < larger
    settings.idle_minutes.setValue(5)
    lock = window.idle_lock
    assert lock.minutes == 5 and lock.timer.isActive()
    unlock = lock.lock()  # as when the timer runs out
    assert not window.centralWidget().isVisible() and lock.locked
    type_text(unlock.password, "sai-mat-khau")
    unlock.submit()
    assert lock.locked and "không đúng" in unlock.error.text()
    unlock.password.clear()
    type_text(unlock.password, PASSWORD)
    unlock.submit()
    assert not lock.locked and window.centralWidget().isVisible()
    window.close()
