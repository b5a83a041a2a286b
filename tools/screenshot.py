"""Make docs/screenshot.png: the real window on demo data, rendered offscreen.

Usage: QT_QPA_PLATFORM=offscreen python tools/screenshot.py [--page KEY] [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="members")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshot.png"))
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()
    os.environ["HANDBOOK_HOME"] = tempfile.mkdtemp(prefix="handbook-shot-")
    from PySide6.QtWidgets import QApplication

    from handbook_desktop.ui.app import build_main_window

    window = build_main_window(["--demo"])
    width, height = (int(part) for part in args.size.split("x"))
    window.resize(width, height)
    window.show()
    app = QApplication.instance()
    try:
        window.show_page(args.page)
    except KeyError:
        print(f"no page {args.page!r}; showing the first page", file=sys.stderr)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(args.out)
    print(args.out)
    window.close()
    window.context.database.close()
    sys.stdout.flush()
    os._exit(0)  # a one-shot tool: skip interpreter teardown of the Qt objects


if __name__ == "__main__":
    sys.exit(main())
