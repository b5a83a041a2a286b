"""Accounts, passwords and roles. Every service that changes data asks the actor first.

Passwords are hashed with Argon2id (memory-hard: a stolen database file does not give up its
passwords to a graphics card); the parameters travel inside the stored hash so they can grow.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from sqlalchemy import select

from handbook_desktop.services.errors import PermissionDenied, UserError
from handbook_desktop.store.models import User

ROLES = {
    "secretary": "Bí thư (toàn quyền)",
    "deputy": "Phó bí thư",
    "viewer": "Chỉ xem",
}
# What each role may do; the UI hides buttons, but this is the check that counts.
PERMISSIONS = {
    "secretary": {"read", "write", "settings", "keys", "restore", "users"},
    "deputy": {"read", "write"},
    "viewer": {"read"},
}

_MEMORY_KIB = 64 * 1024
_ITERATIONS = 3
_LANES = 4
DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class Actor:
    """Who is acting: every audit entry names them, every change checks their role."""

    username: str
    role: str

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, set())

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"Tài khoản '{self.username}' ({ROLES.get(self.role, self.role)}) không có quyền làm việc này."
            )


# The command line runs with the rights of whoever can open the database file.
SYSTEM = Actor("he-thong", "secretary")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, memory: int, iterations: int, lanes: int) -> bytes:
    kdf = Argon2id(salt=salt, length=32, iterations=iterations, lanes=lanes, memory_cost=memory)
    return kdf.derive(password.encode("utf-8"))


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _derive(password, salt, _MEMORY_KIB, _ITERATIONS, _LANES)
    return f"argon2id$m={_MEMORY_KIB},t={_ITERATIONS},p={_LANES}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, params, salt, digest = stored.split("$")
        values = dict(item.split("=") for item in params.split(","))
        if scheme != "argon2id":
            return False
        candidate = _derive(password, _unb64(salt), int(values["m"]), int(values["t"]), int(values["p"]))
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest))


def make_recovery_code() -> str:
    """A code printed at setup to reset a lost administrator password: 5 groups of 4."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def validate_new_password(password: str) -> None:
    if len(password) < 8:
        raise UserError("Mật khẩu cần ít nhất 8 ký tự.")


def login_delay(failed_attempts: int) -> timedelta:
    """Growing wait after failed attempts (services.throttle applies it): none for the first three, then 2, 4, 8 … up to 5 minutes."""
    if failed_attempts < 3:
        return timedelta(0)
    return timedelta(seconds=min(300, 2 ** (failed_attempts - 2)))


def authenticate(database, username: str, password: str, *, audit_success: bool = True) -> Actor:
    """See ``_authenticate``. A database opened read-only (view mode, while another copy holds it)
    would roll the failed-attempt count back, and guesses there would never be slowed: the check
    then goes through a second, writable handle without the instance lock (SQLite serialises it)."""
    if not getattr(database, "readonly", False) or not database.is_sqlite or database.file is None:
        return _authenticate(database, username, password, audit_success=audit_success)
    from handbook_desktop.store.database import Database

    try:
        side = Database.open(database.file, lock=False, migrate=False)
    except Exception:  # noqa: BLE001 - a file we may not write: the check still runs, uncounted
        return _authenticate(database, username, password, audit_success=audit_success)
    try:
        return _authenticate(side, username, password, audit_success=audit_success)
    finally:
        side.close()


def _authenticate(database, username: str, password: str, *, audit_success: bool = True) -> Actor:
    """Check a login; records the attempt in the audit log (a success only with ``audit_success``:
    the command line, whose commands audit what they do under the account's name, writes nothing
    when a dry run signs in). Wrong passwords are counted and slowed by services.throttle, the one
    counter the window and the command line share."""
    from handbook_desktop.services import throttle
    from handbook_desktop.services.audit import record
    from handbook_desktop.store import datakey

    name = (username or "").strip()
    # A failed attempt must be committed (count, time, audit entry) before the error is raised:
    # raising inside the session block would roll it back and the growing wait would never grow.
    refusal = None
    with database.session() as session:
        throttle.check(session, name, "login")
        user = session.scalars(select(User).where(User.username == name, User.active.is_(True))).first()
        if user is None:
            verify_password(password, _DUMMY_HASH)  # the same cost: timing does not tell which names exist
            throttle.record_failure(session, name, "login", detail="không có tài khoản")
            refusal = "Tên đăng nhập hoặc mật khẩu không đúng."
        elif not (datakey.proven(database.file, name, password) or verify_password(password, user.password_hash)):
            throttle.record_failure(session, name, "login", actor=Actor(user.username, user.role))
            refusal = "Tên đăng nhập hoặc mật khẩu không đúng."
        else:
            throttle.record_success(session, name, "login")
            throttle.flush_door_log(session)
            actor = Actor(user.username, user.role)
            if datakey.is_legacy(database.file, "account:" + name) and not getattr(database, "readonly", False):
                # Converted from a plain file whose copies hold this digest: hash anew, so that the
                # keyring (store.datakey) no longer opens with what an old plain copy gives away.
                user.password_hash = hash_password(password)
            if audit_success:
                record(session, actor, "login")
    if refusal:
        raise UserError(refusal)
    return actor


_DUMMY_HASH = "argon2id$m=65536,t=3,p=4$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
