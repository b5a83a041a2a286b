"""The program opens on demo data, every page is built, and it exits cleanly (code 0, no crash on the way out)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QTimer
import handbook_desktop.ui.app as app

original = app.build_main_window

def build(argv):
    window = original(argv)
    def visit_and_close():
        for row in range(window.sidebar.count()):
            window.sidebar.setCurrentRow(row)
        QTimer.singleShot(1500, window.close)
    QTimer.singleShot(1500, visit_and_close)
    return window

app.build_main_window = build
sys.exit(app.run_gui(["--demo"]))
"""


def test_window_opens_visits_every_page_and_exits_cleanly(tmp_path):
    env = dict(os.environ, HANDBOOK_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Fatal Python error" not in result.stderr
