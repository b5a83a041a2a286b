"""Walk the main window as a committee's staff would: every page, every tab, every year, month, branch
and kind box, and the dialogs the pages open; shared by bench/bench_pages.py, bench/soak_window.py and
tests/soak (issue 11 §2, §3).

Between steps the walk moves the mouse over the sidebar, as a person's hand does: real input through
Qt's event queue, so the idle lock (Cài đặt, 10 minutes by default) sees activity and a long walk is
not locked out half-way (issue 11 §2: a 10-minute soak's last round once walked 44 of 58 steps).

A heartbeat timer on the GUI thread measures freezes: the window cannot repaint while the GUI thread
is busy, so the largest gap between two beats, less the beat itself, is the longest freeze.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator

from PySide6.QtCore import QEventLoop, QObject, QPoint, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QSpinBox, QTabWidget, QWidget

BEAT_MS = 20
SPIN_BOXES = ("yearBox", "calendarYear", "monthBox")
COMBO_BOXES = ("unitBox", "branchFilter", "unit", "kindBox", "roundBox")


class Heartbeat(QObject):
    """``longest``: the largest gap between beats (wall clock), less the beat. ``busiest``: the most
    processor time the GUI thread itself used between two beats — on a shared, loaded machine a gap
    also holds the time the process waited for a processor, which no code of the program causes."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.reset()
        self.timer.start()

    def _beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.longest = max(self.longest, now - self.last - BEAT_MS / 1000)
        self.busiest = max(self.busiest, cpu - self.last_cpu)
        self.last, self.last_cpu = now, cpu

    def reset(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.longest = self.busiest = 0.0


def wait_ms(ms: int) -> None:
    """Let the event loop run for ``ms`` (sleeping between events: the worker gets the processor)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def settle(window, timeout: float = 600.0) -> bool:
    """Until the task runner is idle and the page on screen has its data; False on timeout."""
    runner = window.context.runner
    end = time.perf_counter() + timeout
    quiet = 0
    while time.perf_counter() < end:
        wait_ms(30)
        page = window.stack.currentWidget()
        if runner.busy() or getattr(page, "loading", False):
            quiet = 0
        else:
            quiet += 1
            if quiet >= 3:  # a result may queue the next load: idle three beats in a row
                return True
    return False


def _visible(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled()


def _controls(page: QWidget) -> Iterator[tuple[str, Callable[[], None]]]:
    """The changes a person makes on a page: each tab, then year/month/branch/kind boxes back and forth."""
    for tabs in page.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in list(range(1, tabs.count())) + [0]:
            yield f"tab {tabs.tabText(index)}", lambda t=tabs, i=index: t.setCurrentIndex(i)
    for box in page.findChildren(QSpinBox):
        if box.objectName() in SPIN_BOXES and _visible(box):
            yield f"{box.objectName()} −1", lambda b=box: b.setValue(b.value() - 1)
            yield f"{box.objectName()} +1", lambda b=box: b.setValue(b.value() + 1)
    for box in page.findChildren(QComboBox):
        if box.objectName() in COMBO_BOXES and _visible(box) and box.count() > 1:
            yield f"{box.objectName()} → {box.itemText(1)[:20]}", lambda b=box: b.setCurrentIndex(1)
            yield f"{box.objectName()} → {box.itemText(0)[:20]}", lambda b=box: b.setCurrentIndex(0)


def _dialogs(key: str, page) -> Iterator[tuple[str, Callable[[], object]]]:
    """Dialogs a page opens from its buttons: each returns the dialog, which the walk then closes."""
    def first_row(table):
        if table.rowCount():
            table.selectRow(0)

    if key == "meetings" and hasattr(page, "plan_meeting"):
        yield "dialog Lên kế hoạch", page.plan_meeting
    if key == "ratings":
        yield "dialog Xếp loại chi bộ", page.rate_branch
        yield "dialog Chấm điểm", lambda: (first_row(page.table), page.rate())[1]
    if key == "members":
        yield "dialog Thêm đảng viên", page.add_member
        yield "dialog Hồ sơ đảng viên", lambda: (page.table.selectRow(0), page.edit_current())[1]
    if key == "meetings":
        yield "dialog Rà soát sinh hoạt", page.show_screening


def steps(window) -> Iterator[tuple[str, Callable[[], object]]]:
    """(label, action) for every page in sidebar order, its controls and dialogs; computed lazily, as
    each page's boxes exist only once the page was built."""
    for row in range(window.sidebar.count()):
        key = window.sidebar.item(row).data(256)
        name = window.sidebar.item(row).text()
        yield name, lambda r=row: window.sidebar.setCurrentRow(r)
        page = window.pages[key]
        for label, action in _controls(page):
            yield f"{name} · {label}", action
        for label, action in _dialogs(key, page):
            yield f"{name} · {label}", action


def nudge(window, step: int = 0) -> None:
    """A real mouse move over the sidebar (the idle lock's event filter sees it; nothing is clicked)."""
    viewport = window.sidebar.viewport()
    QTest.mouseMove(viewport, QPoint(8 + step % 2 * 12, 8 + step % 2 * 6))


def close_dialog(result) -> None:
    if isinstance(result, QDialog):
        result.reject()
        result.deleteLater()


def walk(window, heartbeat: Heartbeat, on_step: Callable[..., None] | None = None,
         timeout: float = 600.0) -> list[tuple[str, float, float, float]]:
    """One round: (label, seconds until settled, longest freeze, most GUI-thread processor time
    between two beats) for every step."""
    figures = []
    for label, action in steps(window):
        heartbeat.reset()
        started = time.perf_counter()
        result = action()
        settled = settle(window, timeout)
        close_dialog(result)
        nudge(window, len(figures))
        if not settled:
            label += " (không xong)"
        figure = (label, time.perf_counter() - started, heartbeat.longest, heartbeat.busiest)
        figures.append(figure)
        if on_step is not None:
            on_step(*figure)
    QApplication.processEvents()
    return figures
