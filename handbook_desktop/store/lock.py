"""One program instance per database file.

A lock file beside the database records the PC, the user, the process and the time, so that a
second start can say who holds the database. A lock left by a crash on this PC (its process is
gone) is taken over; a lock from another PC is stale only when its heartbeat is old.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

STALE_AFTER = timedelta(minutes=15)  # another PC's lock without heartbeat for this long is stale


@dataclass
class LockInfo:
    host: str
    user: str
    pid: int
    started: str
    heartbeat: str

    def describe(self) -> str:
        when = datetime.fromisoformat(self.started).astimezone().strftime("%H:%M %d/%m/%Y")
        return f"máy {self.host}, người dùng {self.user}, tiến trình {self.pid}, mở lúc {when}"


class DatabaseLocked(Exception):
    def __init__(self, path: Path, holder: LockInfo):
        self.path = path
        self.holder = holder
        super().__init__(
            f"Cơ sở dữ liệu đang được mở ở nơi khác ({holder.describe()}). "
            "Hãy đóng chương trình ở đó, hoặc mở ở chế độ chỉ xem."
        )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
        STILL_ACTIVE = 259
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 checks existence (on Windows it would kill)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class InstanceLock:
    def __init__(self, database: Path):
        self.database = database
        self.path = lock_path_for(database)
        self.held = False
        self.took_over: LockInfo | None = None

    def read(self) -> LockInfo | None:
        try:
            return LockInfo(**json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _is_stale(self, info: LockInfo) -> bool:
        if info.host == socket.gethostname():
            return not _process_alive(info.pid) or info.pid == os.getpid()
        try:
            beat = datetime.fromisoformat(info.heartbeat)
        except ValueError:
            return True
        return datetime.now(timezone.utc) - beat > STALE_AFTER

    def acquire(self) -> None:
        me = LockInfo(socket.gethostname(), getpass.getuser(), os.getpid(), _now(), _now())
        payload = json.dumps(asdict(me), ensure_ascii=False).encode("utf-8")
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                holder = self.read()
                if holder is not None and not self._is_stale(holder):
                    raise DatabaseLocked(self.database, holder) from None
                self.took_over = holder
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
                continue
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            self.held = True
            return
        holder = self.read()
        raise DatabaseLocked(self.database, holder or me)

    def heartbeat(self) -> None:
        info = self.read()
        if self.held and info is not None and info.pid == os.getpid():
            info.heartbeat = _now()
            self.path.write_text(json.dumps(asdict(info), ensure_ascii=False), encoding="utf-8")

    def release(self) -> None:
        if not self.held:
            return
        info = self.read()
        if info is not None and info.pid == os.getpid():
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
        self.held = False
