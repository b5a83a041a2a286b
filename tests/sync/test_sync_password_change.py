"""Changing the administrator's password keeps the sync keys usable (they are resealed with it)."""

from __future__ import annotations

import pytest

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.keys import unlock
from handbook_desktop.services.users import change_password

OLD = "matkhau123"
NEW = "matkhau-moi-456"


def test_keys_follow_the_administrators_new_password(db, secretary):
    before = unlock(db, OLD)
    change_password(db, secretary, OLD, NEW)
    after = unlock(db, NEW)
    assert after.active_id == before.active_id
    assert set(after.sign) == set(before.sign)
    with pytest.raises(UserError):
        unlock(db, OLD)


def _private_bytes(keyring) -> dict[str, bytes]:
    return {key_id: key.private_bytes_raw() for key_id, key in keyring.sign.items()}


def test_a_password_reset_with_the_recovery_code_keeps_the_keys(tmp_path):
    """The administrator forgot the password: the recovery code resets it, and the sync keys —
    the first one and one made later by a rotation — open under the new password, unchanged."""
    from datetime import date

    from sqlalchemy import select

    from handbook_desktop.services.auth import Actor
    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync.keys import rotate_keys
    from handbook_desktop.services.users import new_recovery_code, recover_with_code
    from handbook_desktop.store.database import Database
    from handbook_desktop.store.models import KeyEscrow, SyncKey

    admin = Actor("admin", "secretary")
    with Database.open(tmp_path / "cb.sqlite3") as database:
        made = initialise(database, HomeUnitSpec("CB-R", "Chi bộ R", "chi-bo", term_start=date(2025, 7, 1)),
                          "admin", OLD)
        rotate_keys(database, admin, OLD)  # a key made when nobody typed the recovery code
        before = _private_bytes(unlock(database, OLD))
        assert len(before) == 2

        # typed without dashes and in lower case, as a tired secretary might
        fresh = recover_with_code(database, "admin", made.recovery_code.replace("-", " ").lower(), NEW)
        after = unlock(database, NEW)
        assert _private_bytes(after) == before and after.active_id == unlock(database, NEW).active_id
        with pytest.raises(UserError):
            unlock(database, OLD)

        # A new code (asked with the password) makes a new escrow; the one before is gone.
        with database.read() as session:
            first_escrow = session.scalars(select(KeyEscrow.public)).one()
        newest = new_recovery_code(database, admin, NEW)
        with database.read() as session:
            assert session.scalars(select(KeyEscrow.public)).all() != [first_escrow]
            assert all(row.recovery_sealed for row in session.scalars(select(SyncKey)))
        assert newest != fresh
        recover_with_code(database, "admin", newest, "matkhau-thu-ba-789")
        assert _private_bytes(unlock(database, "matkhau-thu-ba-789")) == before


def test_a_spent_code_opens_no_key(tmp_path):
    from datetime import date

    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync import escrow
    from handbook_desktop.services.users import recover_with_code
    from handbook_desktop.store.database import Database

    with Database.open(tmp_path / "cb.sqlite3") as database:
        made = initialise(database, HomeUnitSpec("CB-S", "Chi bộ S", "chi-bo", term_start=date(2025, 7, 1)),
                          "admin", OLD)
        with database.read() as session:
            assert len(escrow.recover(session, made.recovery_code)) == 1
        fresh = recover_with_code(database, "admin", made.recovery_code, NEW)
        with database.read() as session:
            assert escrow.recover(session, made.recovery_code) == {}  # the spent code
            assert len(escrow.recover(session, fresh)) == 1
