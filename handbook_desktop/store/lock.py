"""One program instance per database file.

A lock file beside the database records the PC, the user, the process and the time, so that a
second start can say who holds the database. A lock left by a crash on this PC (its process is
gone) is taken over; a lock from another PC is stale only when its heartbeat is old.

Taking the lock is atomic, takeover included. A free lock is taken by creating the file
(O_CREAT|O_EXCL: one creator wins). Deciding that an existing lock is stale and removing it happens
only while holding an OS lock on a guard file beside it (flock / msvcrt.locking), so two starts
after a crash cannot both remove the dead lock and each create their own, nor can one remove the
fresh lock the other has just made. A lock file that cannot be read yet (its creator is still
writing it, or is rewriting the heartbeat) counts as held until it is old.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

STALE_AFTER = timedelta(minutes=15)  # another PC's lock without heartbeat for this long is stale
UNREADABLE_GRACE = 30.0  # seconds an unreadable lock file is taken to be in the middle of a write


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


@contextmanager
def _guard(lock_file: Path):
    """An OS lock on ``<lock>.guard`` for the time of a takeover; released by the OS if we die.

    The guard file itself is never deleted (deleting it would let a second guard be made)."""
    guard = lock_file.with_name(lock_file.name + ".guard")
    fd = os.open(guard, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for about a second, then raises
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if sys.platform == "win32":
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


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

    def _create(self, payload: bytes) -> bool:
        """Create the lock file if there is none (atomic: one creator wins)."""
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        self.held = True
        return True

    def _unreadable_age(self) -> float | None:
        try:
            return time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None

    def acquire(self) -> None:
        me = LockInfo(socket.gethostname(), getpass.getuser(), os.getpid(), _now(), _now())
        payload = json.dumps(asdict(me), ensure_ascii=False).encode("utf-8")
        if self._create(payload):
            return
        with _guard(self.path):
            # Only here is a lock file removed: what is read and judged stale stays the same file
            # until it is removed, because every other remover waits for this guard.
            if self._create(payload):
                return
            holder = self.read()
            if holder is None:
                age = self._unreadable_age()
                if age is not None and age < UNREADABLE_GRACE:
                    raise DatabaseLocked(self.database, LockInfo("?", "?", 0, _now(), _now()))
            elif not self._is_stale(holder):
                raise DatabaseLocked(self.database, holder)
            self.took_over = holder
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            if self._create(payload):
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
