"""Wrong passwords, counted and slowed in one place for the window and the command line.

Every place that checks a secret someone types (login, unlocking the sync keys, opening an
encrypted backup …) asks ``check`` first, then tells ``record_failure`` or ``record_success``.
The wait grows like the login's (``auth.login_delay``: none for the first three, then 2, 4, 8 …
up to 5 minutes), and every failure is written to the audit log.

The count is kept with the data, so closing the window or starting the command again does not
reset it. An account that is a person (``app_user.username``) keeps it on its user row, so a
guesser cannot double the rate by alternating between the login and the command line; any other
account (``SYNC_KEYS``: the password that seals the sync keys) keeps it in the ``setting`` table.

``where`` names the door ("login", "sync_unlock", "backup" …): it goes into the audit action
(``<where>_failed``) so the history shows where someone guessed.

An encrypted database (store.datakey) cannot be read before the password is right, so there the
count of every account is kept outside it, in its keyring, for the sign-in at the door
(``door_check``/``door_failure``, before the file opens) and for every check once it is open
(idle lock, recovery code): still one counter per account. The audit lines of failures at the
door wait in the keyring until the next sign-in writes them to the log (``flush_door_log``).
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.errors import UserError

SYNC_KEYS = "khoa-dong-bo"  # the administrator's password as it seals the sync keys
_PREFIX = "throttle:"


class TooManyAttempts(UserError):
    """Refused before the password was even tried: the caller must wait."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"Đã nhập sai mật khẩu nhiều lần: hãy chờ {seconds} giây rồi thử lại.")


@contextmanager
def _session(session_or_database):
    """A Session as given, or a committed write transaction of a Database: a failure must be
    committed even when the caller goes on to raise (a rolled-back count would never grow)."""
    if isinstance(session_or_database, Session):
        yield session_or_database
        return
    with session_or_database.session() as session:
        yield session


def _user(session: Session, account: str):
    from handbook_desktop.store.models import User

    return session.scalars(select(User).where(User.username == account, User.active.is_(True))).first()


def _door_file(session: Session):
    """The database file when it is encrypted (its keyring keeps the counts), else ``None``."""
    from handbook_desktop.store import datakey
    from handbook_desktop.store.engine import sqlite_path

    try:
        file = sqlite_path(str(session.get_bind().url))
    except Exception:  # noqa: BLE001 - no bind: nothing to look at
        return None
    if file is None or not datakey.is_encrypted(file) or datakey.load_keyring(file) is None:
        return None
    return file


def _state(session: Session, account: str) -> tuple[int, datetime | None]:
    door = _door_file(session) if account != SYNC_KEYS else None
    if door is not None:
        from handbook_desktop.store import datakey

        return datakey.attempts(door, account)
    user = _user(session, account)
    if user is not None:
        return user.failed_attempts or 0, user.last_failed_at
    from handbook_desktop.services.settings import get_setting

    value = get_setting(session, _PREFIX + account, None) or {}
    last = value.get("last")
    return int(value.get("failed", 0)), datetime.fromisoformat(last) if last else None


def _store(session: Session, account: str, failed: int, last: datetime | None) -> None:
    door = _door_file(session) if account != SYNC_KEYS else None
    if door is not None:
        from handbook_desktop.store import datakey

        datakey.set_attempts(door, account, failed, last)
        return
    user = _user(session, account)
    if user is not None:
        user.failed_attempts, user.last_failed_at = failed, last
        return
    from handbook_desktop.services.settings import set_setting

    set_setting(session, _PREFIX + account, {"failed": failed, "last": last.isoformat() if last else None})


def wait_seconds(session_or_database, account: str, *, now: datetime | None = None) -> int:
    """Seconds before ``account`` may try again (0: now)."""
    with _session(session_or_database) as session:
        failed, last = _state(session, account)
    return _remaining(failed, last, now)


def _remaining(failed: int, last: datetime | None, now: datetime | None = None) -> int:
    from handbook_desktop.services.auth import login_delay

    now = now or datetime.now(timezone.utc)
    if last is None:
        return 0
    if last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    remaining = (last + login_delay(failed) - now).total_seconds()
    return int(remaining) + 1 if remaining > 0 else 0


def check(session_or_database, account: str, where: str) -> None:
    """Raises TooManyAttempts when ``account`` must still wait after earlier wrong passwords."""
    seconds = wait_seconds(session_or_database, account)
    if seconds:
        raise TooManyAttempts(seconds)


def record_failure(session_or_database, account: str, where: str, *, actor=None, detail=None) -> int:
    """Count a wrong password and write it to the audit log; returns the count so far."""
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.auth import Actor

    with _session(session_or_database) as session:
        failed, _last = _state(session, account)
        failed += 1
        _store(session, account, failed, datetime.now(timezone.utc))
        who = actor or Actor(account or "?", "viewer")
        record(session, who, f"{where}_failed", entity="account", detail=detail or {"account": account,
                                                                                      "attempts": failed})
        return failed


def record_success(session_or_database, account: str, where: str) -> None:
    """The right password: the count starts again."""
    with _session(session_or_database) as session:
        failed, last = _state(session, account)
        if failed or last is not None:
            _store(session, account, 0, None)


def failures(session_or_database, account: str) -> int:
    """The wrong passwords counted for ``account`` so far (wherever they are kept)."""
    with _session(session_or_database) as session:
        return _state(session, account)[0]


def reset(session_or_database, account: str) -> None:
    """The count starts again (a password set by the administrator or by the recovery code)."""
    with _session(session_or_database) as session:
        _store(session, account, 0, None)


def set_last_failure(session_or_database, account: str, when: datetime) -> None:
    """Move the last failure back in time (tests: the wait has passed)."""
    with _session(session_or_database) as session:
        failed, _last = _state(session, account)
        _store(session, account, failed, when)


def guarded(database, account: str, where: str, attempt, *, actor=None):
    """``attempt()`` behind the throttle: returns its value, or counts its failure.

    ``attempt`` raises ``WrongPassword`` (or returns normally); anything else passes through
    uncounted (a missing file is not a guess)."""
    check(database, account, where)
    try:
        result = attempt()
    except WrongPassword:
        record_failure(database, account, where, actor=actor)
        raise
    record_success(database, account, where)
    return result


class WrongPassword(UserError):
    """The password typed does not open what it should (counted by ``guarded``)."""


# --- at the door of an encrypted database, before it can be opened -----------------------------

def door_check(database_file, account: str) -> None:
    from handbook_desktop.store import datakey

    seconds = _remaining(*datakey.attempts(database_file, account))
    if seconds:
        raise TooManyAttempts(seconds)


def door_failure(database_file, account: str, where: str, detail: str | None = None) -> int:
    from handbook_desktop.store import datakey

    failed, _last = datakey.attempts(database_file, account)
    failed += 1
    datakey.set_attempts(database_file, account, failed, datetime.now(timezone.utc),
                         {"account": account, "where": where, "attempts": failed, "detail": detail})
    return failed


def flush_door_log(session: Session) -> int:
    """Write the failures counted at the door while the file was shut into the audit log."""
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.auth import Actor
    from handbook_desktop.store import datakey

    door = _door_file(session)
    if door is None:
        return 0
    lines = datakey.take_log(door)
    for line in lines:
        account = str(line.get("account") or "?")
        record(session, Actor(account, "viewer"), f"{line.get('where') or 'login'}_failed", entity="account",
               detail={"account": account, "attempts": line.get("attempts"), "at": line.get("at"),
                       "door": True, **({"detail": line["detail"]} if line.get("detail") else {})})
    return len(lines)
