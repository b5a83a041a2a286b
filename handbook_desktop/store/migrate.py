"""Bring a database to the current schema: back up first, migrate in one transaction.

A failed or interrupted migration leaves the old database as it was (and a verified copy of it
in the backups folder); the user's file is never deleted or replaced to recover from an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from handbook_desktop import paths
from handbook_desktop.store import search_index
from handbook_desktop.store.snapshot import snapshot

log = logging.getLogger(__name__)


class MigrationFailed(Exception):
    pass


class SchemaTooNew(Exception):
    pass


@dataclass
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, *, database_file: Path | None, target: str = "head") -> MigrationResult:
    before = current_revision(engine)
    head = head_revision() if target == "head" else target
    if before is not None and before not in known_revisions():
        raise SchemaTooNew(
            "Cơ sở dữ liệu được tạo bởi phiên bản chương trình mới hơn. "
            "Hãy cài phiên bản mới nhất của Sổ tay Chi bộ rồi mở lại."
        )
    if before == head:
        return MigrationResult(before, head, None)

    backup_path = None
    if database_file is not None and before is not None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup_path = paths.backups_dir() / f"{database_file.stem}-truoc-nang-cap-{before}-{stamp}.sqlite3"
        snapshot(database_file, backup_path)
        log.info("pre-migration backup %s", backup_path)

    config = _config()
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                # Table rebuilds (batch mode) drop and rename tables: with foreign keys on, a drop
                # would cascade into the rows that point at it. Checked again before commit.
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                if sqlite:
                    search_index.repair(connection)  # a rebuilt member table lost the index's triggers
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise MigrationFailed(f"foreign key check failed: {problems[:5]}")
    except Exception as error:
        log.exception("migration from %s failed", before)
        where = f" Bản sao trước khi nâng cấp: {backup_path}." if backup_path else ""
        raise MigrationFailed(
            "Không nâng cấp được cơ sở dữ liệu; dữ liệu cũ vẫn giữ nguyên." + where
        ) from error
    return MigrationResult(before, current_revision(engine) or head, backup_path)
