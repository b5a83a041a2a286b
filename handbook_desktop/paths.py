"""The one place that knows where files are.

Bundled resources (``resources/``, ``forms_templates/``) live at the repository root in a source
checkout and beside the executable in a PyInstaller build; ``build.spec`` copies them to the same
relative places. Every user folder comes from platformdirs and can be moved with ``HANDBOOK_HOME``
(tests and the portable build set it), so nothing else in the program builds a path of its own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs(appname="SoTayChiBo", appauthor=False, roaming=False)


def bundle_root() -> Path:
    """Folder holding ``resources/`` and ``forms_templates/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return bundle_root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def builtin_templates_dir() -> Path:
    return bundle_root() / "forms_templates"


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "store" / "migrations"


def home() -> Path | None:
    """``HANDBOOK_HOME``, or for the portable build (a ``portable.txt`` beside the program) the
    ``DuLieu`` folder beside it, so a USB stick carries program and data together."""
    value = os.environ.get("HANDBOOK_HOME")
    if value:
        return Path(value).expanduser()
    if getattr(sys, "frozen", False):
        program_dir = Path(sys.executable).resolve().parent
        if (program_dir / "portable.txt").exists():
            return program_dir / "DuLieu"
    return None


def _user_dir(name: str, platform_default: Path) -> Path:
    root = home()
    path = root / name if root else platform_default
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    return _user_dir("data", Path(_DIRS.user_data_dir))


def backups_dir() -> Path:
    return _user_dir("backups", Path(_DIRS.user_data_dir) / "backups")


def logs_dir() -> Path:
    return _user_dir("logs", Path(_DIRS.user_log_dir))


def user_templates_dir() -> Path:
    return _user_dir("templates", Path(_DIRS.user_data_dir) / "templates")


def attachments_dir() -> Path:
    return _user_dir("attachments", Path(_DIRS.user_data_dir) / "attachments")


def drafts_dir() -> Path:
    """Typed text not yet saved (minutes, records), kept so a crash or a kill loses nothing."""
    return _user_dir("drafts", Path(_DIRS.user_data_dir) / "drafts")


def settings_file() -> Path:
    return data_dir() / "settings.json"


def default_database() -> str:
    """The user's database: ``HANDBOOK_DB`` if set, else ``handbook.sqlite3`` in the data folder."""
    env = os.environ.get("HANDBOOK_DB")
    if env:
        return env
    return str(data_dir() / "handbook.sqlite3")


def demo_database() -> Path:
    return data_dir() / "demo.sqlite3"
