"""One task runner: database work serialised, one step at a time, on the GUI thread's event loop.

A task is a plain function or a service generator that yields ``Progress``; its result or its
error always comes back on the GUI thread. Widgets never hold a live session: the function opens
and closes its own.

Why not a worker thread (as DESIGN.md first said): with PySide 6.8–6.12 every design we tried —
QThread with moveToThread, an executor with relays, a plain thread with GUI-side ownership — crashed
now and then when Python objects tied to Qt were freed on the worker thread. A secretary's program
must not crash. Here a task runs when the event loop is idle; a generator runs one step per turn of
the loop (services yield every few hundred rows), so the window repaints, the progress bar moves
and Hủy works between steps. Tasks run one after another, in the order asked.
"""

from __future__ import annotations

import logging
import traceback
from collections import deque
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.progress import CancelFlag, Cancelled, Progress

log = logging.getLogger(__name__)


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
        self.generator = None


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._jobs: deque[_Job] = deque()
        self._closed = False
        self._timer = QTimer(self)  # a child: it dies with the runner, never fires into a dead one
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def run(
        self,
        work: Callable[[CancelFlag], Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        progress_title: str | None = None,
        parent: QWidget | None = None,
    ) -> CancelFlag:
        """Queue ``work(flag)``; callbacks run later on the GUI thread, never inside this call."""
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

        self._jobs.append(_Job(work, flag, show_progress, finish, fail))
        self._timer.start()
        return flag

    def _step(self) -> None:
        """One unit of work: start the next task, or advance the running generator by one step."""
        if not self._jobs:
            self._timer.stop()
            return
        job = self._jobs[0]
        try:
            job.flag.check()
            if job.generator is None:
                result = job.work(job.flag)
                if not hasattr(result, "__next__"):
                    self._done(job, True, result)
                    return
                job.generator = result
            step = next(job.generator)
            if isinstance(step, Progress) and job.on_progress is not None:
                job.on_progress(step.done, step.total, step.message)
        except StopIteration as stop:
            self._done(job, True, stop.value)
        except Cancelled as error:
            self._close_generator(job)
            self._done(job, False, error)
        except UserError as error:  # a refusal the user reads; not a fault of the program
            log.info("refused: %s", error)
            self._close_generator(job)
            self._done(job, False, error)
        except Exception as error:  # noqa: BLE001 - delivered to the caller, never lost
            log.error("task failed:\n%s", traceback.format_exc())
            self._close_generator(job)
            self._done(job, False, error)

    @staticmethod
    def _close_generator(job: _Job) -> None:
        if job.generator is not None:
            job.generator.close()  # a stopped generator rolls back its open transaction now

    def _done(self, job: _Job, succeeded: bool, payload: Any) -> None:
        self._jobs.popleft()
        if not self._jobs:
            self._timer.stop()
        (job.on_finished if succeeded else job.on_failed)(payload)

    def busy(self) -> bool:
        return bool(self._jobs)

    def shutdown(self) -> None:
        """Stop: a running generator is closed (its transaction rolls back); queued tasks are dropped."""
        self._closed = True
        self._timer.stop()
        while self._jobs:
            self._close_generator(self._jobs.popleft())
