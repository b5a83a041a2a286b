"""The import dialog shows how the sheet was read and lets the secretary fix it, driven as a person
would: pick a column's field from its list, pick the record a row means, see the preview change,
apply, and find the mapping remembered next month."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QPoint, Qt

from handbook_desktop.services.members import MemberFilter, fetch_page, get_member

TODAY = date(2026, 11, 30)


@pytest.fixture
def open_dialog(qtbot, db, secretary):
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.members.import_dialog import ImportDialog
    from handbook_desktop.ui.tasks import TaskRunner

    application([])
    home = db.home_unit()
    context = AppContext(db, secretary, TaskRunner(), ChangeHub(), home.code, home.name, home.level)

    def make(path):
        dialog = ImportDialog(context, str(path))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10_000)
        return dialog

    return make


def _pick(qtbot, box, label: str) -> None:
    """Open the list and click the entry, as the secretary does."""
    box.showPopup()
    view = box.view()
    index = next(box.model().index(i, 0) for i in range(box.count()) if box.itemText(i) == label)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    assert box.currentText() == label


def _sheet(path, phone):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "DSDV"
    for row in [["DANH SÁCH ĐẢNG VIÊN"], ["TT", "Họ và tên", "Ngày, tháng, năm", None, "Liên lạc"],
                [None, None, "Sinh", "Vào Đảng", None], [1, "Hà Văn Phong", 1958, "03/02/1985", phone],
                [2, "Đinh Văn Minh", "05/05/1960", None, None], [None, "Cộng: 2 đồng chí"]]:
        sheet.append(row)
    sheet.merge_cells("C2:D2")
    workbook.save(path)
    return path


def test_the_secretary_sees_and_fixes_the_mapping_and_it_is_remembered(qtbot, open_dialog, db, add_member,
                                                                       tmp_path):
    add_member("Đinh Văn Minh", date_of_birth=date(1960, 5, 5))
    add_member("Đinh Văn Minh", date_of_birth=date(1960, 5, 5), party_card_number="01.000999")
    dialog = open_dialog(_sheet(tmp_path / "t11.xlsx", "912000888"))
    panel = dialog.mapping
    text = panel.layout_text.text()
    assert "Tiêu đề ở dòng 2–3" in text and "Bảng kết thúc ở dòng 6" in text
    assert panel.field_box(2).currentText() == "Ngày sinh" and panel.field_box(3).currentText() == "Ngày quyết định kết nạp"
    assert panel.field_box(4).currentText() == "(không nhập)"  # "Liên lạc" is not a heading we know
    preview = [panel.preview.item(0, c).text() for c in range(panel.preview.columnCount())]
    assert preview[:2] == ["Hà Văn Phong", "…/…/1958"]  # the year alone, never 01/01
    assert "Điện thoại" not in [panel.preview.horizontalHeaderItem(c).text() for c in range(panel.preview.columnCount())]
    dialog.grab().save(str(tmp_path / "before.png"))

    _pick(qtbot, panel.field_box(4), "Điện thoại")
    qtbot.waitUntil(lambda: dialog.plan.rows[0].values.get("phone") == "0912000888", timeout=10_000)
    headers = [panel.preview.horizontalHeaderItem(c).text() for c in range(panel.preview.columnCount())]
    assert panel.preview.item(0, headers.index("Điện thoại")).text() == "0912****88"  # live, and masked
    assert "mất số 0" in dialog.table.item(0, 3).text()

    # Two records of the same name and birth date: asked, not guessed; the secretary picks one.
    assert dialog.table.item(1, 2).text() == "Cần chọn" and dialog.plan.rows[1].action == "ask"
    question = dialog.table.cellWidget(1, 4)
    with_card = next(question.itemText(i) for i in range(question.count()) if "01.000999" in question.itemText(i))
    _pick(qtbot, question, with_card)
    qtbot.waitUntil(lambda: dialog.plan.rows[1].action == "unchanged", timeout=10_000)
    assert dialog.table.cellWidget(1, 4).currentText() == with_card  # the choice shown, still changeable
    assert "đã chọn lần trước" not in panel.layout_text.text()  # set now, not remembered
    assert dialog.apply_button.isEnabled()
    dialog.grab().save(str(tmp_path / "after.png"))
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.applied, timeout=10_000)
    with db.read() as session:
        row = fetch_page(session, MemberFilter(on=TODAY, search="ha van phong"), 0, 5)[0]
        member = get_member(session, row["uuid"])
        assert (member.phone, member.birth_year, member.date_of_birth) == ("0912000888", 1958, None)
        assert len(fetch_page(session, MemberFilter(on=TODAY, search="dinh van minh"), 0, 5)) == 2

    nextmonth = open_dialog(_sheet(tmp_path / "t12.xlsx", "912000777"))
    assert nextmonth.mapping.field_box(4).currentText() == "Điện thoại"
    assert "đã chọn lần trước" in nextmonth.mapping.layout_text.text()
    assert nextmonth.plan.rows[0].changes == [("phone", "Điện thoại", "0912****88", "0912****77")]


def test_the_sheets_to_import_are_chosen_in_the_dialog(qtbot, open_dialog, tmp_path):
    from test_sheets_samples import sample

    path, _ = sample("d_hai_trang")
    dialog = open_dialog(path)
    items = dialog.mapping.sheet_list
    assert [items.item(i).text() for i in range(items.count())] == ["Đang sinh hoạt", "Đã chuyển đi"]
    assert len(dialog.plan.rows) == 3
    second = items.item(1)
    rect = items.visualItemRect(second)
    # The check box sits at the left of the item.
    qtbot.mouseClick(items.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))
    qtbot.waitUntil(lambda: len(dialog.plan.rows) == 2, timeout=10_000)
    assert [r.full_name for r in dialog.plan.rows] == ["Kim Văn Toản", "Ông Thị Lệ"]
