"""The import report on screen shows CCCD and phone numbers masked unless the user asks to reveal them,
which is audited (issue 13, point 9)."""

from __future__ import annotations

from openpyxl import Workbook
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.domain.text import mask_digits
from handbook_desktop.services.excel.importer import apply_import
from handbook_desktop.store.models import AuditLog

CCCD, PHONE, NEW_PHONE = "001070012345", "0912345678", "0987654321"


def _sheet(path, phone: str) -> str:
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Ngày sinh", "Số CCCD", "Điện thoại", "Trạng thái"])
    workbook.active.append(["Nguyễn Văn An", "01/02/1970", CCCD, phone, "Quần chúng ưu tú"])
    workbook.save(path)
    return str(path)


def _reveals(database) -> list[str]:
    with database.read() as session:
        return list(session.scalars(select(AuditLog.username).where(AuditLog.action == "reveal")))


def test_import_dialog_masks_until_revealed(qtbot, db, secretary, tmp_path):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.members.import_dialog import ImportDialog
    from handbook_desktop.ui.tasks import TaskRunner

    apply_import(db, secretary, _sheet(tmp_path / "a.xlsx", PHONE))
    changed = _sheet(tmp_path / "b.xlsx", NEW_PHONE)
    context = AppContext(db, secretary, TaskRunner(), ChangeHub(), "CB-TEST", "Chi bộ", "chi-bo")
    dialog = ImportDialog(context, changed)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.table.rowCount() == 1, timeout=30_000)

    def shown() -> str:
        return " ".join(dialog.table.item(0, c).text() + dialog.table.item(0, c).toolTip() for c in range(4))

    text = shown()
    assert f"{mask_digits(PHONE)} → {mask_digits(NEW_PHONE)}" in text, text
    assert PHONE not in text and NEW_PHONE not in text and CCCD not in text
    assert _reveals(db) == []
    qtbot.mouseClick(dialog.reveal, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.reveal.height() // 2))
    assert NEW_PHONE in shown() and CCCD in shown()
    assert _reveals(db) == ["admin"]
    dialog.close()


def test_command_line_import_report_masks_unless_reveal(db, secretary, tmp_path, capsys):
    apply_import(db, secretary, _sheet(tmp_path / "a.xlsx", PHONE))
    path = str(db.file)
    changed = _sheet(tmp_path / "b.xlsx", NEW_PHONE)
    assert main(["--db", path, "members", "import", changed, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{mask_digits(PHONE)} → {mask_digits(NEW_PHONE)}" in out and PHONE not in out and NEW_PHONE not in out
    assert _reveals(db) == []
    assert main(["--db", path, "members", "import", changed, "--dry-run", "--reveal"]) == 0
    out = capsys.readouterr().out
    assert NEW_PHONE in out and CCCD in out
    assert _reveals(db) == ["admin"]
