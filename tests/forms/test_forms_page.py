"""The Biểu mẫu page driven as a secretary would: pick a form, pick a member, export, read it back."""

from __future__ import annotations

from docx import Document
from PySide6.QtCore import Qt

import pytest

from handbook_desktop.domain.text import fold


@pytest.fixture
def forms_page(qtbot, demo_db, secretary, tmp_path):
    """The Biểu mẫu page over the demo branch, with its own task runner (shut down afterwards)."""
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.forms.page import FormsPage
    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.tasks import TaskRunner

    home = demo_db.home_unit()
    context = AppContext(demo_db, secretary, TaskRunner(), ChangeHub(), home.code, home.name, home.level)
    application([])
    page = FormsPage(context)
    qtbot.addWidget(page)
    page.output_dir = tmp_path
    page.resize(1100, 700)
    assert page.member_list.count() == 0  # nothing read while the page is not seen
    page.show()
    qtbot.waitUntil(lambda: page.member_list.count() > 0, timeout=10000)
    yield page
    context.runner.shutdown()


def test_page_is_registered():
    from handbook_desktop.ui.pages import PAGE_MODULES
    from handbook_desktop.ui.pages.forms import PAGE

    assert "handbook_desktop.ui.pages.forms" in PAGE_MODULES
    assert (PAGE.key, PAGE.title, PAGE.order, PAGE.permission) == ("forms", "Biểu mẫu", 70, "read")


def _select_code(page, code):
    for row in range(page.form_list.count()):
        if page.form_list.item(row).data(Qt.ItemDataRole.UserRole) == code:
            page.form_list.setCurrentRow(row)
            return
    raise AssertionError(code)


def test_export_phieu_dang_vien_for_a_member(qtbot, forms_page, tmp_path):
    page = forms_page
    _select_code(page, "2-HSĐV")
    assert page.member_box.isVisibleTo(page)
    # Typed without diacritics (QTest types ASCII only; the filter ignores accents anyway).
    qtbot.keyClicks(page.search, fold(page.members[0][1]))
    qtbot.waitUntil(lambda: page.member_list.count() >= 1)
    name = page.member_list.item(0).text().split(" — ")[0]
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_file is not None, timeout=20000)
    assert page.last_file.is_file() and page.last_file.parent == tmp_path
    document = Document(str(page.last_file))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert name.upper() in text
    assert "Đã lưu" in page.status.text()


def _register_rows(page):
    table = page.register_table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_numbered_form_appears_in_the_register(qtbot, forms_page):
    page = forms_page
    before = _register_rows(page)
    assert any(row[2] == "BB-SHCB" and row[0].endswith("-BB/CB") for row in before)  # the demo's minutes
    _select_code(page, "NQ-MCT")
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.register_table.rowCount() == len(before) + 1, timeout=20000)
    added = [row for row in _register_rows(page) if row[2] == "NQ-MCT"]
    assert len(added) == 1 and added[0][0].endswith("-NQ/CB")
    taken = {row[0] for row in before if row[0].endswith("-NQ/CB")}
    assert added[0][0] not in taken  # a number is never given twice
    _select_code(page, "NQ-MCT")
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert "không thấy lỗi" in page.status.text()


def test_filtered_list_merged_into_one_file(qtbot, forms_page):
    page = forms_page
    _select_code(page, "2-HSĐV")
    qtbot.keyClicks(page.search, "nguyen")
    qtbot.waitUntil(lambda: page.member_list.count() >= 1)
    count = page.member_list.count()
    assert 0 < count < len(page.members)
    qtbot.mouseClick(page.batch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_file is not None, timeout=30000)
    document = Document(str(page.last_file))
    assert len(document.sections) == count
    assert f"{count} đảng viên" in page.last_file.name
