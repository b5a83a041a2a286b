"""The one place that knows where files are.

Bundled resources (``resources/``, ``forms_templates/``) live at the repository root in a source
checkout, beside the executable in a PyInstaller build (``build.spec`` copies them to the same
relative places) and inside the package in an installed wheel (``setup.py`` copies them there). Every user folder comes from platformdirs and can be moved with ``HANDBOOK_HOME``
(tests and the portable build set it), so nothing else in the program builds a path of its own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

_DIRS = PlatformDirs(appname="SoTayChiBo", appauthor=False, roaming=False)


def bundle_root() -> Path:
    """Folder holding ``resources/`` and ``forms_templates/``: the PyInstaller bundle when frozen,
    the package itself when installed from a wheel (``setup.py`` copies both in), else the
    repository root of a source checkout or editable install."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    package = Path(__file__).resolve().parent
    if (package / "resources").is_dir():
        return package
    return package.parent


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


PRIVATE_DIR = 0o700  # the owner only: other accounts on a shared office PC read nothing
PRIVATE_FILE = 0o600


def private_umask() -> None:
    """Files this process creates from now on (database, journal, backups, logs, exports, lock) are
    the owner's only on POSIX. Called first thing by the window and the command line."""
    if os.name == "posix":
        os.umask(0o077)


def make_private(path: str | os.PathLike) -> None:
    """Owner-only permissions for a file or folder made before the umask (an older version, another
    program); a filesystem without permissions (FAT on a USB stick) is left as it is."""
    if os.name != "posix":
        return  # Windows: the data lives under the user's profile, whose ACL is the user's own
    target = Path(path)
    try:
        mode = PRIVATE_DIR if target.is_dir() else PRIVATE_FILE
        if target.stat().st_mode & 0o777 != mode:
            os.chmod(target, mode)
    except OSError:
        pass


def readable_by_others(path: str | os.PathLike) -> bool:
    if os.name != "posix":
        return False
    try:
        return bool(Path(path).stat().st_mode & 0o077)
    except OSError:
        return False


def privacy_warning() -> str | None:
    """The portable build's warning when its data folder stays open to others (a FAT stick ignores
    permissions): one Vietnamese sentence, or ``None``."""
    if not is_portable():
        return None
    folder = home()
    if folder is None or not folder.exists():
        return None
    make_private(folder)
    if readable_by_others(folder):
        return (f"Thư mục dữ liệu {folder} để người khác trên máy này đọc được (ổ USB định dạng FAT không giữ "
                "quyền riêng): hãy chép dữ liệu vào máy hoặc dùng ổ định dạng NTFS/ext4.")
    return None


def is_portable() -> bool:
    if os.environ.get("HANDBOOK_HOME") or not getattr(sys, "frozen", False):
        return False
    return (Path(sys.executable).resolve().parent / "portable.txt").exists()


def _user_dir(name: str, platform_default: Path) -> Path:
    root = home()
    path = root / name if root else platform_default
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    make_private(path)
    if root is not None:
        make_private(root)
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
