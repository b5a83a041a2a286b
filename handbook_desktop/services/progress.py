"""Long work is a generator that yields ``Progress`` and may be cancelled between steps.

The window runs such a generator on its task runner and shows a progress dialog; the command
line simply drains it. The generator's return value is the result.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Generator, Iterator


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str = ""


ProgressGen = Generator[Progress, None, Any]


class Cancelled(Exception):
    """The user pressed Hủy; the work stopped and rolled back."""


class CancelFlag:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("Đã hủy theo yêu cầu.")


def drain(work: ProgressGen, on_progress=None) -> Any:
    """Run a progress generator to its end and return its result."""
    try:
        while True:
            step = next(work)
            if on_progress is not None:
                on_progress(step)
    except StopIteration as stop:
        return stop.value


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
