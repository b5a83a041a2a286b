"""One task runner: long service steps on a worker thread, one at a time, results on the GUI thread.

A task is a plain function or a service generator that yields ``Progress``; it runs on one worker
thread (a plain Python thread: the service layer has no Qt), tasks one after another in the order
asked. Its result, its error and its progress always come back on the GUI thread, through a queue
that a GUI-side timer empties; no Qt object is touched, made or freed on the worker. Each task opens
and closes its own session (SQLite connections never cross threads while in use); widgets never
hold a live session.

Why the window is safe with a second thread (issue 11 §3; an earlier design on the event loop
froze the window for seconds on a 50,000-member committee):
- the worker only ever sees the task's function and plain Python values; the runner keeps its own
  reference to every task until its callbacks ran, so the last reference to a closure over a widget
  is always dropped on the GUI thread;
- Python's cycle collector is paused while a task runs and the GUI thread collects the young
  generations itself, so a collection that frees a Qt wrapper never starts on the worker;
- the binding that dropped references to ``None`` (PySide6 6.12.0) is excluded (issue 11 §1).
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.progress import CancelFlag, Cancelled, Progress

log = logging.getLogger(__name__)


def _libc_trim():
    """glibc's ``malloc_trim`` (None elsewhere): gives the pages freed by a task's rows back to the system."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _libc_trim()


def release_memory() -> None:
    """What an idle window need not keep (issue 18 §6): the source lines PySide6 reads of every module
    imported after it (its ``__feature__`` check calls ``inspect.getsource``: some 40 MB at a window's
    thousand modules, kept in ``linecache`` for nothing; tracebacks read them again if ever needed),
    and the heap pages the worker's last results freed (glibc keeps them otherwise)."""
    import linecache

    linecache.clearcache()
    if _TRIM is not None:
        _TRIM(0)


class ProgressDialog(QDialog):
    """Progress with a Hủy button, shown only when the work lasts more than a moment.

    Not QProgressDialog: its setValue() runs a nested event loop when modal, in which the task's
    result could arrive and delete the dialog under its own feet (a crash seen in GUI tests).
    """

    cancelled = Signal()
    SHOW_AFTER_MS = 400

    def __init__(self, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.label = QLabel(title)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(360)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton("Hủy")
        self.cancel_button.clicked.connect(self._cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self._done = False
        # A child timer dies with the dialog; a bare singleShot to a method could fire after the
        # dialog was deleted and crash.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_if_running)
        self._timer.start(self.SHOW_AFTER_MS)

    def _show_if_running(self) -> None:
        if not self._done:
            self.show()

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Đang dừng…")
        self.cancelled.emit()

    def reject(self) -> None:  # Esc or the window's close button: the same as Hủy
        self._cancel()

    def show_progress(self, done: int, total: int, message: str) -> None:
        if self._done:
            return
        self.bar.setRange(0, max(total, 0))
        if total:
            self.bar.setValue(min(done, total))
        if message and self.cancel_button.isEnabled():
            self.label.setText(message)

    def finish(self) -> None:
        self._done = True
        self._timer.stop()
        self.hide()
        self.deleteLater()


class _Job:
    def __init__(self, work, flag, on_progress, on_finished, on_failed):
        self.work, self.flag = work, flag
        self.on_progress, self.on_finished, self.on_failed = on_progress, on_finished, on_failed


class _Core:
    """The part the worker thread sees: queues and a lock, nothing of Qt."""

    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.waiting = 0  # tasks given to the worker and not yet taken from the inbox
        self.idle = threading.Event()
        self.idle.set()

    def submit(self, job_id: int, work, flag: CancelFlag) -> None:
        with self.lock:
            self.waiting += 1
            self.idle.clear()
            self.inbox.put((job_id, work, flag))
            if self.thread is None:
                self.thread = threading.Thread(target=self._serve, name="handbook-tasks", daemon=True)
                self.thread.start()

    def _serve(self) -> None:
        while True:
            with self.lock:
                if self.waiting == 0:  # nothing asked: the thread ends, the next run() starts another
                    self.thread = None
                    self.idle.set()
                    return
                self.waiting -= 1
            job_id, work, flag = self.inbox.get()
            outcome = self._run_one(job_id, work, flag)
            del work, flag  # the runner still holds both: their last reference goes on the GUI thread
            self.outbox.put(outcome)
            del outcome

    def _run_one(self, job_id: int, work, flag: CancelFlag):
        generator = None
        try:
            flag.check()
            result = work(flag)
            if not hasattr(result, "__next__"):
                return job_id, True, result
            generator, result = result, None
            while True:
                flag.check()
                try:
                    step = next(generator)
                except StopIteration as stop:
                    generator = None
                    return job_id, True, stop.value
                if isinstance(step, Progress):
                    self.outbox.put((job_id, None, step))
        except Cancelled as error:
            return job_id, False, error
        except UserError as error:  # a refusal the user reads; not a fault of the program
            log.info("refused: %s", error)
            return job_id, False, error
        except Exception as error:  # noqa: BLE001 - delivered to the caller, never lost
            log.error("task failed:\n%s", traceback.format_exc())
            error.__traceback__ = None  # the frames hold the task's locals; the text is in the log
            return job_id, False, error
        finally:
            if generator is not None:
                try:
                    generator.close()  # a stopped generator rolls back its open transaction now
                except Exception:  # noqa: BLE001
                    log.exception("closing a stopped task")


class TaskRunner(QObject):
    POLL_MS = 10  # how often the GUI thread looks for results while a task is out
    YOUNG = 2000  # objects made (by either thread) before the GUI thread collects the youngest generation

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._core = _Core()
        self._jobs: dict[int, _Job] = {}
        self._next_id = 0
        self._closed = False
        self._gc_paused = False
        self._timer = QTimer(self)  # a child: it dies with the runner, never fires into a dead one
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._deliver)

    def run(
        self,
        work: Callable[[CancelFlag], Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        progress_title: str | None = None,
        parent: QWidget | None = None,
    ) -> CancelFlag:
        """Queue ``work(flag)`` for the worker; callbacks run later on the GUI thread, never inside this call."""
        flag = CancelFlag()
        if self._closed:
            flag.cancel()
            return flag
        dialog = None
        show_progress = None
        if progress_title:
            dialog = ProgressDialog(progress_title, parent)
            dialog.cancelled.connect(lambda: flag.cancel())
            show_progress = dialog.show_progress

        def close_dialog() -> None:
            if dialog is not None:
                dialog.finish()

        def finish(result: Any) -> None:
            close_dialog()
            if on_result is not None:
                on_result(result)

        def fail(error: BaseException) -> None:
            close_dialog()
            if on_error is not None:
                on_error(error)
            elif not isinstance(error, Cancelled):
                from handbook_desktop.ui.errors import show_error

                show_error(parent, error)

        self._next_id += 1
        self._jobs[self._next_id] = _Job(work, flag, show_progress, finish, fail)
        self._pause_gc()
        self._core.submit(self._next_id, work, flag)
        self._timer.start()
        return flag

    def _pause_gc(self) -> None:
        if not self._gc_paused and gc.isenabled():
            gc.disable()
            self._gc_paused = True

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            # The young generations once more (what the worker made since the last poll), then what
            # survived joins the frozen, long-lived objects: the page's new data lives until its next
            # refresh and is freed then by its reference count. A full collection would otherwise look
            # through every page's rows, on the GUI thread, half a second on a committee.
            gc.collect(1)
            gc.freeze()
            gc.enable()
            release_memory()

    def _collect_young(self) -> None:
        """While the collector is paused, the GUI thread does its young-generation work, a little at
        every poll (as the collector would, a collection of a few thousand objects at a time: one
        after a whole task's allocations took a quarter of a second). The old generation waits until
        the worker is idle and the collector runs again."""
        if not self._gc_paused:
            return
        young, middle, _old = gc.get_count()
        if young > self.YOUNG:
            gc.collect(1 if middle >= gc.get_threshold()[1] else 0)

    def _deliver(self) -> None:
        """On the GUI thread: hand every finished task's result and the latest progress to its callbacks."""
        self._collect_young()
        progress: dict[int, Progress] = {}
        while True:
            try:
                job_id, succeeded, payload = self._core.outbox.get_nowait()
            except queue.Empty:
                break
            job = self._jobs.get(job_id)
            if job is None:
                continue
            if succeeded is None:
                progress[job_id] = payload
                continue
            progress.pop(job_id, None)
            del self._jobs[job_id]
            if not self._jobs:
                self._timer.stop()
                self._resume_gc()
            (job.on_finished if succeeded else job.on_failed)(payload)
            del job, payload
        for job_id, step in progress.items():
            job = self._jobs.get(job_id)
            if job is not None and job.on_progress is not None:
                job.on_progress(step.done, step.total, step.message)

    def busy(self) -> bool:
        return bool(self._jobs)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the worker has nothing left (used at closing, before the database is closed)."""
        return self._core.idle.wait(timeout)

    def shutdown(self, timeout: float = 15.0) -> None:
        """Stop: the running task is told to stop (a generator rolls back at its next step), queued
        tasks are dropped; waits for the worker so that the database can be closed after."""
        self._closed = True
        for job in self._jobs.values():
            job.flag.cancel()
        self.wait_idle(timeout)
        self._timer.stop()
        self._jobs.clear()
        self._resume_gc()
