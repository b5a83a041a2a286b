"""Big lists through a model (issue 11 §3) and closed dialogs let go (issue 11 §2)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from handbook_desktop.ui.pages.procedures.common import fill_table, make_table, selected_name, selected_uuid


def test_a_committee_sized_list_is_one_reset_and_reads_like_a_table(qtbot):
    table = make_table("bigTable", ["Họ và tên", "Điểm", "Mức xếp loại", "Ghi chú"])
    qtbot.addWidget(table)
    table.resize(900, 500)
    table.show()
    rows = [(f"uuid-{i}", [f"Người thứ {i}", str(i % 100), "Hoàn thành tốt nhiệm vụ", ""], i % 7 == 0)
            for i in range(48_000)]
    resets = []
    table.model().modelReset.connect(lambda: resets.append(1))
    fill_table(table, rows)
    assert resets == [1]  # one reset, not 192,000 items
    assert table.rowCount() == 48_000 and table.columnCount() == 4
    assert table.item(47_999, 0).text() == "Người thứ 47999"
    assert table.item(0, 0).data(Qt.ItemDataRole.UserRole) == "uuid-0"
    assert table.item(0, 0).background().color().name() == "#fde2e1"  # overdue kept its colour
    assert table.item(1, 0).background().style() == Qt.BrushStyle.NoBrush
    header = table.horizontalHeader()
    assert 0 < header.resizeContentsPrecision() <= 1000  # columns measured from the first rows, not 48,000
    assert header.sectionSize(0) >= table.fontMetrics().horizontalAdvance("Người thứ 1")  # sized from the rows
    table.selectRow(31_000)
    assert selected_uuid(table) == "uuid-31000" and selected_name(table) == "Người thứ 31000"
    table.setCurrentCell(5, 2)
    assert table.currentRow() == 5
    fill_table(table, rows[3:])  # refilled after a change: the same person stays chosen
    assert selected_uuid(table) == "uuid-5" and table.currentRow() == 2
    fill_table(table, [])
    assert table.rowCount() == 0 and selected_uuid(table) is None


def test_the_selection_signal_of_a_table_widget_is_kept(qtbot):
    table = make_table("t", ["A", "B"])
    qtbot.addWidget(table)
    fill_table(table, [("a", ["1", "2"], False), ("b", ["3", "4"], False)])
    seen = []
    table.itemSelectionChanged.connect(lambda: seen.append(selected_uuid(table)))
    table.selectRow(1)
    assert seen == ["b"]


class _Form(QDialog):
    def __init__(self, parent):
        super().__init__(parent)
        QVBoxLayout(self).addWidget(QLineEdit(objectName="name"))


def test_a_page_keeps_only_the_dialog_it_closed_last(qtbot):
    from handbook_desktop.ui.dialog_keys import KeyedDialog

    class Form(KeyedDialog, _Form):
        pass

    page = QWidget()
    qtbot.addWidget(page)
    first = Form(page)
    first.open()
    first.findChild(QLineEdit, "name").setText("một")
    first.reject()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert shiboken6.isValid(first)  # the code that opened it may still read it
    assert first.findChild(QLineEdit, "name").text() == "một"
    second = Form(page)
    second.open()
    second.accept()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(first)  # the one before is gone: dialogs no longer pile up on a page
    assert shiboken6.isValid(second)
    assert len(page.findChildren(QDialog)) == 1
