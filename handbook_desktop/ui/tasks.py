"""One background-task runner: database work serialised on one worker thread.

A task is a plain function or a service generator that yields ``Progress``; its result or its
error always comes back on the GUI thread (Anki's taskman, Picard's thread helper). Widgets never
hold a live session: the function opens and closes its own.

No Qt object lives in the worker thread. The worker is a plain Python thread (a one-worker
executor, so database work never overlaps); it only *emits* the signals of a relay object that
lives in the GUI thread, which Qt delivers there as queued calls. The relay is created, used and
dropped on the GUI thread, so nothing is ever deleted from the wrong thread — the cause of the rare
crashes of the earlier QThread/moveToThread design.
"""

from __future__ import annotations

import logging
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.progress import CancelFlag, Cancelled, Progress

log = logging.getLogger(__name__)


class _Relay(QObject):
    """GUI-thread end of one task: the worker emits, the slots run on the GUI thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, runner: "TaskRunner", on_progress, on_finished, on_failed):
        super().__init__()
        self._runner = runner
        self._on_progress, self._on_finished, self._on_failed = on_progress, on_finished, on_failed
        queued = Qt.ConnectionType.QueuedConnection
        self.progress.connect(self._deliver_progress, queued)
        self.finished.connect(self._deliver_finished, queued)
        self.failed.connect(self._deliver_failed, queued)

    @Slot(int, int, str)
    def _deliver_progress(self, done: int, total: int, message: str) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    def _release(self) -> None:
        # Dropped on a later turn of the event loop: never freed while Qt is delivering to it.
        QTimer.singleShot(0, lambda: self._runner._relays.discard(self))

    @Slot(object)
    def _deliver_finished(self, result: Any) -> None:
        self._release()
        self._on_finished(result)

    @Slot(object)
    def _deliver_failed(self, error: BaseException) -> None:
        self._release()
        self._on_failed(error)


def _execute(work: Callable[[CancelFlag], Any], flag: CancelFlag, relay: _Relay) -> None:
    """Runs on the worker thread."""
    try:
        result = work(flag)
        if hasattr(result, "__next__"):  # a progress generator: drain it, checking cancel
            generator = result
            try:
                while True:
                    flag.check()
                    step = next(generator)
                    if isinstance(step, Progress):
                        relay.progress.emit(step.done, step.total, step.message)
            except StopIteration as stop:
                result = stop.value
            finally:
                generator.close()  # a cancelled generator rolls back its open transaction now
        relay.finished.emit(result)
    except Cancelled as error:
        relay.failed.emit(error)
    except UserError as error:  # a refusal the user reads; not a fault of the program
        log.info("refused: %s", error)
        relay.failed.emit(error)
    except Exception as error:  # noqa: BLE001 - delivered to the GUI thread, never lost
        log.error("background task failed:\n%s", traceback.format_exc())
        relay.failed.emit(error)


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
        QTimer.singleShot(self.SHOW_AFTER_MS, self._show_if_running)

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
        self.hide()
        self.deleteLater()


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database-worker")
        self._relays: set[_Relay] = set()
        self._closed = False

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
        dialog = None
        show_progress = None
        if progress_title:
            dialog = ProgressDialog(progress_title, parent)
            dialog.cancelled.connect(flag.cancel)
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

        if self._closed:
            flag.cancel()
            return flag
        relay = _Relay(self, show_progress, finish, fail)
        self._relays.add(relay)
        self._executor.submit(_execute, work, flag, relay)
        return flag

    def busy(self) -> bool:
        return bool(self._relays)

    def shutdown(self) -> None:
        """Wait for the running task (a database write must finish or roll back), drop queued ones."""
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._relays.clear()
