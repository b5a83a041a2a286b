"""Migrations: the schema equals the models; upgrades keep data; a failure or a kill leaves the old
database usable and a verified backup beside it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from handbook_desktop import paths
from handbook_desktop.store import search_index
from handbook_desktop.store.database import Database
from handbook_desktop.store.migrate import MigrationFailed, SchemaTooNew, head_revision
from handbook_desktop.store.models import Base
from handbook_desktop.store.snapshot import integrity_ok
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "databases"


def _revision(path: Path) -> str:
    with datakey.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _members(path: Path) -> list[tuple]:
    with datakey.connect(path) as connection:
        return connection.execute("SELECT uuid, full_name, date_of_birth FROM member ORDER BY uuid").fetchall()


def test_migrated_schema_equals_the_models(tmp_path):
    with Database.open(tmp_path / "fresh.sqlite3") as database:
        with database.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False, "include_name": search_index.not_in_models}),
                                    Base.metadata)
    assert diff == [], f"models and migrations differ: {diff[:5]}"


@pytest.fixture
def old_database(tmp_path) -> Path:
    target = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURES / "schema_0001.db", target)
    return target


def test_a_released_schema_upgrades_with_its_data_and_a_verified_backup(old_database):
    before = _members(old_database)
    assert _revision(old_database) == "0001" and len(before) == 40
    with Database.open(old_database) as database:
        assert database.migration.before == "0001"
        backup = database.migration.backup
    assert _revision(old_database) == head_revision()
    assert _members(old_database) == before
    assert backup is not None and backup.parent == paths.backups_dir()
    assert integrity_ok(backup)[0]
    assert _members(backup) == before and _revision(backup) == "0001"


def test_the_search_key_is_filled_for_members_already_there(old_database):
    """0008 computes the search key of every existing member, so the old register is searchable
    by name, phone and card number at once."""
    from handbook_desktop.domain.text import search_key
    from handbook_desktop.services.members import MemberFilter, count_members, fetch_page

    with Database.open(old_database) as database, database.read() as session:
        rows = session.execute(sa.text("SELECT full_name, phone, party_card_number, search_key FROM member")).all()
        assert len(rows) == 40
        assert all(row.search_key == search_key(row.full_name, row.phone, row.party_card_number) for row in rows)
        assert count_members(session, MemberFilter(search="cuong 0987")) == 1
        (found,) = fetch_page(session, MemberFilter(search="77.0315"), 0, 10)
        assert found["full_name"] == "Lê Xuân Cường"


def test_a_failed_migration_leaves_the_old_database(old_database, monkeypatch):
    before = _members(old_database)
    monkeypatch.setenv("HANDBOOK_TEST_MIGRATION_FAIL", "1")
    with pytest.raises(MigrationFailed) as failed:
        Database.open(old_database)
    assert "dữ liệu cũ vẫn giữ nguyên" in str(failed.value)
    assert _revision(old_database) == "0001"
    assert _members(old_database) == before
    assert integrity_ok(old_database)[0]
    # The lock was released: the next start can open it.
    monkeypatch.delenv("HANDBOOK_TEST_MIGRATION_FAIL")
    with Database.open(old_database) as database:
        assert database.migration.after == head_revision()


def test_a_process_killed_during_migration_leaves_a_database_that_opens(old_database, tmp_path, handbook_home):
    before = _members(old_database)
    marker = tmp_path / "migrating.marker"
    env = dict(os.environ, HANDBOOK_TEST_MIGRATION_PAUSE="60", HANDBOOK_TEST_MIGRATION_MARKER=str(marker),
               HANDBOOK_HOME=str(handbook_home))
    process = subprocess.Popen([sys.executable, "-m", "handbook_desktop", "--db", str(old_database), "info"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert integrity_ok(old_database)[0]
    assert _revision(old_database) in {"0001", head_revision()}
    assert _members(old_database) == before
    backups = list(paths.backups_dir().glob("old-truoc-nang-cap-0001-*.sqlite3"))
    assert len(backups) == 1 and integrity_ok(backups[0])[0]
    assert _members(backups[0]) == before
    with Database.open(old_database) as database:  # the next start finishes the job
        assert database.migration.after == head_revision()
    assert _members(old_database) == before


def test_a_database_from_a_newer_program_is_refused(old_database):
    with datakey.connect(old_database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaTooNew) as refused:
        Database.open(old_database)
    assert "phiên bản chương trình mới hơn" in str(refused.value)
    assert _revision(old_database) == "9999"
