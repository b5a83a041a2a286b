"""A committee demo (several branches), built once and copied per test, for the report tests."""

from __future__ import annotations

from datetime import date

import pytest
from handbook_desktop.store.datakey import copy_database  # noqa: E402  (with its keyring)
from tests.conftest import make_template

DEMO_TODAY = date(2026, 11, 15)
PERIOD = (date(2026, 1, 1), DEMO_TODAY)


@pytest.fixture(scope="session")
def _committee_template(tmp_path_factory):
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain

    return make_template(tmp_path_factory.mktemp("committee-reports"),
                         lambda database: drain(generate(database, members=700, seed=5, today=DEMO_TODAY)))


@pytest.fixture
def committee_db(_committee_template, tmp_path, monkeypatch):
    from handbook_desktop.store.database import Database

    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")  # the demo administrator signs the command line in

    target = tmp_path / "committee.sqlite3"
    copy_database(_committee_template, target)
    database = Database.open(target)
    yield database
    database.close()
