"""Helpers shared by the command modules: opening the database, the password rule, output."""

from __future__ import annotations

import getpass
import json
import os
import sys
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Iterator

from handbook_desktop import paths


class CommandError(Exception):
    pass


def print_error(message: str) -> None:
    print(message, file=sys.stderr)


def user_message(error: BaseException) -> str | None:
    """The Vietnamese message of an error meant for users, or ``None`` for a bug."""
    from handbook_desktop.domain.rules import RuleNotFound
    from handbook_desktop.services.errors import UserError
    from handbook_desktop.store.engine import DatabaseLocationError
    from handbook_desktop.store.lock import DatabaseLocked
    from handbook_desktop.store.migrate import MigrationFailed, SchemaTooNew
    from handbook_desktop.store.snapshot import SnapshotError

    if isinstance(error, (UserError, DatabaseLocked, MigrationFailed, SchemaTooNew, DatabaseLocationError,
                          SnapshotError, RuleNotFound)):
        return str(error)
    return None


def database_arg(args) -> str:
    return args.db or paths.default_database()


@contextmanager
def open_db(args, *, readonly: bool = False, require_home: bool = True) -> Iterator[Any]:
    from handbook_desktop.logs import setup_logging
    from handbook_desktop.services.errors import NotInitialised
    from handbook_desktop.store.database import Database

    setup_logging(console=False)
    database = Database.open(database_arg(args), readonly=readonly)
    try:
        initialised = database.home_unit() is not None
        if require_home and not initialised:
            raise NotInitialised()
        if not database.readonly and initialised:
            from handbook_desktop.services.rules import refresh_shipped_rules

            with database.session() as session:  # this program's rule files, into an older database
                refresh_shipped_rules(session)
        yield database
    finally:
        database.close()


def read_password(prompt: str = "Mật khẩu: ", *, confirm: bool = False) -> str:
    """From the terminal if there is one, else from HANDBOOK_PASSWORD (scripts, tests)."""
    if sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(prompt)
        if confirm and getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return password
    password = os.environ.get("HANDBOOK_PASSWORD")
    if not password:
        raise CommandError("Cần mật khẩu: chạy trong cửa sổ dòng lệnh, hoặc đặt biến HANDBOOK_PASSWORD.")
    return password


def _default(value: Any):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value)}")


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
