"""The member search index (issue 18 §4): FTS5 trigram over ``search_key`` on SQLite, kept by
triggers on every write path, built by migration 0017 for an existing register; answers the same
as the plain scan."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text

from handbook_desktop.services.members import MemberFilter, count_members, fetch_page, first_page
from handbook_desktop.services.members import query
from handbook_desktop.services.members.records import create_member, update_member
from handbook_desktop.store import search_index
from handbook_desktop.store.database import Database
from handbook_desktop.store.events import member_shadow_columns
from handbook_desktop.store.models import Member, Unit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "databases"
TODAY = date(2026, 11, 15)


def _indexed_ids(session, word: str) -> set[int]:
    return set(session.scalars(text(f"SELECT rowid FROM {search_index.FTS} WHERE {search_index.FTS} MATCH :q"),
                               {"q": f'"{word}"'}))


def _names(session, flt: MemberFilter) -> list[str]:
    return [row["full_name"] for row in fetch_page(session, flt, 0, 500)]


def test_every_write_path_keeps_the_index(db, secretary):
    with db.immediate() as session:
        member, _ = create_member(session, secretary, {"full_name": "Đặng Thị Quỳnh", "gender": "female",
                                                       "date_of_birth": date(1980, 3, 2)}, today=TODAY)
        uuid, member_id = member.uuid, member.id
    with db.read() as session:
        assert search_index.present(session.connection())
        assert member_id in _indexed_ids(session, "quynh")  # accents and đ folded: "dang thi quynh"
        assert member_id in _indexed_ids(session, "dang")
    with db.immediate() as session:
        update_member(session, secretary, uuid, {"full_name": "Đặng Thị Quyên"}, today=TODAY)
    with db.read() as session:
        assert member_id not in _indexed_ids(session, "quynh")  # the old name left the index
        assert member_id in _indexed_ids(session, "quyen")
        assert _names(session, MemberFilter(search="Quyên")) == ["Đặng Thị Quyên"]
        assert _names(session, MemberFilter(search="quynh")) == []
    # A bulk insert that bypasses the session (demo, sheets, sync packages) is indexed too.
    with db.immediate() as session:
        unit = session.scalars(select(Unit.id, Unit.code)).first()
        row = {"uuid": "00000000-0000-4000-8000-000000000001", "unit_id": unit, "origin_unit": "X",
               "full_name": "Lò Văn Pằng", "status": "official", "party_position": "member"}
        row.update(member_shadow_columns(row["full_name"]))
        session.execute(insert(Member), [row])
    with db.read() as session:
        assert _names(session, MemberFilter(search="pang")) == ["Lò Văn Pằng"]
    with db.immediate() as session:
        session.execute(delete(Member).where(Member.full_name == "Lò Văn Pằng"))
    with db.read() as session:
        assert _indexed_ids(session, "pang") == set()


@pytest.mark.parametrize("search", ["nguyen", "Nguyễn Văn", "thi", "ĐỨC", "an", "h", "zzq", "van anh", "0912",
                                    "09", "01.2", "tran t", "ngu yen"])
def test_the_index_finds_what_the_scan_finds(demo_db, search, monkeypatch):
    """Every kind of input (a common word, a rare one, a short one, a number, two words) gives the
    same members and the same count through the index as through the plain LIKE scan."""
    flt = MemberFilter(search=search)
    with demo_db.read() as session:
        indexed = (_names(session, flt), count_members(session, flt), first_page(session, flt, 10).total)
    monkeypatch.setattr(query, "_indexed", lambda session: False)
    with demo_db.read() as session:
        scanned = (_names(session, flt), count_members(session, flt), first_page(session, flt, 10).total)
    assert indexed == scanned
    assert search not in ("nguyen", "thi", "an", "h", "09") or indexed[1] > 0  # the comparison had matches


def test_common_words_count_through_the_index_without_the_trash(demo_db, secretary, monkeypatch):
    """Above SPARSE matches the count is the index's, less those in the trash: still exact."""
    from handbook_desktop.services.members.records import delete_member

    monkeypatch.setattr(query, "SPARSE", 3)
    flt = MemberFilter(search="thi")
    with demo_db.read() as session:
        before = count_members(session, flt)
        assert query._plan(session, flt).plain and not query._plan(session, flt).indexed
        uuid = session.scalars(select(Member.uuid).where(Member.search_key.like("%thi%"))).first()
    with demo_db.immediate() as session:
        delete_member(session, secretary, uuid, "thử")
    with demo_db.read() as session:
        assert count_members(session, flt) == before - 1
        assert first_page(session, flt, 5).total == before - 1


def test_migration_builds_the_index_for_an_existing_register(tmp_path):
    target = tmp_path / "old.sqlite3"
    shutil.copyfile(FIXTURES / "schema_0001.db", target)
    with Database.open(target) as database, database.read() as session:
        members = session.scalar(text("SELECT count(*) FROM member"))
        assert members == 40
        assert session.scalar(text(f"SELECT count(*) FROM {search_index.FTS}_docsize")) == members
        assert count_members(session, MemberFilter(search="cuong")) >= 1
        assert query._plan(session, MemberFilter(search="cuong")).indexed
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.execute(f"INSERT INTO {search_index.FTS}({search_index.FTS}, rank) VALUES ('integrity-check', 1)")


def test_a_rebuilt_member_table_gets_its_triggers_back(db):
    """A later migration in batch mode drops and re-creates ``member``: repair() puts the
    triggers back and rebuilds the index."""
    with db.engine.begin() as connection:
        for name in ("member_fts_ai", "member_fts_au"):
            connection.exec_driver_sql(f"DROP TRIGGER {name}")
        search_index.repair(connection)
        names = {row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='member'")}
    assert {"member_fts_ai", "member_fts_ad", "member_fts_au"} <= names


def test_the_sqlite_of_this_python_has_fts5_trigram():
    """Issue 18: SQLite 3.34+ with FTS5 (the venv's and the Windows build's Python)."""
    assert sqlite3.sqlite_version_info >= (3, 34)
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
