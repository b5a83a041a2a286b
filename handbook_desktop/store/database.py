"""An open database: engine, session factory, instance lock, schema brought up to date."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from handbook_desktop.store import events  # noqa: F401  (registers the session hooks)
from handbook_desktop.store.engine import make_engine, sqlite_path, to_url
from handbook_desktop.store.location import check_database_location
from handbook_desktop.store.lock import InstanceLock
from handbook_desktop.store.migrate import MigrationResult, upgrade

log = logging.getLogger(__name__)


class ReadOnlyDatabase(Exception):
    pass


def _make_private(file: Path) -> None:
    """The database and its journal are the owner's only (issue 13): a file made by an older version,
    or copied in, is closed to the other accounts of the PC as it is opened; new ones follow the
    umask (paths.private_umask) and, made here before SQLite writes them, start closed."""
    from handbook_desktop import paths

    for path in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm"),
                 file.with_name(file.name + "-journal")):
        if path.exists():
            paths.make_private(path)
    if not file.exists() and os.name == "posix":
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))


def _database_key(file: Path | None, readonly: bool) -> bytes | None:
    """The data key to open ``file`` with (store.datakey): the one this process holds for an
    encrypted file (else KeyNeeded: sign in first), a new one for a new file, none for a plain file
    (converted once its owner signs in: services.encryption) or when SQLCipher is not installed."""
    from handbook_desktop.store import datakey

    if file is None:
        return None
    state = datakey.file_state(file)
    if state == "encrypted":
        key = datakey.key_for_file(file)
        if key is None:
            if datakey.load_keyring(file) is None and not datakey.known_keys():
                raise datakey.KeyringMissing(file)
            raise datakey.KeyNeeded(file)
        return key
    if state in ("missing", "empty") and not readonly and datakey.cipher_available():
        return datakey.new_database_key(file)
    return None


class Database:
    def __init__(self, url: str, engine: Engine, *, readonly: bool, lock: InstanceLock | None,
                 key: bytes | None = None):
        self.url = url
        self.readonly = readonly
        self.lock = lock
        self.migration: MigrationResult | None = None
        self.use_engine(engine, key)

    def use_engine(self, engine: Engine, key: bytes | None) -> None:
        """(Re)bind to ``engine``: at open, and once a plain file has been converted (services.encryption)."""
        self.engine = engine
        self.key = key
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._immediate = sessionmaker(
            bind=engine.execution_options(begin_mode="IMMEDIATE"), expire_on_commit=False
        )
        if key is not None and self.file is not None and not self.readonly:
            from handbook_desktop.store import keyring_hooks

            for factory in (self._sessions, self._immediate):
                keyring_hooks.follow_accounts(factory, self.file, key)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def file(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @classmethod
    def open(
        cls,
        path_or_url: str | Path,
        *,
        readonly: bool = False,
        migrate: bool = True,
        lock: bool = True,
    ) -> "Database":
        if "://" not in str(path_or_url):
            check_database_location(Path(str(path_or_url)))  # before resolving drops a "//server" prefix
        url = to_url(path_or_url)
        file = sqlite_path(url)
        instance_lock = None
        if file is not None and not readonly:
            file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _make_private(file)
            if lock:
                instance_lock = InstanceLock(file)
                instance_lock.acquire()
                if instance_lock.took_over:
                    log.warning("took over a stale lock: %s", instance_lock.took_over.describe())
        try:
            key = _database_key(file, readonly)
            engine = make_engine(url, readonly=readonly, key=key)
            database = cls(url, engine, readonly=readonly, lock=instance_lock, key=key)
            if migrate and not readonly:
                database.migration = upgrade(engine, database_file=file)
        except BaseException:
            if instance_lock is not None:
                instance_lock.release()
            raise
        return database

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        if self.readonly:
            with self._sessions() as session:
                yield session
                session.rollback()
            return
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def immediate(self) -> Iterator[Session]:
        """A write transaction that takes the write lock at once (imports, restores): all or nothing."""
        if self.readonly:
            raise ReadOnlyDatabase("Cơ sở dữ liệu đang mở ở chế độ chỉ xem.")
        with self._immediate.begin() as session:
            yield session

    def read(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def home_unit(self):
        from handbook_desktop.store.models import Unit

        with self.read() as session:
            return session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
