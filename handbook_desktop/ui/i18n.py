"""User text goes through ``tr()``; Qt's own buttons, dialogs and context menus read Vietnamese
through the program's own translation, because Qt ships no ``qtbase_vi``.

The source is ``resources/qt_vi.ts`` (plain XML, reviewed like code). It is compiled to
``qt_vi.qm`` with the ``lrelease`` that comes with PySide6: at build time by ``build.spec``
(``tools/build_qm.py``), and otherwise — a source checkout, an installed wheel — on first start,
into the data folder, again whenever the ``.ts`` is newer.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from handbook_desktop import paths

log = logging.getLogger(__name__)
_translators: list[QTranslator] = []
TRANSLATION = "qt_vi"


def tr(text: str, context: str = "handbook") -> str:
    return QCoreApplication.translate(context, text)


def lrelease_program() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / ("lrelease.exe" if sys.platform == "win32" else "lrelease")


def compile_translation(source: Path, target: Path) -> None:
    """``.ts`` → ``.qm`` with PySide6's lrelease; raises if it fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(lrelease_program()), "-silent", str(source), "-qm", str(target)],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or not target.exists():
        raise RuntimeError(f"lrelease failed ({done.returncode}): {done.stderr.strip()}")


def _newer(target: Path, source: Path) -> bool:
    return target.exists() and (not source.exists() or target.stat().st_mtime >= source.stat().st_mtime)


def qt_translation_file() -> Path | None:
    """The compiled translation of Qt's own texts: shipped with the build, else made from the source."""
    shipped, source = paths.resource(f"{TRANSLATION}.qm"), paths.resource(f"{TRANSLATION}.ts")
    if _newer(shipped, source) or (getattr(sys, "frozen", False) and shipped.exists()):
        return shipped
    if not source.exists():
        return None
    made = paths.data_dir() / f"{TRANSLATION}.qm"
    if not _newer(made, source):
        try:
            compile_translation(source, made)
        except (OSError, RuntimeError, subprocess.SubprocessError):
            log.exception("Qt's Vietnamese translation could not be compiled; Qt's buttons stay in English")
            return None
    return made


def install_translations(app) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    candidates = [(name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) for name in ("qtbase_vi",)]
    own = qt_translation_file()
    if own is not None:
        candidates.append((own.stem, str(own.parent)))
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
