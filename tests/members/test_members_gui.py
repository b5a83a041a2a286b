"""The Đảng viên page driven as a secretary would: typing, clicking, reading what it shows."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from handbook_desktop.domain.text import fold

TODAY = date(2026, 11, 15)


def _context(database, actor):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.tasks import TaskRunner

    home = database.home_unit()
    return AppContext(database, actor, TaskRunner(), ChangeHub(), home.code, home.name, home.level)


@pytest.fixture
def page_for(qtbot, secretary):
    made = []

    def make(database, actor=secretary):
        from handbook_desktop.ui.app import application
        from handbook_desktop.ui.pages.members.page import MembersPage

        application([])
        context = _context(database, actor)
        page = MembersPage(context, today=TODAY)
        qtbot.addWidget(page)
        page.resize(1300, 700)
        page.show()
        made.append(context)
        return page

    yield make
    for context in made:
        context.runner.shutdown()


def _names(page) -> list[str]:
    return [page.model.row_data(row)["full_name"] for row in range(page.model.rowCount())]


def _fill_new_member(qtbot, dialog, type_text, name="Nguyễn Văn Đức"):
    type_text(dialog.widgets["full_name"], name)
    qtbot.keyClicks(dialog.widgets["date_of_birth"], "03/05/1980")
    dialog.widgets["gender"].setCurrentIndex(dialog.widgets["gender"].findData("male"))
    qtbot.keyClicks(dialog.widgets["national_id"], "001080012345")
    qtbot.keyClicks(dialog.widgets["phone"], "0912345678")
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.widgets["decision_date"], "01/02/2005")
    qtbot.keyClicks(dialog.widgets["ceremony_date"], "01/03/2005")
    qtbot.keyClicks(dialog.widgets["official_date"], "01/03/2006")
    qtbot.keyClicks(dialog.widgets["party_card_number"], "01.234567")
    qtbot.keyClicks(dialog.widgets["record_number"], "123456HN")


def test_create_a_member_through_the_dialog(qtbot, db, page_for, type_text):
    page = page_for(db)
    assert page.model.rowCount() == 0 and page.count_label.text() == "0 kết quả"
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    dialog = page.findChild(MemberDialog)
    assert dialog is not None and dialog.isVisible()
    _fill_new_member(qtbot, dialog, type_text)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved_uuid is not None, timeout=5000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert _names(page) == ["Nguyễn Văn Đức"]
    assert page.count_label.text() == "1 kết quả"
    # CCCD and phone are masked in the list
    cccd_column = [c.key for c in page.model.columns].index("national_id")
    phone_column = [c.key for c in page.model.columns].index("phone")
    assert page.model.index(0, cccd_column).data() == "0010******45"
    assert page.model.index(0, phone_column).data() == "0912****78"


def test_validation_messages_block_impossible_data_and_warn_odd_formats(qtbot, db, page_for, type_text):
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    page = page_for(db)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(MemberDialog)
    _fill_new_member(qtbot, dialog, type_text)
    official = dialog.widgets["official_date"]
    official.clear()
    qtbot.keyClicks(official, "01/02/2005")  # before the ceremony
    cccd = dialog.widgets["national_id"]
    cccd.clear()
    qtbot.keyClicks(cccd, "00108001234")  # 11 digits
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Ngày chính thức 01/02/2005 không thể trước ngày lễ kết nạp 01/03/2005" in dialog.errors.text()
    assert "Số CCCD phải có đúng 12 chữ số" in dialog.errors.text()
    assert "00108001234" not in dialog.errors.text()
    assert dialog.tabs.currentIndex() in (0, 1) and dialog.isVisible()
    qtbot.keyClicks(cccd, "5")
    official.clear()
    qtbot.keyClicks(official, "31/02/2006")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "không có thật" in dialog.errors.text()
    official.clear()
    qtbot.keyClicks(official, "01/03/2006")
    card = dialog.widgets["party_card_number"]
    card.clear()
    qtbot.keyClicks(card, "1234567")  # odd format: warned, saved only on a second, deliberate click
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.text() == ""
    assert "Số thẻ đảng viên '1234567'" in dialog.warnings.text()
    assert dialog.save_button.text() == "Vẫn lưu"
    assert page.model.rowCount() == 0
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)


def test_a_duplicate_is_asked_about_before_saving(qtbot, db, page_for, type_text, add_member):
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    add_member("Nguyễn Văn Đức", date_of_birth=date(1980, 5, 3), national_id="001080012345")
    page = page_for(db)
    asked = []
    MemberDialog.confirm = staticmethod(lambda parent, title, text: asked.append(text) or False)
    try:
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
        dialog = page.findChild(MemberDialog)
        _fill_new_member(qtbot, dialog, type_text)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    finally:
        del MemberDialog.confirm
    assert "cùng số CCCD 0010******45" in asked[0]
    assert "Có thể trùng hồ sơ" in dialog.errors.text()
    assert page.model.rowCount() == 1


@pytest.mark.parametrize("typed", ["nguyen van duc", "Nguyen Van Duc", "duc", "Đức"])
def test_search_as_you_type_ignores_case_and_diacritics(qtbot, demo_db, page_for, type_text, typed, secretary):
    from handbook_desktop.services.members import create_member

    with demo_db.session() as session:
        create_member(session, secretary, {"full_name": "Nguyễn Văn Đức", "date_of_birth": date(1980, 5, 3),
                                           "status": "candidate"}, allow_duplicates=True, today=TODAY)
    page = page_for(demo_db)
    everyone = page.model.rowCount()
    assert everyone > 100
    counts = []
    page.model.modelReset.connect(lambda: counts.append(page.model.rowCount()))
    if typed.isascii():
        qtbot.keyClicks(page.search, typed)
    else:
        type_text(page.search, typed)
    assert len(counts) == len(typed)  # every keystroke answered
    names = _names(page)
    assert names and all(all(word in fold(name) for word in fold(typed).split()) for name in names)
    assert page.count_label.text() == f"{len(names)} kết quả"
    assert any(fold(name).endswith(" duc") for name in names)
    qtbot.keyClick(page.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.search, Qt.Key.Key_Backspace)
    assert page.model.rowCount() == everyone


def test_search_finds_by_card_number_and_full_cccd(qtbot, db, page_for, add_member):
    target = add_member("Trần Thị Lan", date_of_birth=date(1970, 1, 1), party_card_number="12.345678",
                        national_id="036170001234", phone="0987654321", status="candidate")
    add_member("Lê Văn Hùng", date_of_birth=date(1971, 1, 1), status="candidate")
    page = page_for(db)
    qtbot.keyClicks(page.search, "12.3456")
    assert [page.model.uuid_at(r) for r in range(page.model.rowCount())] == [target]
    page.search.clear()
    qtbot.keyClicks(page.search, "03617000123")
    assert page.model.rowCount() == 0  # a partial CCCD finds nobody
    qtbot.keyClicks(page.search, "4")
    assert page.model.rowCount() == 1
    page.search.clear()
    qtbot.keyClicks(page.search, "0987654321")
    assert page.model.rowCount() == 1


def test_the_list_shows_names_in_vietnamese_order(qtbot, db, page_for, add_member):
    import random

    from test_members_records import VIETNAMESE_ORDER

    names = VIETNAMESE_ORDER[:]
    random.Random(11).shuffle(names)
    for index, name in enumerate(names):
        add_member(name, date_of_birth=date(1950, 1, 1 + index), status="candidate")
    page = page_for(db)
    assert _names(page) == VIETNAMESE_ORDER
    assert page.table.model().index(0, 0).data() == "Đặng Văn An"


def test_edit_writes_history_shown_in_the_history_tab(qtbot, db, page_for, add_member, type_text):
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    add_member("Phạm Văn Hải", date_of_birth=date(1960, 2, 2), hometown="Nam Định", status="candidate")
    page = page_for(db)
    page.table.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(MemberDialog)
    hometown = dialog.widgets["hometown"]
    hometown.clear()
    type_text(hometown, "Thái Bình")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved_uuid is not None, timeout=5000)
    dialog.deleteLater()
    page.table.selectRow(0)
    again = page.edit_current()
    history = again.history
    rows = [[history.item(r, c).text() for c in range(history.columnCount())] for r in range(history.rowCount())]
    change = next(row for row in rows if row[3] == "Quê quán" and row[5] == "Thái Bình")
    assert change[1] == "admin" and change[2] == "Sửa" and change[4] == "Nam Định"
    assert any(row[2] == "Tạo hồ sơ" for row in rows)
    assert again.tabs.isTabEnabled(again.history_tab)


def test_soft_delete_then_restore_from_the_trash(qtbot, db, page_for, add_member):
    add_member("Võ Thị Mai", date_of_birth=date(1965, 3, 3), status="candidate")
    add_member("Hồ Văn Nam", date_of_birth=date(1966, 3, 3), status="candidate")
    page = page_for(db)
    page.confirm = lambda parent, title, text: True
    page.table.selectRow(0)
    assert page.model.row_data(0)["full_name"] == "Võ Thị Mai"
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert _names(page) == ["Hồ Văn Nam"]
    qtbot.mouseClick(page.trash_button, Qt.MouseButton.LeftButton)
    assert page.title.text().startswith("Thùng rác")
    assert _names(page) == ["Võ Thị Mai"] and page.restore_button.isVisible()
    page.table.selectRow(0)
    qtbot.mouseClick(page.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=5000)
    qtbot.mouseClick(page.trash_button, Qt.MouseButton.LeftButton)
    assert _names(page) == ["Võ Thị Mai", "Hồ Văn Nam"]


def test_filters_and_chosen_columns(qtbot, demo_db, page_for):
    page = page_for(demo_db)
    everyone = page.model.rowCount()
    page.status_box.setCurrentIndex(page.status_box.findData("probationary"))
    probationary = page.model.rowCount()
    assert 0 < probationary < everyone
    assert all(page.model.row_data(r)["status"] == "probationary" for r in range(probationary))
    page.status_box.setCurrentIndex(page.status_box.findData(None))
    page.gender_box.setCurrentIndex(page.gender_box.findData("female"))
    assert all(page.model.row_data(r)["gender"] == "female" for r in range(page.model.rowCount()))
    page.age_box.setCurrentIndex(page.age_box.findText("Trên 75 tuổi"))
    assert page.model.rowCount() > 0
    page.column_actions["hometown"].setChecked(True)
    page.column_actions["phone"].setChecked(False)
    keys = [c.key for c in page.model.columns]
    assert "hometown" in keys and "phone" not in keys
    from handbook_desktop.services.settings import get_setting

    with demo_db.read() as session:
        assert "hometown" in get_setting(session, "members.list_columns")


def test_a_viewer_sees_but_cannot_change(qtbot, demo_db, page_for, viewer):
    page = page_for(demo_db, viewer)
    assert page.model.rowCount() > 0
    assert not page.add_button.isEnabled() and not page.delete_button.isEnabled()


def test_import_dialog_previews_then_applies(qtbot, db, page_for, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Ngày sinh", "Giới tính", "Trạng thái"])
    sheet.append(["Nguyễn Thị Thu", "05/06/1970", "Nữ", "Quần chúng ưu tú"])
    sheet.append(["Lê Văn Lộc", "31/02/1971", "Nam", "Quần chúng ưu tú"])
    path = tmp_path / "nhap.xlsx"
    workbook.save(path)
    page = page_for(db)
    dialog = page.import_file(str(path))
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=30_000)
    assert "thêm mới 1" in dialog.summary.text() and "không nhận 1" in dialog.summary.text()
    assert dialog.table.item(1, 2).text() == "Không nhận" and "không có thật" in dialog.table.item(1, 3).text()
    assert page.model.rowCount() == 0
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.applied, timeout=30_000)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=30_000)
    assert _names(page) == ["Nguyễn Thị Thu"]
    assert not dialog.apply_button.isEnabled()


def test_export_writes_the_filtered_list(qtbot, demo_db, page_for, tmp_path):
    from openpyxl import load_workbook

    page = page_for(demo_db)
    qtbot.keyClicks(page.search, "anh")
    expected = _names(page)
    done = []
    path = tmp_path / "ds.xlsx"
    page.export_file(str(path), on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    book = load_workbook(path)
    sheet = book.active
    assert "dữ liệu cá nhân" in sheet.cell(row=1, column=1).value  # CCCD and phone are among the columns
    header = [cell.value for cell in sheet[4]]
    assert header[:3] == ["STT", "Họ và tên", "Ngày sinh"]
    names = [sheet.cell(row=r, column=2).value for r in range(5, 5 + len(expected))]
    assert names == expected and done == [len(expected)]
    cccd = sheet.cell(row=5, column=header.index("Số CCCD") + 1)
    assert cccd.data_type == "s" and len(cccd.value) == 12  # the full number, as text


def test_a_photo_is_optional_and_kept_when_chosen(qtbot, db, page_for, add_member, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from handbook_desktop.services.members import get_member
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    uuid = add_member("Kiều Thị Nga", date_of_birth=date(1975, 4, 4), status="candidate")
    image = QImage(300, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    picture = tmp_path / "anh.png"
    image.save(str(picture))
    page = page_for(db)
    page.table.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(MemberDialog)
    assert dialog.photo is None and "không bắt buộc" in dialog.photo_label.text()
    dialog.load_photo_file(str(picture))
    assert not dialog.photo_label.pixmap().isNull()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved_uuid is not None, timeout=5000)
    with db.read() as session:
        photo = get_member(session, uuid).photo
    assert photo and photo[:2] == b"\xff\xd8"  # stored as a small JPEG


def test_a_search_typed_again_shows_fresh_data_after_a_change(qtbot, db, page_for, add_member, secretary):
    """Recent answers are remembered for backspace and retyping, and forgotten on any change."""
    from handbook_desktop.services.members import update_member

    first = add_member("Nguyễn Thị Hoa", date_of_birth=date(1970, 1, 1), status="candidate")
    add_member("Nguyễn Văn Hải", date_of_birth=date(1971, 1, 1), status="candidate")
    page = page_for(db)
    qtbot.keyClicks(page.search, "nguyen h")
    assert _names(page) == ["Nguyễn Văn Hải", "Nguyễn Thị Hoa"]
    qtbot.keyClick(page.search, Qt.Key.Key_Backspace)
    qtbot.keyClicks(page.search, "h")  # the same search again: answered from memory, same rows
    assert page.model.last_from_memory and _names(page) == ["Nguyễn Văn Hải", "Nguyễn Thị Hoa"]
    with db.session() as session:
        update_member(session, secretary, first, {"full_name": "Trần Thị Hoa"})
    page.context.hub.changed.emit("member")  # what the dialog announces after saving
    assert _names(page) == ["Nguyễn Văn Hải"] and page.count_label.text() == "1 kết quả"
    qtbot.keyClick(page.search, Qt.Key.Key_Backspace)  # "nguyen " was remembered before the change: asked again
    assert not page.model.last_from_memory and _names(page) == ["Nguyễn Văn Hải"]
    qtbot.keyClicks(page.search, "h")
    assert _names(page) == ["Nguyễn Văn Hải"]


def test_a_warning_clears_when_the_field_is_fixed(qtbot, db, page_for, type_text):
    """Issue 11: a stale message must not stay once the input is corrected (it stayed until the next save)."""
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    page = page_for(db)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(MemberDialog)
    _fill_new_member(qtbot, dialog, type_text)
    cccd = dialog.widgets["national_id"]
    cccd.clear()
    qtbot.keyClicks(cccd, "00108001234")  # 11 digits
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Số CCCD phải có đúng 12 chữ số" in dialog.errors.text()
    qtbot.keyClicks(cccd, "5")  # now 12 digits: fixed, no click on Lưu
    qtbot.waitUntil(lambda: "CCCD" not in dialog.errors.text(), timeout=5_000)
    assert dialog.isVisible()


def test_a_birth_year_alone_is_shown_and_edited_in_the_record(qtbot, db, page_for, add_member, type_text):
    """Issue 16 §3: a member known by the year of birth alone (migration 0014) reads …/…/1958 in the
    record; typing a year keeps a year (flagged to complete), typing the whole date replaces it."""
    from handbook_desktop.services.members import get_member
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    uuid = add_member("Lò Văn Sáu", birth_year=1958, status="candidate")
    page = page_for(db)

    def edit(text: str) -> MemberDialog:
        page.table.selectRow(0)
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
        dialog = page.findChildren(MemberDialog)[-1]
        born = dialog.widgets["date_of_birth"]
        shown = born.text()
        born.clear()
        type_text(born, text)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        if dialog.saved_uuid is None and dialog.save_button.text() == "Vẫn lưu":
            assert "cần bổ sung ngày, tháng" in dialog.warnings.text()
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.saved_uuid is not None, timeout=5000)
        dialog.deleteLater()
        return shown

    assert edit("1960") == "…/…/1958"
    with db.read() as session:
        member = get_member(session, uuid)
        assert (member.birth_year, member.date_of_birth) == (1960, None)
    assert edit("05/03/1960") == "…/…/1960"
    with db.read() as session:
        member = get_member(session, uuid)
        assert (member.birth_year, member.date_of_birth) == (None, date(1960, 3, 5))
    page.table.selectRow(0)
    dialog = page.edit_current()
    assert dialog.widgets["date_of_birth"].text() == "05/03/1960"
    history = dialog.history
    rows = [[history.item(r, c).text() for c in range(history.columnCount())] for r in range(history.rowCount())]
    assert any(row[3] == "Năm sinh" and (row[4], row[5]) == ("1958", "1960") for row in rows), rows
