"""Run in a fresh process by test_window_fits: the window on a 1366×768 screen (offscreen platform's
screen file), at the scale and text size given, every page shown once; prints what it measured as JSON
and saves a screenshot per page."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def clipped(root) -> list[str]:
    """Texts the widgets show cut: buttons, one-line labels and table headers whose text is wider than the
    space given (font metrics), unless a tooltip carries the full text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QHeaderView, QLabel

    def told(text: str, tip: str) -> bool:
        return all(line.strip() in tip for line in text.split("\n"))

    found = []
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.text() and button.sizeHint().width() > button.width() + 1 \
                and not told(button.text(), button.toolTip()):
            found.append(f"nút «{button.text()}»: cần {button.sizeHint().width()}, có {button.width()}")
    for label in root.findChildren(QLabel):
        text = label.text()
        if not label.isVisible() or not text or label.wordWrap() or "<" in text or not label.pixmap().isNull():
            continue
        need = max(label.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        room = label.contentsRect().width() - 2 * label.margin()
        if need > room + 1 and not told(text, label.toolTip()):
            found.append(f"nhãn «{text[:60]}»: cần {need}, có {room}")
    for header in root.findChildren(QHeaderView):
        model = header.model()
        if not header.isVisible() or model is None or header.orientation() != Qt.Orientation.Horizontal:
            continue
        metrics = header.fontMetrics()
        for column in range(model.columnCount()):
            if header.isSectionHidden(column):
                continue
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            tip = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) or "")
            need = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0) + 8
            if text and need > header.sectionSize(column) + 1 and not told(text, tip):
                found.append(f"tiêu đề cột «{text}»: cần {need}, có {header.sectionSize(column)}")
    return found


def main(database_path: str, out: str, large: bool) -> None:
    from PySide6.QtWidgets import QApplication, QScrollArea

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application, open_window
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    app = application([], large_font=large)
    database = Database.open(database_path)
    window = open_window(database, Actor("admin", "secretary"))
    window.show()
    app.processEvents()
    area = window.screen().availableGeometry()
    result = {"area": [area.x(), area.y(), area.width(), area.height()], "pages": {}}
    frame = window.frameGeometry()
    result["window"] = [frame.x(), frame.y(), frame.width(), frame.height()]
    result["maximised"] = window.isMaximized()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for key in window.pages:
        page = window.show_page(key)
        import time

        limit = time.monotonic() + 5
        while time.monotonic() < limit:  # what the page shows once loaded, not its empty frame
            app.processEvents()
            if not getattr(page, "loading", False):
                break
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(folder / f"{key}.png"))
        result["pages"][key] = window.frameGeometry().height()
        result.setdefault("clipped", {})[key] = clipped(window.pages[key])
        holder = window.findChild(QScrollArea, "pageScroll")
        result.setdefault("too_wide", {})
        need = window.pages[key].minimumSizeHint().width()
        if need > holder.viewport().width():  # wider than the window: its right side is behind a scroll bar
            result["too_wide"][key] = [need, holder.viewport().width()]
    dialog = MemberDialog(window.context, parent=window)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(folder / "member-dialog.png"))
    box = dialog.frameGeometry()
    result["member_dialog"] = [box.x(), box.y(), box.width(), box.height()]
    save = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomRight())
    result["save_button_inside"] = dialog.rect().contains(save)
    result["clipped"]["member-dialog"] = clipped(dialog)
    dialog.reject()
    window.close()
    database.close()
    print(json.dumps(result))
    QApplication.instance().quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] == "large")
