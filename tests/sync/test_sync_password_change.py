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
