"""The engine factory: one place that decides how the program talks to its database.

SQLite (the default, a plain path) gets the pragmas of DESIGN.md on every connection. Python's
sqlite3 module does not start a transaction before DDL, so a migration would run half outside
any transaction; we take transaction control ourselves (``isolation_level=None`` and an explicit
BEGIN) so that migrations and imports are all or nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from handbook_desktop.store.location import DatabaseLocationError, check_database_location  # noqa: F401  (the error: its old place)

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 32 * 1024  # per connection; SQLite's default (2 MiB) is smaller than one list index


def is_sqlite(url: str) -> bool:
    return "://" not in url or url.startswith("sqlite")


def to_url(path_or_url: str | os.PathLike) -> str:
    """A SQLAlchemy URL for a plain path (SQLite) or a URL as given."""
    text = str(path_or_url)
    if "://" in text:
        if text.startswith("postgresql://"):
            return "postgresql+psycopg://" + text[len("postgresql://"):]
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for other databases and in-memory SQLite."""
    parsed = make_url(to_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    database = parsed.database
    if database.startswith("file:"):
        database = database[len("file:"):].split("?")[0]
    return Path(database)


def make_engine(path_or_url: str | os.PathLike, *, readonly: bool = False, echo: bool = False,
                key: bytes | None = None) -> Engine:
    """An engine for a SQLite file (encrypted by SQLCipher under ``key`` when one is given: see
    store.datakey) or a PostgreSQL URL (``key`` is not used: encryption there is the server's)."""
    url = to_url(path_or_url)
    if not is_sqlite(url):
        return create_engine(url, echo=echo, pool_pre_ping=True)
    path = sqlite_path(url)
    if path is not None:
        check_database_location(path)
    if readonly and path is not None:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    # A small pool: the member list's search reads the same indexes on every keystroke, and a kept
    # connection keeps them in its page cache (a new connection per session read 3–8 MB afresh).
    # A connection goes back to the pool with its transaction rolled back, so no read transaction
    # outlives its session; Database.close() and a restore dispose of the pool before the file is
    # touched. Connections may change threads (check_same_thread off, SQLAlchemy's default here).
    options = {}
    if key is not None:
        from handbook_desktop.store import datakey

        options["module"] = datakey.cipher_module()
        if options["module"] is None:
            raise datakey.KeyNeeded(path)
    engine = create_engine(url, echo=echo, poolclass=QueuePool, pool_size=2, max_overflow=8,
                           pool_reset_on_return="rollback", **options)

    if key is not None:
        @event.listens_for(engine, "do_connect")
        def _keyed(dialect, _record, cargs, cparams):
            # The key must be the first statement, before SQLAlchemy's own first queries.
            connection = dialect.dbapi.connect(*cargs, **cparams)
            datakey.apply_key(connection, key)
            return connection

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, see module doc
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not readonly:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")  # a secretary's PC has no UPS
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # the list's indexes at 50,000 members fit
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers that must not be overtaken (imports, restores) ask for BEGIN IMMEDIATE.
        mode = conn.get_execution_options().get("begin_mode")
        conn.exec_driver_sql(f"BEGIN {mode}" if mode else "BEGIN")

    return engine
