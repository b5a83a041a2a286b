"""Messages that help (issue 11): a full disk, a read-only file or folder and a damaged database each
get their own Vietnamese sentence saying what to do — never "unexpected error: <ExceptionName>" — and
a healthy read-only database is not called damaged; the backup page never says "no backup yet"
above a list of backups; the recovery code can be copied, printed and saved; the sync page explains
its words; produced files have readable names."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from handbook_desktop.services.errors import explain_failure
from handbook_desktop.ui.errors import user_text

CODE = "ABCD-EFGH-JKMN-PQRS"


def _raised(action) -> BaseException:
    try:
        action()
    except BaseException as error:  # noqa: BLE001 - the real error the disk or SQLite gives
        return error
    raise AssertionError("expected an error")


def _sqlite_full(tmp_path) -> BaseException:
    connection = sqlite3.connect(tmp_path / "nho.sqlite3")
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.execute("PRAGMA max_page_count = 3")  # the file can grow no further: SQLITE_FULL
    return _raised(lambda: [connection.execute("INSERT INTO t VALUES (?)", ("x" * 4000,)) for _ in range(10)])


def _sqlite_read_only(tmp_path) -> BaseException:
    path = tmp_path / "tot.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)  # a healthy file that may not be written
    return _raised(lambda: connection.execute("INSERT INTO t VALUES ('x')"))


def _sqlite_damaged(tmp_path) -> BaseException:
    path = tmp_path / "hong.sqlite3"
    path.write_bytes(os.urandom(8192))
    return _raised(lambda: sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall())


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_says_so_and_what_to_do():
    with open("/dev/full", "wb", buffering=0) as full:
        error = _raised(lambda: full.write(b"x"))
    for message in (explain_failure(error), user_text(error)):
        assert "Ổ đĩa đã đầy" in message and "xóa bớt" in message


def test_each_state_of_the_disk_has_its_own_sentence(tmp_path):
    full, read_only, damaged = _sqlite_full(tmp_path), _sqlite_read_only(tmp_path), _sqlite_damaged(tmp_path)
    denied = PermissionError(13, "Permission denied", str(tmp_path / "khoa" / "handbook.sqlite3"))
    texts = {name: user_text(error) for name, error in
             (("full", full), ("read_only", read_only), ("denied", denied), ("damaged", damaged))}
    assert "Ổ đĩa đã đầy" in texts["full"]
    for name in ("read_only", "denied"):
        assert "chỉ cho đọc" in texts[name] and "hỏng" not in texts[name].replace("không hỏng", ""), texts[name]
    assert "khoa" in texts["denied"]  # says which file
    assert "đã hỏng" in texts["damaged"] and "khôi phục bản sao lưu" in texts["damaged"]
    assert len(set(texts.values()) - {texts["denied"]}) == 3
    for text in texts.values():
        assert "không mong đợi" not in text and "Error" not in text


def test_cli_names_a_damaged_database_and_keeps_it(tmp_path):
    path = tmp_path / "hong.sqlite3"
    path.write_bytes(os.urandom(16384))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    env = dict(os.environ, HANDBOOK_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "handbook_desktop", "info", "--db", str(path)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert done.returncode == 1
    assert "đã hỏng" in done.stderr and "backup restore" in done.stderr
    assert "không mong đợi" not in done.stderr and "DatabaseError" not in done.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_backup_page_never_says_no_backup_above_a_list(qtbot, demo_db, secretary):
    from handbook_desktop.ui.app import application, open_window

    application()
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    page = window.show_page("backup").backups_tab
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1 and not window.context.runner.busy(), timeout=60_000)
    qtbot.wait(100)
    assert "Chưa có bản sao lưu" not in page.status.text()
    assert re.search(r"Có \d+ bản sao lưu", page.status.text()) or "Đã sao lưu" in page.status.text()
    window.close()


def test_recovery_code_can_be_copied_printed_and_saved(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from handbook_desktop.ui.app import application
    from handbook_desktop.ui.recovery_dialog import RecoveryCodeDialog

    application()
    dialog = RecoveryCodeDialog(CODE, "Hãy cất mã này:", "Chi bộ Khu dân cư số 5")
    qtbot.addWidget(dialog)
    dialog.show()
    labels = [b.text() for b in dialog.buttons.buttons()]
    assert {"Sao chép mã", "In mã ra giấy…", "Lưu mã ra tệp…"} <= set(labels)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == CODE
    saved = tmp_path / "ma-khoi-phuc.txt"
    dialog.save_to(saved)
    text = saved.read_text(encoding="utf-8")
    assert CODE in text and "Chi bộ Khu dân cư số 5" in text and "Quên mật khẩu" in text
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "ma.pdf"))
    dialog.print_to(printer)
    pdf = (tmp_path / "ma.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0:
        words = subprocess.run(["pdftotext", str(tmp_path / "ma.pdf"), "-"], capture_output=True, text=True).stdout
        assert CODE in words
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter is "Đã cất mã, đóng", not Copy or Print
    assert dialog.result() == dialog.DialogCode.Accepted


def test_sync_page_explains_fingerprint_phone_check_and_recipient(qtbot, demo_db, secretary):
    from handbook_desktop.ui.app import application, open_window

    application()
    window = open_window(demo_db, secretary)
    qtbot.addWidget(window)
    page = window.show_page("sync")
    qtbot.waitUntil(lambda: not window.context.runner.busy(), timeout=60_000)
    identity = page.identity_help.text()
    assert "Dấu vân tay là 8 nhóm" in identity and "gọi điện" in identity and "từng nhóm" in identity
    assert "Gửi cho: chọn đơn vị" in page.send_help.text() and "đảng ủy cấp trên" in page.send_help.text()
    assert "qua điện thoại" in page.identity.text()
    window.close()


def test_produced_documents_have_readable_names():
    from handbook_desktop.ui.pages.procedures.widgets import document_path

    path = document_path("6-KNĐ", "Nguyễn Thị Thu Hà", date(2026, 3, 5))
    assert path.name == "6-KNĐ Nguyễn Thị Thu Hà 05-03-2026.docx"
    assert document_path("1-TĐV", "", date(2026, 3, 5)).name == "1-TĐV danh sách 05-03-2026.docx"
    assert not re.search(r"[0-9a-f]{8}", path.stem)
