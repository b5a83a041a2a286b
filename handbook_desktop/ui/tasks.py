"""One background-task runner: database work serialised on one worker thread.

A task is a plain function or a service generator that yields ``Progress``; its result or its
error always comes back on the GUI thread (Anki's taskman, Picard's thread helper). Widgets never
hold a live session: the function opens and closes its own.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Callable

from PySide6.QtCore import QMetaObject, QObject, QThread, Qt, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from handbook_desktop.services.progress import CancelFlag, Cancelled, Progress

log = logging.getLogger(__name__)


class _Job(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Callable[[CancelFlag], Any], flag: CancelFlag):
        super().__init__()
        self.work = work
        self.flag = flag

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.flag)
            if hasattr(result, "__next__"):  # a progress generator: drain it, checking cancel
                try:
                    while True:
                        self.flag.check()
                        step = next(result)
                        if isinstance(step, Progress):
                            self.progress.emit(step.done, step.total, step.message)
                except StopIteration as stop:
                    result = stop.value
            self.finished.emit(result)
        except Cancelled as error:
            self.failed.emit(error)
        except Exception as error:  # noqa: BLE001 - delivered to the GUI thread, never lost
            log.error("background task failed:\n%s", traceback.format_exc())
            self.failed.emit(error)


class _Relay(QObject):
    """Lives in the GUI thread: signals queued to its slots run there. (A plain Python callable
    connected to a worker object's signal would run in the worker thread and touch widgets there.)"""

    def __init__(self, parent: QObject, on_progress, on_finished, on_failed):
        super().__init__(parent)
        self._on_progress, self._on_finished, self._on_failed = on_progress, on_finished, on_failed

    @Slot(int, int, str)
    def progress(self, done: int, total: int, message: str) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    @Slot(object)
    def finished(self, result: Any) -> None:
        self._on_finished(result)
        self.deleteLater()

    @Slot(object)
    def failed(self, error: BaseException) -> None:
        self._on_failed(error)
        self.deleteLater()


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("database-worker")
        self._thread.start()
        self._jobs: set[_Job] = set()

    def run(
        self,
        work: Callable[[CancelFlag], Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        progress_title: str | None = None,
        parent: QWidget | None = None,
    ) -> CancelFlag:
        """Run ``work(flag)`` on the worker; callbacks run on the GUI thread."""
        flag = CancelFlag()
        job = _Job(work, flag)
        job.moveToThread(self._thread)
        self._jobs.add(job)
        dialog = None
        show_progress = None
        if progress_title:
            dialog = QProgressDialog(progress_title, "Hủy", 0, 0, parent)
            dialog.setWindowTitle(progress_title)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(400)
            dialog.canceled.connect(flag.cancel)

            def show_progress(done: int, total: int, message: str) -> None:
                dialog.setMaximum(max(total, 0))
                dialog.setValue(min(done, total) if total else 0)
                if message:
                    dialog.setLabelText(message)


        def release() -> None:
            # The job lives in the worker thread and may still be returning from run(): deleting it
            # here (dropping the last reference) crashed the program; its own thread deletes it.
            job.destroyed.connect(lambda *_: self._jobs.discard(job))
            job.deleteLater()

        def finish(result: Any) -> None:
            release()
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if on_result is not None:
                on_result(result)

        def fail(error: BaseException) -> None:
            release()
            if dialog is not None:
                dialog.reset()
                dialog.deleteLater()
            if on_error is not None:
                on_error(error)
            elif not isinstance(error, Cancelled):
                from handbook_desktop.ui.errors import show_error

                show_error(parent, error)

        relay = _Relay(self, show_progress, finish, fail)
        job.progress.connect(relay.progress, Qt.ConnectionType.QueuedConnection)
        job.finished.connect(relay.finished, Qt.ConnectionType.QueuedConnection)
        job.failed.connect(relay.failed, Qt.ConnectionType.QueuedConnection)
        QMetaObject.invokeMethod(job, "run", Qt.ConnectionType.QueuedConnection)
        return flag

    def busy(self) -> bool:
        return bool(self._jobs)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(10_000)
