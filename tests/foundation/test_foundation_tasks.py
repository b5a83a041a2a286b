"""The task runner: work queued and run in order, result / error / progress on the GUI thread, cancel."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from handbook_desktop.services.progress import Cancelled, Progress
from handbook_desktop.ui.tasks import TaskRunner


def test_result_comes_back_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    seen = {}

    def work(_flag):
        seen["worker"] = threading.get_ident()
        return 42

    def done(result):
        seen["result"] = result
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()

    runner.run(work, on_result=done)
    assert "result" not in seen  # never inside run(): the caller finishes its own bookkeeping first
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42 and seen["gui"] is True
    runner.shutdown()


def test_tasks_run_one_after_another_in_order(qtbot):
    runner = TaskRunner()
    order = []

    def steps(name):
        def work(_flag):
            for i in range(3):
                order.append(f"{name}{i}")
                yield Progress(i, 3)
            return name
        return work

    results = []
    runner.run(steps("a"), on_result=results.append)
    runner.run(steps("b"), on_result=results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=5000)
    assert results == ["a", "b"]
    assert order == ["a0", "a1", "a2", "b0", "b1", "b2"]
    runner.shutdown()


def test_progress_generator_and_error(qtbot):
    runner = TaskRunner()
    results, errors = [], []

    def counting(_flag):
        for i in range(3):
            yield Progress(i, 3, f"bước {i}")
        return "xong"

    def broken(_flag):
        raise ValueError("hỏng")

    runner.run(counting, on_result=results.append)
    runner.run(broken, on_result=results.append, on_error=errors.append)
    qtbot.waitUntil(lambda: len(results) == 1 and len(errors) == 1, timeout=5000)
    assert results == ["xong"]
    assert isinstance(errors[0], ValueError)
    runner.shutdown()


def test_cancel_stops_a_generator_between_steps(qtbot):
    runner = TaskRunner()
    errors, steps = [], []
    gate = threading.Event()

    def slow(_flag):
        for i in range(1000):
            steps.append(i)
            gate.wait(1)
            yield Progress(i, 1000)
        return "không được tới đây"

    flag = runner.run(slow, on_error=errors.append, on_result=errors.append)
    flag.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], Cancelled)
    assert len(steps) < 1000
    runner.shutdown()


def test_progress_dialog_shows_steps_and_cancels(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from handbook_desktop.ui.tasks import ProgressDialog

    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner()
    gate = threading.Event()
    errors = []

    def slow(flag):
        for i in range(100):
            yield Progress(i, 100, f"Đang làm phần {i}")
            gate.wait(0.05)
        return "hết"

    flag = runner.run(slow, on_error=errors.append, on_result=errors.append, progress_title="Đang nhập", parent=parent)
    dialog = None
    def shown():
        nonlocal dialog
        found = [w for w in parent.findChildren(ProgressDialog) if w.isVisible()]
        dialog = found[0] if found else None
        return dialog is not None and dialog.bar.value() > 0
    qtbot.waitUntil(shown, timeout=5000)
    assert dialog.label.text().startswith("Đang làm phần")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert flag.cancelled and isinstance(errors[0], Cancelled)
    runner.shutdown()
