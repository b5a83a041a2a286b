"""Run by ``test_foundation_binding.py`` in a child interpreter (any Python, any installed binding):
makes many item updates through the setters the window uses and prints, as JSON, how far the
reference count of ``None`` moved. A healthy binding moves it by 0; PySide6 6.12.0 drops one
reference per call (on Python 3.11 the child aborts with "none_dealloc" after a few thousand).

On Python 3.12+ ``None`` is immortal: its count is pinned and a lost reference cannot be seen. To
see it anyway the probe makes ``None`` mortal for the measurement (its count set to a large
ordinary value, 2**30, so it can never reach zero here), checks that the count now follows
``Py_INCREF``/``Py_DECREF`` (a list of 1,000 ``None`` must add exactly 1,000), and puts the
immortal value back before exit. If that check fails the probe says the leak is not observable.

Usage: python binding_probe.py [ROUNDS]
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import __version__ as BINDING_VERSION  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication, QListWidgetItem, QTableWidget, QTableWidgetItem, QTreeWidgetItem,
)

MORTAL_COUNT = 2**30


def _setters():
    """The item setters the window calls (grep ``ui/`` for them), each one call per update."""
    text = "Nguyễn Văn An"
    payload = {"uuid": "x"}
    brush = QBrush(QColor("#8a1c1c"))
    standard = QStandardItem()
    model = QStandardItemModel(1, 1)
    table = QTableWidget(1, 1)
    cell = QTableWidgetItem()
    table.setItem(0, 0, cell)
    tree = QTreeWidgetItem()
    row = QListWidgetItem()
    user = Qt.ItemDataRole.UserRole
    right = Qt.AlignmentFlag.AlignRight
    return [
        ("QStandardItem.setData", lambda: standard.setData(payload, user)),
        ("QStandardItem.setText", lambda: standard.setText(text)),
        ("QStandardItem.setToolTip", lambda: standard.setToolTip(text)),
        ("QStandardItem.setForeground", lambda: standard.setForeground(brush)),
        ("QStandardItem.setEditable", lambda: standard.setEditable(False)),
        ("QStandardItemModel.setItem", lambda: model.setItem(0, 0, QStandardItem(text))),
        ("QTableWidgetItem.setText", lambda: cell.setText(text)),
        ("QTableWidgetItem.setData", lambda: cell.setData(user, payload)),
        ("QTableWidgetItem.setToolTip", lambda: cell.setToolTip(text)),
        ("QTableWidgetItem.setForeground", lambda: cell.setForeground(brush)),
        ("QTableWidgetItem.setBackground", lambda: cell.setBackground(brush)),
        ("QTableWidgetItem.setTextAlignment", lambda: cell.setTextAlignment(right)),
        ("QTableWidgetItem.setFlags", lambda: cell.setFlags(Qt.ItemFlag.ItemIsEnabled)),
        ("QTreeWidgetItem.setText", lambda: tree.setText(0, text)),
        ("QTreeWidgetItem.setData", lambda: tree.setData(0, user, payload)),
        ("QTreeWidgetItem.setExpanded", lambda: tree.setExpanded(False)),
        ("QListWidgetItem.setText", lambda: row.setText(text)),
        ("QListWidgetItem.setData", lambda: row.setData(user, payload)),
    ], (model, table)  # the owners stay alive for the whole run


def _make_none_mortal() -> int | None:
    """Python 3.12+: give None an ordinary count; returns the immortal value to restore."""
    if sys.version_info < (3, 12):
        return None
    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of every object
    original = count.value
    count.value = MORTAL_COUNT
    return original


def _observable() -> bool:
    before = sys.getrefcount(None)
    holder = [None for _ in range(1000)]
    seen = sys.getrefcount(None) - before
    del holder
    return seen == 1000


def main(rounds: int) -> dict:
    app = QApplication.instance() or QApplication([])
    setters, _owners = _setters()
    for _, call in setters:  # warm-up: first calls may cache signatures
        call()
    original = _make_none_mortal()
    try:
        observable = _observable()
        drift: dict[str, int] = {}
        updates = 0
        for name, call in setters:
            # A collection inside the loop may free an unrelated cycle holding None (a drift of -1 seen
            # once in a loaded full run): collect first and keep the collector off while counting.
            gc.collect()
            gc.disable()
            try:
                before = sys.getrefcount(None)
                for _ in range(rounds):
                    call()
                drift[name] = sys.getrefcount(None) - before
            finally:
                gc.enable()
            updates += rounds
    finally:
        if original is not None:
            ctypes.c_ssize_t.from_address(id(None)).value = original
    del app
    return {
        "binding": BINDING_VERSION, "python": sys.version.split()[0], "observable": observable,
        "updates": updates, "drift": drift,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1200)))
