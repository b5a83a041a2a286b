"""The window shows where rules and calendar days come from, and the committee writes a rule there
(issue 15 §5, §6), driven as a person would: typing, clicking, reading the table."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from handbook_desktop.ui.app import open_window

sys.path.insert(0, str(Path(__file__).parents[1] / "procedures"))
from test_procedures_pages import _dialog, _ok, _send_text, _type  # noqa: E402


def _rows(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_calendar_shows_the_make_up_saturday_and_its_source(qtbot, db, secretary):
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    tab = page.calendar
    page.tabs.setCurrentWidget(tab)
    tab.year_box.setValue(2025)
    qtbot.waitUntil(lambda: any(r[0] == "26/04/2025" for r in _rows(tab.table)), timeout=10_000)
    row = next(r for r in _rows(tab.table) if r[0] == "26/04/2025")
    assert row[1] == "Thứ Bảy" and row[2] == "Làm bù" and "6150/TB-BNV" in row[4] and row[5] == "chương trình"
    window.close()


def test_the_rules_tab_lists_origins_and_adds_a_version(qtbot, db, secretary):
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    tab = page.rules
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.table.rowCount() > 60, timeout=10_000)
    everything = tab.table.rowCount()
    _send_text(tab.filter, "flat_default")
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=5_000)
    assert [r[1] for r in _rows(tab.table)] == ["01/01/2011", "03/02/2026"]
    assert all(r[4] == "chương trình" for r in _rows(tab.table))
    tab.table.selectRow(1)
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    assert dialog.widgets["key"].currentData() == "dues.amount.flat_default"
    _type(dialog, "value", "10000")
    _type(dialog, "effective_from", "01/03/2026")
    from PySide6.QtWidgets import QDialogButtonBox
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "căn cứ" in dialog.error.text(), timeout=10_000)  # refused: no source
    assert tab.table.rowCount() == 2
    _type(dialog, "source", "Hướng dẫn 05-HD/ĐU (20/02/2026)")
    _type(dialog, "note", "Mức cho lao động tự do")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=10_000)
    new = _rows(tab.table)[-1]
    # the rule by its Vietnamese name and the value as a number is written; the key on hover
    assert new[:5] == ["Đảng phí: mức khoán mặc định (đồng)", "01/03/2026", "10.000", "Hướng dẫn 05-HD/ĐU (20/02/2026)",
                       "CB-TEST"]
    assert "dues.amount.flat_default" in tab.table.item(tab.table.rowCount() - 1, 0).toolTip()
    assert "gói đồng bộ" in tab.message.text()
    tab.filter.clear()
    tab.only_check.setChecked(True)
    qtbot.waitUntil(lambda: 0 < tab.table.rowCount() < everything, timeout=5_000)
    assert all("(cần đối chiếu)" in r[3] for r in _rows(tab.table))  # "(check)" in the data, read in Vietnamese
    tab.grab().save("/tmp/records-time/rules-tab.png")
    from handbook_desktop.services.rules import rule_book
    with db.read() as session:
        assert rule_book(session).value("dues.amount.flat_default", date(2026, 3, 2)) == 10000
    window.close()


def test_the_record_dialog_writes_a_past_gap(qtbot, db, secretary):
    sys.path.insert(0, str(Path(__file__).parent))
    from records_people import member

    with db.session() as session:
        uuid = member(session, "Bùi Văn Ích", date(1975, 6, 1)).uuid
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    tab = page.changes
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.member_box.findData(uuid) >= 0, timeout=10_000)
    tab.member_box.setCurrentIndex(tab.member_box.findData(uuid))
    tab.action_box.setCurrentIndex(tab.action_box.findData("past_gap"))
    qtbot.mouseClick(tab.go, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(dialog, "left_on", "01/01/1980")
    _type(dialog, "left_decision", "12-QĐ/HU")
    _type(dialog, "readmitted_on", "01/01/1982")
    _type(dialog, "readmitted_decision", "40-QĐ/HU")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2, timeout=10_000)
    rows = _rows(tab.table)
    assert [(r[0], r[1], r[3]) for r in rows] == [("Xóa tên", "01/01/1980", "12-QĐ/HU"),
                                                  ("Kết nạp lại", "01/01/1982", "40-QĐ/HU")]
    from handbook_desktop.services.members.events import member_events
    with db.read() as session:
        assert member_events(session, uuid, date(2026, 3, 1))["party_age_months"] == 585
    # The 40-year badge (round 02/09/2017 with the gap) was never recorded: "chưa xét" until dismissed.
    tab.action_box.setCurrentIndex(tab.action_box.findData("badge_dismiss"))
    qtbot.mouseClick(tab.go, Qt.MouseButton.LeftButton)
    dialog = _dialog(qtbot, tab)
    _type(dialog, "years", "40")
    _type(dialog, "reason", "Đã nhận ở đảng bộ cũ")
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=10_000)
    assert _rows(tab.table)[-1][0] == "Không xét Huy hiệu Đảng (có lý do) 40 năm"
    assert "Đã nhận ở đảng bộ cũ" in _rows(tab.table)[-1][4]
    window.close()
