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


def _state(session: Session, account: str) -> tuple[int, datetime | None]:
    user = _user(session, account)
    if user is not None:
        return user.failed_attempts or 0, user.last_failed_at
    from handbook_desktop.services.settings import get_setting

    value = get_setting(session, _PREFIX + account, None) or {}
    last = value.get("last")
    return int(value.get("failed", 0)), datetime.fromisoformat(last) if last else None


def _store(session: Session, account: str, failed: int, last: datetime | None) -> None:
    user = _user(session, account)
    if user is not None:
        user.failed_attempts, user.last_failed_at = failed, last
        return
    from handbook_desktop.services.settings import set_setting

    set_setting(session, _PREFIX + account, {"failed": failed, "last": last.isoformat() if last else None})


def wait_seconds(session_or_database, account: str, *, now: datetime | None = None) -> int:
    """Seconds before ``account`` may try again (0: now)."""
    from handbook_desktop.services.auth import login_delay

    now = now or datetime.now(timezone.utc)
    with _session(session_or_database) as session:
        failed, last = _state(session, account)
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
