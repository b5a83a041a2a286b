"""A small branch with every kind of member a roll call meets (tests/meetings)."""

import pytest

from meetings_people import PEOPLE, add_people  # noqa: F401


@pytest.fixture
def branch(db):
    return db, add_people(db)
