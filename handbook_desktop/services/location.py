"""Where the data lives: warnings for places that are legal but risky.

A live database on a network share is refused outright (store.location). A synced cloud folder
(OneDrive, Google Drive, Dropbox…) is allowed but warned about: the sync client copies the file
while it is being written and can bring back an old or half copy, and the data leaves the PC.
A removable drive is warned about too: pulled out while the program writes, the file is damaged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CLOUD_FOLDERS = {
    "onedrive": "OneDrive", "google drive": "Google Drive", "googledrive": "Google Drive", "my drive": "Google Drive",
    "drivefs": "Google Drive", "dropbox": "Dropbox", "icloud drive": "iCloud", "iclouddrive": "iCloud",
    "mobile documents": "iCloud", "box": "Box", "box sync": "Box", "pcloud": "pCloud", "pcloud drive": "pCloud",
    "mega": "MEGA", "megasync": "MEGA", "yandex.disk": "Yandex Disk", "nextcloud": "Nextcloud",
    "owncloud": "ownCloud", "sync": None,
}


def cloud_service(path: Path) -> str | None:
    """The name of the sync service whose folder holds ``path``, or None."""
    for part in Path(path).parts:
        name = part.lower()
        service = CLOUD_FOLDERS.get(name)
        if service:
            return service
        if name.startswith("onedrive -") or name.startswith("onedrive-"):
            return "OneDrive"
        if name.startswith("dropbox (") or name.startswith("google drive ("):
            return name.split(" (")[0].title()
    for variable, service in (("OneDrive", "OneDrive"), ("OneDriveCommercial", "OneDrive"),
                              ("OneDriveConsumer", "OneDrive")):
        root = os.environ.get(variable)
        if root and _inside(path, Path(root)):
            return service
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def is_removable(path: Path) -> bool:
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(str(Path(path).resolve()))[0]
        if drive:
            DRIVE_REMOVABLE = 2
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOVABLE
        return False
    resolved = str(Path(path).resolve())
    if sys.platform == "darwin":
        return resolved.startswith("/Volumes/")
    return resolved.startswith(("/media/", "/run/media/", "/mnt/"))


def location_warnings(path: Path | None) -> list[str]:
    """Sentences for the secretary about where the database file sits (empty when all is well)."""
    if path is None:
        return []
    warnings = []
    service = cloud_service(path)
    if service:
        warnings.append(
            f"Tệp dữ liệu đang nằm trong thư mục đồng bộ {service}: dịch vụ này có thể chép tệp khi đang ghi "
            "và làm hỏng dữ liệu, đồng thời đưa dữ liệu cá nhân lên mạng. Nên chuyển tệp về thư mục riêng trên "
            "máy (ví dụ Tài liệu) và dùng Sao lưu để chép sang USB.")
    if is_removable(path):
        warnings.append(
            "Tệp dữ liệu đang nằm trên ổ đĩa rời (USB): rút ra khi chương trình đang ghi sẽ làm hỏng dữ liệu. "
            "Nên để tệp trên ổ đĩa của máy, chỉ dùng USB làm nơi sao lưu thứ hai.")
    return warnings
