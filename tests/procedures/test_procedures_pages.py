"""Đảng phí and Đánh giá xếp loại driven as a secretary would."""

from __future__ import annotations

from datetime import date

import shiboken6
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from handbook_desktop.ui.app import open_window
from handbook_desktop.ui.pages.procedures.widgets import FieldDialog


def _send_text(widget, text: str) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def _dialog(qtbot, parent) -> FieldDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(FieldDialog)), timeout=5_000)
    return [d for d in parent.findChildren(FieldDialog) if d.isVisible()][-1]


def _type(dialog, key, text):
    widget = dialog.widgets[key]
    widget = widget.lineEdit() if hasattr(widget, "lineEdit") and widget.lineEdit() is not None else widget
    widget.selectAll()
    _send_text(widget, text)


def _ok(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=10_000)


def _row_of(table, name):
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)


def _click(qtbot, table, row):
    table.scrollToItem(table.item(row, 0))  # as a person scrolls to the name before clicking it
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_dues_page_records_a_payment_and_exports_the_book(qtbot, demo_db, secretary, tmp_path):
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dues")
    page.set_today(date(2026, 11, 15))
    page.month_box.setCurrentIndex(9)  # October: lines exist
    qtbot.waitUntil(lambda: not page.loading and "10/2026" in page.totals.text(), timeout=15_000)
    assert "Điều lệ Đảng điều 8" in page.year_note.text()
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    unpaid = [r for r in range(page.table.rowCount()) if page.table.item(r, 4).text() == "Chưa nộp"
              and names.count(names[r]) == 1]
    assert unpaid
    row = unpaid[0]
    name = page.table.item(row, 0).text()
    before = page.totals.text()
    _click(qtbot, page.table, row)
    assert page.table.currentRow() == row
    qtbot.mouseClick(page.buttons["paid"], Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, page)
    _type(dialog, "paid_on", "20/10/2026")
    dialog.widgets["method"].setCurrentIndex(dialog.widgets["method"].findData("portal"))
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not page.loading and page.table.item(_row_of(page.table, name), 4).text() == "Đã nộp",
                    timeout=10_000)
    row = _row_of(page.table, name)
    assert page.table.item(row, 5).text() == "20/10/2026" and page.table.item(row, 6).text() == "Cổng dịch vụ công"
    assert page.totals.text() != before
    out = tmp_path / "so-dang-phi.xlsx"
    page.export_to(out)
    qtbot.waitUntil(lambda: "Đã xuất" in page.message.text(), timeout=20_000)
    sheet = load_workbook(out).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert name in names and names[-1] == "Cộng"
    window.close()


def test_ratings_page_scores_a_member_and_warns(qtbot, demo_db, secretary, tmp_path):
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("ratings")
    page.set_today(date(2026, 11, 15))
    qtbot.waitUntil(lambda: page.table.rowCount() > 50, timeout=15_000)
    assert "chưa xếp loại: " in page.counts.text()
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    disciplined = [r for r in range(page.table.rowCount()) if "kỷ luật" in page.table.item(r, 3).text().lower()]
    assert disciplined  # the demo's member disciplined this year is flagged before any score
    row = disciplined[0]
    name = page.table.item(row, 0).text()
    _click(qtbot, page.table, row)
    qtbot.mouseClick(page.rate_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, page)
    _type(dialog, "score", "96")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: page.table.item(_row_of(page.table, name), 2).text() == "Không hoàn thành nhiệm vụ",
                    timeout=10_000)
    other = next(r for r in range(page.table.rowCount()) if page.table.item(r, 2).text() == "Chưa xếp loại"
                 and names.count(names[r]) == 1)
    other_name = page.table.item(other, 0).text()
    _click(qtbot, page.table, other)
    qtbot.mouseClick(page.rate_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, page)
    _type(dialog, "score", "93")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: page.table.item(_row_of(page.table, other_name), 2).text()
                    == "Hoàn thành xuất sắc nhiệm vụ", timeout=10_000)
    qtbot.waitUntil(lambda: "20%" in page.warning.text(), timeout=10_000)  # 1 excellent, 0 good
    out = tmp_path / "xep-loai.xlsx"
    page.export_to(out)
    qtbot.waitUntil(lambda: "Đã xuất" in page.message.text(), timeout=10_000)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    by_name = {row[1]: row for row in rows if row and row[1]}
    assert by_name[other_name][2:4] == (93, "Hoàn thành xuất sắc nhiệm vụ")
    assert by_name["Hoàn thành xuất sắc nhiệm vụ"][2] == 1
    window.close()


def test_calendar_tab_adds_a_committee_day_off(qtbot, db, secretary):
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    tab = page.calendar
    page.tabs.setCurrentWidget(tab)
    tab.year_box.setValue(2026)
    qtbot.waitUntil(lambda: any(tab.table.item(r, 0).text() == "17/02/2026" for r in range(tab.table.rowCount())),
                    timeout=10_000)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(dialog, "day", "07/12/2026")
    _type(dialog, "note", "Thông báo nghỉ bù của Đảng ủy")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: any(tab.table.item(r, 0).text() == "07/12/2026" for r in range(tab.table.rowCount())),
                    timeout=10_000)
    from handbook_desktop.services.procedures.common import work_calendar

    with db.read() as session:
        assert not work_calendar(session).is_working_day(date(2026, 12, 7))
    window.close()


def test_hidden_pages_load_when_first_shown(qtbot, demo_db, secretary):
    """A committee's window must not compute every page while it starts: Đánh giá, Đảng phí and
    Nghiệp vụ read nothing until opened, then load the part on screen."""
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    window.show()
    runner = window.context.runner
    qtbot.waitUntil(lambda: not runner.busy(), timeout=20_000)
    ratings, dues, procedures = (window.pages[key] for key in ("ratings", "dues", "procedures"))
    assert ratings.loading and ratings.table.rowCount() == 0  # nothing read yet
    assert dues.loading and procedures.badges.table.rowCount() == 0
    window.show_page("ratings")
    qtbot.waitUntil(lambda: not ratings.loading and ratings.table.rowCount() > 50, timeout=15_000)
    window.show_page("procedures")
    qtbot.waitUntil(lambda: not runner.busy(), timeout=15_000)
    assert procedures.badges.table.rowCount() == 0  # another tab is on screen
    procedures.tabs.setCurrentWidget(procedures.badges)
    qtbot.waitUntil(lambda: procedures.badges.round_box.count() > 0, timeout=15_000)
    window.close()


def test_a_committee_rates_each_branch_on_its_own(qtbot, tmp_path, secretary):
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain
    from handbook_desktop.store.database import Database

    database = Database.open(tmp_path / "committee.sqlite3")
    drain(generate(database, members=700, seed=4, today=date(2026, 11, 15)))
    try:
        window = open_window(database, secretary)
        qtbot.addWidget(window)
        window.show()
        page = window.show_page("ratings")
        page.set_today(date(2026, 11, 15))
        qtbot.waitUntil(lambda: not page.loading, timeout=20_000)
        everyone = page.table.rowCount()
        assert page.branch_box is not None and page.branch_box.currentText() == "Toàn đảng bộ"
        assert page.branch_label.text().startswith("Đảng bộ năm 2026")
        page.branch_box.setCurrentIndex(1)  # the first branch
        branch_name = page.branch_box.currentText()
        qtbot.waitUntil(lambda: not page.loading and 0 < page.table.rowCount() < everyone, timeout=20_000)
        qtbot.mouseClick(page.branch_button, Qt.MouseButton.LeftButton)
        dialog = _dialog(qtbot, page)
        assert branch_name in dialog.windowTitle()
        _type(dialog, "score", "91")
        _ok(qtbot, dialog)
        qtbot.waitUntil(lambda: page.branch_label.text() == f"{branch_name} năm 2026: Hoàn thành xuất sắc nhiệm vụ",
                        timeout=10_000)
        page.branch_box.setCurrentIndex(2)  # another branch: not rated
        qtbot.waitUntil(lambda: page.branch_label.text().endswith("chưa xếp loại"), timeout=10_000)
        window.close()
    finally:
        database.close()
