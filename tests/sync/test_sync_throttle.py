"""Wrong passwords at sync are slowed and audited in one place (services/throttle.py), window and
command line alike, with the login's growing wait."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from sync_sites import COMMITTEE, PASSWORD


def _audit_actions(database, action):
    from handbook_desktop.store.models import AuditLog

    with database.read() as session:
        return list(session.scalars(select(AuditLog.action).where(AuditLog.action == action)))


def test_wrong_sync_passwords_are_counted_slowed_and_audited(committee):
    from handbook_desktop.services import throttle
    from handbook_desktop.services.sync.keys import unlock

    for _ in range(3):
        with pytest.raises(throttle.WrongPassword):
            unlock(committee.database, "doan-sai-1")
    assert len(_audit_actions(committee.database, "sync_unlock_failed")) == 3
    # The fourth try is refused before the password is even tried: the right one too.
    with pytest.raises(throttle.TooManyAttempts) as refused:
        unlock(committee.database, PASSWORD)
    assert "hãy chờ" in str(refused.value) and refused.value.seconds >= 1
    assert len(_audit_actions(committee.database, "sync_unlock_failed")) == 3
    # Once the wait is over the right password opens the keys and the count starts again.
    with committee.database.session() as session:
        from handbook_desktop.services.settings import set_setting

        past = (datetime.now(timezone.utc) - timedelta(minutes=10)).isoformat()
        set_setting(session, "throttle:" + throttle.SYNC_KEYS, {"failed": 3, "last": past})
    assert unlock(committee.database, PASSWORD).unit_code == COMMITTEE
    assert throttle.wait_seconds(committee.database, throttle.SYNC_KEYS) == 0
    with pytest.raises(throttle.WrongPassword):
        unlock(committee.database, "doan-sai-2")
    assert throttle.wait_seconds(committee.database, throttle.SYNC_KEYS) == 0  # one miss: no wait yet


def test_the_command_line_shares_the_count_with_the_window(committee, tmp_path):
    from handbook_desktop.services import throttle

    committee.database.close()
    env = dict(os.environ, HANDBOOK_PASSWORD="doan-sai")
    command = [sys.executable, "-m", "handbook_desktop", "--db", str(committee.path), "sync", "identity",
               "--out", str(tmp_path / "card.json")]
    run = lambda: subprocess.run(command, capture_output=True, text=True, env=env,  # noqa: E731
                                 stdin=subprocess.DEVNULL, timeout=120)
    wrong = run()
    assert wrong.returncode == 1 and "mật khẩu không đúng" in wrong.stderr.lower()
    from handbook_desktop.store.database import Database

    with Database.open(committee.path) as database:
        # The command line signs in first (issue 13): a wrong password is the account's failed login.
        if database.encrypted:  # counted at the door, in the keyring; its audit line waits for a sign-in
            assert throttle.failures(database, "admin") == 1
        else:
            assert len(_audit_actions(database, "login_failed")) == 1
        # The window's failures count with it (a new process takes longer than the first 2 s wait).
        throttle.record_failure(database, throttle.SYNC_KEYS, "sync_unlock")
        throttle.record_failure(database, throttle.SYNC_KEYS, "sync_unlock")
        throttle.record_failure(database, throttle.SYNC_KEYS, "sync_unlock")
        throttle.record_failure(database, throttle.SYNC_KEYS, "sync_unlock")
        throttle.record_failure(database, throttle.SYNC_KEYS, "sync_unlock")
        throttle.record_failure(database, throttle.SYNC_KEYS, "sync_unlock")
        assert throttle.wait_seconds(database, throttle.SYNC_KEYS) > 10
    env["HANDBOOK_PASSWORD"] = PASSWORD
    refused = run()
    assert refused.returncode == 1 and "hãy chờ" in refused.stderr
    assert not (tmp_path / "card.json").exists()


def test_a_persons_account_counts_with_the_login(committee):
    """A person's account keeps its count on the user row: the login sees failures made elsewhere."""
    from handbook_desktop.services import throttle
    from handbook_desktop.services.auth import authenticate
    from handbook_desktop.services.errors import UserError

    for _ in range(3):
        throttle.record_failure(committee.database, "admin", "backup")
    with pytest.raises(UserError, match="hãy chờ"):
        authenticate(committee.database, "admin", PASSWORD)
    assert len(_audit_actions(committee.database, "backup_failed")) == 3
    throttle.record_success(committee.database, "admin", "backup")
    assert authenticate(committee.database, "admin", PASSWORD).username == "admin"
