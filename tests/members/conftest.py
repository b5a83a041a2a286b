"""Helpers for the member tests (fixtures live in tests/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date(2026, 11, 15)


@pytest.fixture
def add_member(db, secretary):
    """add_member(full_name, **fields) → uuid, written through the service as the secretary."""
    from handbook_desktop.services.members import create_member

    def add(full_name: str, **fields) -> str:
        with db.session() as session:
            member, _ = create_member(session, secretary, {"full_name": full_name, **fields},
                                      allow_duplicates=True,
                                      today=TODAY)
            return member.uuid

    return add
