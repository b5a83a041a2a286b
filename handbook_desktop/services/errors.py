"""Errors a user reads: one Vietnamese sentence saying what happened and what to do."""


class UserError(Exception):
    """Refused or failed with a message for the user (CLI exit 1, a dialog in the window)."""


class PermissionDenied(UserError):
    pass


class NotInitialised(UserError):
    def __init__(self) -> None:
        super().__init__(
            "Cơ sở dữ liệu chưa được thiết lập: hãy chạy 'handbook-desktop init' hoặc mở chương trình để thiết lập."
        )


def user_message(error: BaseException) -> str | None:
    """The Vietnamese message of an error meant for users, or ``None`` for a bug (the command line and the
    window both ask here: the errors are the services' and the store's)."""
    from handbook_desktop.domain.rules import RuleNotFound
    from handbook_desktop.store.location import DatabaseLocationError
    from handbook_desktop.store.lock import DatabaseLocked
    from handbook_desktop.store.migrate import MigrationFailed, SchemaTooNew
    from handbook_desktop.store.datakey import KeyNeeded
    from handbook_desktop.store.snapshot import SnapshotError

    if isinstance(error, (UserError, DatabaseLocked, MigrationFailed, SchemaTooNew, DatabaseLocationError,
                          SnapshotError, RuleNotFound, KeyNeeded)):
        return str(error)
    return None


# --- What the disk and SQLite say, in words a secretary can act on -------------------------------
# These are not bugs of the program but states of the PC: each gets its own sentence saying what to
# do, instead of "unexpected error: OperationalError". Read-only is recognised before "corrupted":
# a healthy file on a locked USB stick or in a folder without write permission is not damaged.

import errno as _errno

DISK_FULL = ("Ổ đĩa đã đầy nên chương trình không ghi được; việc vừa làm chưa được lưu, dữ liệu cũ vẫn "
             "nguyên vẹn. Hãy xóa bớt tệp không cần (hoặc chép các bản sao lưu cũ sang USB) rồi làm lại.")
READ_ONLY = ("Không ghi được vào {where}: tệp hoặc thư mục chỉ cho đọc (USB khóa ghi, thư mục không có quyền "
             "ghi). Dữ liệu không hỏng. Hãy chép tệp vào thư mục của mình hoặc xin quyền ghi, rồi mở lại; "
             "muốn chỉ xem thì mở ở chế độ chỉ xem.")
CORRUPTED = ("Tệp {where} không đọc được như cơ sở dữ liệu của chương trình: tệp đã hỏng hoặc không phải tệp "
             "dữ liệu. Đừng xóa hay ghi đè lên nó; hãy khôi phục bản sao lưu gần nhất (trang Sao lưu, hoặc "
             "lệnh 'handbook-desktop backup restore') — tệp hỏng được giữ lại.")

_READ_ONLY_ERRNOS = {_errno.EACCES, _errno.EPERM, _errno.EROFS}


def _chain(error: BaseException):
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack += [getattr(current, "orig", None), current.__cause__, current.__context__]


def explain_failure(error: BaseException, where: str | None = None) -> str | None:
    """The sentence for a full disk, a read-only file or folder, or a damaged database; else None."""
    place = f"'{where}'" if where else "tệp dữ liệu"
    kinds = []
    for current in _chain(error):
        text = str(current).lower()
        number = getattr(current, "errno", None) if isinstance(current, OSError) else None
        if number == _errno.ENOSPC or "disk is full" in text or "database or disk is full" in text:
            kinds.append("full")
        elif number in _READ_ONLY_ERRNOS or "readonly database" in text or "unable to open database file" in text:
            if isinstance(current, OSError) and current.filename and not where:
                place = f"'{current.filename}'"
            kinds.append("read_only")
        elif "file is not a database" in text or "disk image is malformed" in text:
            kinds.append("corrupted")
    for kind, message in (("full", DISK_FULL), ("read_only", READ_ONLY), ("corrupted", CORRUPTED)):
        if kind in kinds:
            return message.format(where=place)
    return None
