"""The door of an encrypted database (issue 13 §3): the sign-in that comes before the file can be read.

An encrypted SQLite database (store.datakey) opens only with its data key, which its keyring gives
back for an account's password or a recovery code. The window's login and the command line call
``unlock`` before ``Database.open``; the usual ``auth.authenticate`` follows once it is open (the
role, the account being active, the audit line), without a second Argon2id run. Wrong passwords at
the door are counted and slowed in the keyring (services.throttle), since nothing inside the file
can be written yet, and reach the audit log at the next sign-in.
"""

from __future__ import annotations

from pathlib import Path

from handbook_desktop.services.errors import UserError
from handbook_desktop.store import datakey
from handbook_desktop.store.engine import sqlite_path, to_url

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


class BackupKeyNeeded(UserError):
    """A backup under another database's key, and no password or code given for it."""


def database_file(target) -> Path | None:
    return sqlite_path(to_url(target))


def needs_key(target) -> bool:
    """An encrypted SQLite file whose key this process does not hold yet."""
    file = database_file(target)
    return file is not None and datakey.is_encrypted(file) and datakey.key_for_file(file) is None


def require_keyring(target) -> None:
    """Before asking a password: a file that looks encrypted but has no keyring is damaged, or was
    copied without it — say so instead of asking."""
    file = database_file(target)
    if file is not None and datakey.is_encrypted(file) and datakey.load_keyring(file) is None \
            and datakey.key_for_file(file) is None:
        raise datakey.KeyringMissing(file)


def _ring(file: Path) -> dict:
    ring = datakey.load_keyring(file)
    if ring is None:
        raise datakey.KeyringMissing(file)
    return ring


def _at_the_door(file: Path, username: str) -> tuple[str, dict]:
    """The name as typed (trimmed) and the file's keyring, once the wait after wrong attempts is over."""
    from handbook_desktop.services import throttle

    name = (username or "").strip()
    ring = _ring(file)
    throttle.door_check(file, name)
    return name, ring


def default_account(target) -> str:
    """The administrator named in the keyring (the first secretary), for a prompt's default."""
    file = database_file(target)
    ring = datakey.load_keyring(file) if file else None
    accounts = (ring or {}).get("accounts", {})
    for name, entry in sorted(accounts.items()):
        if entry.get("role") == "secretary":
            return name
    return next(iter(sorted(accounts)), "")


def label(target) -> str:
    file = database_file(target)
    ring = datakey.load_keyring(file) if file else None
    return (ring or {}).get("label") or (file.stem if file else "")


def unlock(target, username: str, password: str) -> None:
    """Open the key of ``target`` with an account's password; counted and slowed when wrong."""
    from handbook_desktop.services import throttle

    if not needs_key(target):
        return
    file = database_file(target)
    name, ring = _at_the_door(file, username)
    if datakey.unlock(ring, name, password) is None:
        # The same Argon2id cost when the name has no entry: the timing does not tell which names exist.
        if name not in ring.get("accounts", {}):
            datakey.unlock({"accounts": {"?": next(iter(ring.get("accounts", {}).values()), {})}}, "?", password)
        throttle.door_failure(file, name, "login", None if name in ring.get("accounts", {}) else "không có tài khoản")
        raise UserError(WRONG)


def unlock_with_code(target, username: str, code: str) -> None:
    """Open the key of ``target`` with the recovery code of ``username`` (a forgotten password)."""
    from handbook_desktop.services import throttle

    if not needs_key(target):
        return
    file = database_file(target)
    name, ring = _at_the_door(file, username)
    only_code = {**ring, "accounts": {}}
    if name not in ring.get("recovery", {}) or datakey.unlock(only_code, name, code) is None:
        throttle.door_failure(file, name, "recovery")
        raise UserError("Mã khôi phục không đúng.")


def recover(target, username: str, code: str, new_password: str) -> str:
    """The forgotten password at the door: the recovery code opens the key, then sets the new
    password (services.users.recover_with_code); returns the new recovery code."""
    from handbook_desktop.services.users import recover_with_code
    from handbook_desktop.store.database import Database

    unlock_with_code(target, username, code)
    with Database.open(target) as database:
        return recover_with_code(database, username, code, new_password)


def backup_key(info, secret: str | None) -> None:
    """Make sure the data key of a backup is held: it is this database's (known), or the password
    of one of the backup's accounts or its recovery code opens the wraps its manifest carries."""
    key_id = getattr(info, "key_id", None)
    if not key_id or datakey.known(key_id):
        return
    keys = getattr(info, "keys", None)
    if not keys:
        raise UserError(f"Bản sao lưu '{info.id}' được mã hóa nhưng tệp mô tả của nó không còn khóa: "
                        "không mở được.")
    if not secret:
        raise BackupKeyNeeded(f"Bản sao lưu '{info.id}' được mã hóa bằng khóa của một cơ sở dữ liệu khác: hãy nhập "
                        "mật khẩu của một tài khoản lúc sao lưu, hoặc mã khôi phục.")
    if datakey.unlock(keys, None, secret) is None:
        from handbook_desktop.services.backup.crypto import WrongPassword

        raise WrongPassword("Mật khẩu hoặc mã khôi phục không mở được bản sao lưu này.")
