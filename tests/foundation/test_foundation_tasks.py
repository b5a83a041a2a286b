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
    assert seen["worker"] != threading.get_ident()  # the work itself ran off the GUI thread
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


def test_the_window_keeps_running_while_a_task_works(qtbot):
    """The task waits for something only the GUI thread's event loop does: on the event loop itself
    (the old runner) it could never finish."""
    from PySide6.QtCore import QTimer

    runner = TaskRunner()
    ticked = threading.Event()
    results = []

    def work(_flag):
        return ticked.wait(10)

    runner.run(work, on_result=results.append)
    QTimer.singleShot(50, ticked.set)
    qtbot.waitUntil(lambda: bool(results), timeout=15000)
    assert results == [True]
    runner.shutdown()


def test_the_collector_waits_while_a_task_runs(qtbot):
    import gc

    runner = TaskRunner()
    seen = []
    gate = threading.Event()

    def work(_flag):
        gate.wait(5)
        return gc.isenabled()

    assert gc.isenabled()
    runner.run(work, on_result=seen.append)
    assert not gc.isenabled()  # no collection may start on the worker and free a Qt wrapper there
    gate.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [False] and gc.isenabled()
    runner.shutdown()


def test_shutdown_stops_a_running_generator_and_drops_the_rest(qtbot):
    runner = TaskRunner()
    closed, calls = [], []
    started = threading.Event()

    def slow(_flag):
        started.set()
        try:
            for i in range(10_000):
                threading.Event().wait(0.001)
                yield Progress(i, 10_000)
        finally:
            closed.append(True)

    runner.run(slow, on_result=calls.append, on_error=calls.append)
    runner.run(lambda _f: "never", on_result=calls.append, on_error=calls.append)
    assert started.wait(5)
    runner.shutdown()
    assert closed == [True]  # rolled back before shutdown returned: the database may be closed now
    qtbot.wait(50)
    assert calls == [] and not runner.busy()
