"""Qt's own texts in Vietnamese (issue 11): the program's translation (resources/qt_vi.ts, compiled
with PySide6's lrelease) is loaded at start, so standard buttons, the file and input dialogs and the
context menus of text fields read Vietnamese. Qt itself ships no qtbase_vi."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QTextEdit

from handbook_desktop import paths
from handbook_desktop.ui.app import application
from handbook_desktop.ui.i18n import compile_translation, qt_translation_file

B = QMessageBox.StandardButton


def _menu_texts(widget) -> list[str]:
    menu = widget.createStandardContextMenu()
    try:
        return [action.text().split("\t")[0].replace("&", "") for action in menu.actions() if action.text()]
    finally:
        menu.deleteLater()


def test_the_source_is_complete_and_compiles(tmp_path):
    tree = ET.parse(paths.resource("qt_vi.ts"))
    messages = tree.findall(".//message")
    assert len(messages) >= 100
    for message in messages:
        translation = message.find("translation")
        assert translation.text and translation.get("type") != "unfinished", message.findtext("source")
        # the same %1 placeholders and line breaks, or Qt shows a broken sentence
        source = message.findtext("source")
        assert re.findall(r"%\d", source) == re.findall(r"%\d", translation.text), source
        assert source.count("\n") == translation.text.count("\n"), source
    target = tmp_path / "qt_vi.qm"
    compile_translation(paths.resource("qt_vi.ts"), target)
    assert target.stat().st_size > 1000


def test_standard_buttons_and_menus_read_vietnamese(qtbot):
    application()
    assert qt_translation_file() is not None
    box = QMessageBox(QMessageBox.Icon.Question, "Hỏi", "Lưu?",
                      B.Yes | B.No | B.Ok | B.Cancel | B.Save | B.Close | B.Discard | B.Apply | B.Open)
    qtbot.addWidget(box)
    texts = {button: box.button(button).text().replace("&", "") for button in
             (B.Yes, B.No, B.Ok, B.Cancel, B.Save, B.Close, B.Discard, B.Apply, B.Open)}
    assert texts == {B.Yes: "Có", B.No: "Không", B.Ok: "Đồng ý", B.Cancel: "Hủy", B.Save: "Lưu", B.Close: "Đóng",
                     B.Discard: "Bỏ thay đổi", B.Apply: "Áp dụng", B.Open: "Mở"}
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert [b.text() for b in buttons.buttons()] == ["Đồng ý", "Hủy"] or \
        sorted(b.text() for b in buttons.buttons()) == ["Hủy", "Đồng ý"]

    line = QLineEdit("Nguyễn Văn An")
    qtbot.addWidget(line)
    assert _menu_texts(line)[:7] == ["Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"]
    text = QTextEdit("Biên bản")
    qtbot.addWidget(text)
    assert {"Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"} <= set(_menu_texts(text))


def test_file_and_input_dialogs_read_vietnamese(qtbot):
    application()
    dialog = QFileDialog(None, "Chọn tệp")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel, QPushButton

    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:"} <= labels, labels
    assert {"&Mở", "Hủy"} <= {button.text() for button in dialog.findChildren(QPushButton)}
    ask = QInputDialog()
    qtbot.addWidget(ask)
    ask.show()
    assert sorted(button.text() for button in ask.findChildren(QPushButton)) == ["Hủy", "Đồng ý"]
