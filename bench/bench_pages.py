"""Every page of the window at committee scale: how long until it shows its data, and the longest
single freeze of the window on the way (issue 2's window, at 50,000 members).

    python bench/bench_pages.py --db PATH     (a demo made with `demo --members 50000`)

The task runner works on the GUI thread one step at a time, so "longest step" is the longest the
window could not repaint. Pages are opened in sidebar order, as a committee's staff would.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    args = parser.parse_args()

    from PySide6.QtCore import QObject, QTimer

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store.database import Database
    from handbook_desktop.ui.app import application, open_window

    app = application([])
    database = Database.open(Path(args.db))
    started = time.perf_counter()
    window = open_window(database, Actor("admin", "secretary"))
    window.resize(1366, 768)
    window.show()
    runner = window.context.runner
    longest = [0.0]

    # Time every turn of the event loop: the longest one is the longest freeze.
    class Watch(QObject):
        def __init__(self):
            super().__init__()
            self.last = time.perf_counter()
            self.timer = QTimer(self)
            self.timer.setInterval(0)
            self.timer.timeout.connect(self.tick)
            self.timer.start()

        def tick(self):
            now = time.perf_counter()
            longest[0] = max(longest[0], now - self.last)
            self.last = now

    watch = Watch()

    def settle() -> None:
        while runner.busy():
            app.processEvents()
        for _ in range(5):
            app.processEvents()

    settle()
    print(f"window with the overview: {time.perf_counter() - started:.2f} s (longest freeze {longest[0]:.2f} s)")
    for row in range(1, window.sidebar.count()):
        longest[0] = 0.0
        watch.last = time.perf_counter()
        started = time.perf_counter()
        window.sidebar.setCurrentRow(row)
        settle()
        name = window.sidebar.item(row).text()
        print(f"{name:28} {time.perf_counter() - started:6.2f} s   longest freeze {longest[0]:5.2f} s")
    runner.shutdown()
    database.close()
    sys.stdout.flush()
    os._exit(0)  # PySide6 may trip over its own objects at interpreter exit; the figures are out


if __name__ == "__main__":
    sys.exit(main())
