"""A committee demo (several branches), built once and copied per test, for the report tests."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest
from handbook_desktop.store.datakey import copy_database  # noqa: E402  (with its keyring)

DEMO_TODAY = date(2026, 11, 15)
PERIOD = (date(2026, 1, 1), DEMO_TODAY)


@pytest.fixture(scope="session")
def _committee_template(tmp_path_factory):
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain
    from handbook_desktop.store.database import Database

    folder = tmp_path_factory.mktemp("committee-reports")
    path = folder / "template.sqlite3"
    old = os.environ.get("HANDBOOK_HOME")
    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    try:
        with Database.open(path) as database:
            drain(generate(database, members=700, seed=5, today=DEMO_TODAY))
    finally:
        if old is None:
            os.environ.pop("HANDBOOK_HOME", None)
        else:
            os.environ["HANDBOOK_HOME"] = old
    return path


@pytest.fixture
def committee_db(_committee_template, tmp_path, monkeypatch):
    from handbook_desktop.store.database import Database

    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")  # the demo administrator signs the command line in

    target = tmp_path / "committee.sqlite3"
    copy_database(_committee_template, target)
    database = Database.open(target)
    yield database
    database.close()
