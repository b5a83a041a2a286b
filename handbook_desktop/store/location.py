"""Where a database may live: never a live database on a network share (SQLite locking is not
reliable over SMB and a dropped connection corrupts the file)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


class DatabaseLocationError(Exception):
    """The database sits where it must not (a network share)."""


def is_network_path(path: Path) -> bool:
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(str(path.resolve()))[0]
        if drive:
            DRIVE_REMOTE = 4
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE
    return False


def check_database_location(path: Path) -> None:
    if is_network_path(path):
        raise DatabaseLocationError(
            f"Cơ sở dữ liệu '{path}' nằm trên ổ mạng: không thể mở trực tiếp vì dễ hỏng dữ liệu. "
            "Hãy chép tệp về ổ đĩa của máy này rồi mở lại."
        )
