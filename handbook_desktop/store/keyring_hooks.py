"""The keyring follows the accounts: every commit that changes an account rewrites it (store.datakey).

Before the commit the keyring gets the new wraps beside the old ones (a crash then leaves a file
that both the old and the new state of the accounts can open); after it, exactly the new ones.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import event, select

from handbook_desktop.store import datakey

_FLAG = "handbook_accounts_changed"


def _snapshot(session) -> list[SimpleNamespace]:
    from handbook_desktop.store.models import User

    rows = session.execute(select(User.username, User.role, User.active, User.password_hash,
                                  User.recovery_hash)).all()
    return [SimpleNamespace(username=r[0], role=r[1], active=r[2], password_hash=r[3], recovery_hash=r[4])
            for r in rows]


def follow_accounts(factory, file: Path, key: bytes) -> None:
    from handbook_desktop.store.models import User

    @event.listens_for(factory, "after_flush")
    def _seen(session, _context):
        if any(isinstance(item, User) for item in (*session.new, *session.dirty, *session.deleted)):
            session.info[_FLAG] = True

    @event.listens_for(factory, "before_commit")
    def _before(session):
        # Called before the commit's own flush: look at what is still to be flushed too.
        pending = any(isinstance(item, User) for item in (*session.new, *session.dirty, *session.deleted))
        if not session.info.get(_FLAG) and not pending:
            return
        session.flush()
        users = _snapshot(session)
        session.info[_FLAG] = users
        datakey.refresh(file, key, users, keep_old=True)

    @event.listens_for(factory, "after_commit")
    def _after(session):
        users = session.info.pop(_FLAG, None)
        if isinstance(users, list):
            datakey.refresh(file, key, users)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session):
        session.info.pop(_FLAG, None)
