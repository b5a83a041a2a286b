"""The index behind the member search box: substring search that does not scan the register.

``member.search_key`` (the folded name, then ``#``phone and ``#``card digits; domain.text) is indexed
for substrings:

- SQLite: an FTS5 table ``member_fts`` with the trigram tokenizer (SQLite 3.34+), external content
  over ``member`` (it stores only the index, not a second copy of the key), kept up to date by three
  triggers on ``member`` — so every write path (the session, bulk inserts of the demo, sheets and
  sync packages) keeps it right without remembering to;
- PostgreSQL: a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` on ``search_key``, which the server
  uses for ``LIKE '%…%'`` by itself (no query change, kept by the server).

Migration 0017 builds either for an existing database. Where it cannot (an SQLite without FTS5 or
trigram, a server where the extension may not be created) search keeps its plain ``LIKE`` scan.
A later migration that rebuilds ``member`` (batch mode) drops its triggers: ``repair`` puts them
back and rebuilds the index after every upgrade.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Column, Integer, MetaData, String, Table

FTS = "member_fts"
TRIGRAM_INDEX = "ix_member_search_trgm"
MIN_CHARS = 3  # a trigram index answers a substring of three characters or more

# A table object for queries only: on its own MetaData, so create_all and the model comparison
# never see it.
fts_table = Table(FTS, MetaData(), Column("rowid", Integer), Column("search_key", String))

_TRIGGERS = {
    f"{FTS}_ai": f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON member BEGIN "
                 f"INSERT INTO {FTS}(rowid, search_key) VALUES (new.id, new.search_key); END",
    f"{FTS}_ad": f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON member BEGIN "
                 f"INSERT INTO {FTS}({FTS}, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    f"{FTS}_au": f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF search_key ON member "
                 f"WHEN old.search_key IS NOT new.search_key BEGIN "
                 f"INSERT INTO {FTS}({FTS}, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
                 f"INSERT INTO {FTS}(rowid, search_key) VALUES (new.id, new.search_key); END",
}


def not_in_models(name: str | None, type_: str, parent_names=None) -> bool:
    """For alembic's ``include_name``: False for the search index's own objects (the FTS table and
    its shadow tables, the trigram index), which the models do not declare."""
    return not (name and (name == FTS or name.startswith(FTS + "_") or name == TRIGRAM_INDEX))


def _sqlite_has_trigram(connection) -> bool:
    try:
        connection.exec_driver_sql("CREATE VIRTUAL TABLE temp._trigram_probe USING fts5(x, tokenize='trigram')")
        connection.exec_driver_sql("DROP TABLE temp._trigram_probe")
        return True
    except Exception:  # noqa: BLE001 — an SQLite built without FTS5, or older than 3.34
        return False


def create(connection) -> bool:
    """Build the index over the rows already there (inside the caller's transaction). False when
    this database cannot have one; search then scans as before."""
    if connection.dialect.name == "sqlite":
        if not _sqlite_has_trigram(connection):
            return False
        connection.exec_driver_sql(f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_key, content='member', "
                                   "content_rowid='id', tokenize='trigram')")
        for ddl in _TRIGGERS.values():
            connection.exec_driver_sql(ddl)
        connection.exec_driver_sql(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        return True
    if connection.dialect.name == "postgresql":
        savepoint = connection.begin_nested()
        try:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 — not allowed on this server: search scans as before
            savepoint.rollback()
            return False
        savepoint.commit()
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON member "
                                   "USING gin (search_key gin_trgm_ops)")
        return True
    return False


def drop(connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in _TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS}")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def present(connection) -> bool:
    """This SQLite database has the FTS table (the query side uses it only then)."""
    if connection.dialect.name != "sqlite":
        return False
    return connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS,)).first() is not None


def repair(connection) -> None:
    """After an upgrade: triggers a table rebuild dropped are made again and the index rebuilt."""
    if not present(connection):
        return
    have = {row[0] for row in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='member'")}
    missing = [ddl for name, ddl in _TRIGGERS.items() if name not in have]
    for ddl in missing:
        connection.exec_driver_sql(ddl)
    if missing:
        connection.exec_driver_sql(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


@contextmanager
def bulk_insert(connection):
    """Members inserted inside the block are indexed by one statement at its end instead of the
    insert trigger once per row (a 20,000-row sheet: 0.05 s instead of 0.75 s of SQLite's time).
    Inside the caller's transaction, which rolls the whole back on an error: the trigger is
    dropped and made again in it, so no other connection ever sees the index without it. Only
    inserts belong in the block (an update's trigger would take out rows not yet indexed)."""
    if connection.dialect.name != "sqlite" or not present(connection) or connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type='trigger' AND name=?", (f"{FTS}_ai",)).first() is None:
        yield  # PostgreSQL keeps its trigram index itself; no index, or no trigger: nothing to do
        return
    top = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM member").scalar()
    connection.exec_driver_sql(f"DROP TRIGGER {FTS}_ai")
    yield
    connection.exec_driver_sql(f"INSERT INTO {FTS}(rowid, search_key) SELECT id, search_key FROM member WHERE id > ?",
                               (top,))
    connection.exec_driver_sql(_TRIGGERS[f"{FTS}_ai"])
