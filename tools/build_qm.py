"""Compile the program's Vietnamese translation of Qt's own texts: resources/qt_vi.ts → .qm.

    python tools/build_qm.py [OUT.qm]      (default: resources/qt_vi.qm, which git ignores)

build.spec runs it so the Windows build ships the .qm; elsewhere the window compiles the .ts on
first start (ui/i18n.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook_desktop.ui.i18n import compile_translation  # noqa: E402


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "resources" / "qt_vi.qm"
    compile_translation(ROOT / "resources" / "qt_vi.ts", target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
