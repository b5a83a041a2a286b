"""Run in a fresh process by test_window_fits: the window on a 1366×768 screen (offscreen platform's
screen file), at the scale and text size given; every page, tab and dialog (window_walk) shown once;
prints what it measured as JSON and saves a screenshot of each."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def clipped(root) -> list[str]:
    """Texts the widgets show cut: buttons, one-line labels, table headers and the cells on screen whose
    text is wider than the space given (font metrics), unless a tooltip carries the full text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QHeaderView, QLabel

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
    found += clipped_cells(root)
    from PySide6.QtWidgets import QListWidget

    sidebar = root.findChild(QListWidget, "sidebar")
    if sidebar is not None and sidebar.isVisible():  # the page names, with their padding (style.qss)
        for row in range(sidebar.count()):
            text = sidebar.item(row).text()
            need = sidebar.fontMetrics().horizontalAdvance(text) + 28
            if need > sidebar.viewport().width() + 1:
                found.append(f"trang «{text}» ở thanh bên: cần {need}, có {sidebar.viewport().width()}")
    return found


def clipped_cells(root) -> list[str]:
    """Cells of the tables, trees and lists on screen (the rows in sight) whose text is cut."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QAbstractItemView, QListView, QTableView, QTreeView

    from handbook_desktop.ui.cells import FullTextTips

    found = []
    for view in root.findChildren(QAbstractItemView):
        model = view.model()
        if not view.isVisible() or model is None or not isinstance(view, (QTableView, QTreeView, QListView)):
            continue
        if view.objectName() == "sidebar" or isinstance(view.itemDelegate(), FullTextTips):
            continue  # the page list has its own width; a FullTextTips view shows a cut cell whole on hover
        rows = []  # (index, depth) of the rows in sight
        def walk(parent, depth):
            for row in range(model.rowCount(parent)):
                index = model.index(row, 0, parent)
                rect = view.visualRect(index)
                if rect.isValid() and rect.bottom() >= 0 and rect.top() <= view.viewport().height():
                    rows.append((row, parent, depth))
                if isinstance(view, QTreeView) and view.isExpanded(index) and len(rows) < 80:
                    walk(index, depth + 1)
                if len(rows) >= 80:
                    return
        walk(QModelIndex(), 0)
        columns = model.columnCount(QModelIndex()) if not isinstance(view, QListView) else 1
        name = view.objectName() or type(view).__name__
        for row, parent, depth in rows:
            for column in range(columns):
                if isinstance(view, (QTableView, QTreeView)) and view.isColumnHidden(column):
                    continue
                index = model.index(row, column, parent)
                text = index.data(Qt.ItemDataRole.DisplayRole)
                if not isinstance(text, str) or not text.strip():
                    continue
                font = index.data(Qt.ItemDataRole.FontRole)
                metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
                need = max(metrics.horizontalAdvance(line) for line in text.split("\n")) + 6
                if index.data(Qt.ItemDataRole.DecorationRole) is not None:
                    need += view.iconSize().width() if view.iconSize().width() > 0 else 16
                if isinstance(view, QTreeView) and column == 0:
                    need += view.indentation() * (depth + (1 if view.rootIsDecorated() else 0))
                room = view.visualRect(index).width()
                if isinstance(view, QListView):
                    room = min(room, view.viewport().width()) if room > 0 else view.viewport().width()
                tip = str(index.data(Qt.ItemDataRole.ToolTipRole) or "")
                if need > room + 1 and not told(text, tip):
                    found.append(f"ô «{text[:50]}» ({name}, cột {column + 1}): cần {need}, có {room}")
    return found


def told(text: str, tip: str) -> bool:
    return all(line.strip() in tip for line in text.split("\n"))


def main(database_path: str, out: str, large: bool) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this tree's program, not an installed one
    from PySide6.QtWidgets import QApplication, QScrollArea

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui import unsaved
    from handbook_desktop.ui.app import application, open_window
    from handbook_desktop.ui.branch_box import BranchBox
    from window_walk import dialogs, no_questions, views

    no_questions()
    app = application([], large_font=large)
    unsaved.ASKING = False  # nobody answers «Lưu / Không lưu» here: every dialog is closed unchanged
    import os

    from handbook_desktop.services import access

    access.unlock(database_path, "admin", os.environ.get("HANDBOOK_PASSWORD", "demo1234"))  # encrypted (issue 13)
    database = Database.open(database_path)
    window = open_window(database, Actor("admin", "secretary"))
    window.show()
    app.processEvents()
    area = window.screen().availableGeometry()
    result = {"area": [area.x(), area.y(), area.width(), area.height()], "pages": {}, "clipped": {},
              "too_wide": {}, "dialogs": {}, "outside": {}, "committee": window.context.is_committee,
              "branch_boxes": []}
    frame = window.frameGeometry()
    result["window"] = [frame.x(), frame.y(), frame.width(), frame.height()]
    result["maximised"] = window.isMaximized()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    holder = window.findChild(QScrollArea, "pageScroll")
    for name in views(window):
        window.grab().save(str(folder / f"{name}.png"))
        result["pages"][name] = window.frameGeometry().height()
        result["clipped"][name] = clipped(window)
        result["branch_boxes"] += [name for box in window.stack.currentWidget().findChildren(BranchBox)
                                   if box.isVisible()][:1]
        page = window.stack.currentWidget()
        need = page.minimumSizeHint().width()
        if need > holder.viewport().width():  # wider than the window: its right side is behind a scroll bar
            result["too_wide"][name] = [need, holder.viewport().width()]
    for name, dialog in dialogs(window, folder):
        dialog.grab().save(str(folder / f"dialog-{name}.png"))
        box = dialog.frameGeometry()
        result["dialogs"][name] = [box.x(), box.y(), box.width(), box.height()]
        inside = area.adjusted(-1, -1, 1, 1).contains(box)
        if not inside:
            result["outside"][name] = [box.x(), box.y(), box.width(), box.height()]
        if dialog.minimumSizeHint().width() > dialog.width() + 1:  # squeezed: its layout is cut on the right
            result["outside"][name + " (bị ép)"] = [dialog.minimumSizeHint().width(), dialog.width()]
        result["clipped"][f"dialog-{name}"] = clipped(dialog)
        if name == "member-new":
            result["member_dialog"] = result["dialogs"][name]
            save = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomRight())
            result["save_button_inside"] = dialog.rect().contains(save)
    window.close()
    database.close()
    print(json.dumps(result))
    QApplication.instance().quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] == "large")
