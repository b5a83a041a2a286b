"""Helpers shared by the command modules: opening the database, the password rule, output.

Every command that changes data or shows personal data runs as an account: ``open_db(args,
need="read"|"write"|"keys"|"restore"|"users")`` asks that account's password (from the terminal, or
``HANDBOOK_PASSWORD`` in scripts; the account is ``HANDBOOK_USER``, else the administrator), checks it
through services.auth.authenticate (wrong passwords counted and slowed with the window's, audited)
and the account's role, and leaves the signed-in actor in ``args.actor`` (its password in
``args.password``, for the sync keys). A new password (a new account, a reset) is asked separately:
``HANDBOOK_NEW_PASSWORD`` in scripts.

An encrypted database (store.datakey) cannot be read before that: its account and password are
asked first, at the door (services.access.unlock), and the same ones sign in once it is open. A
plain database is encrypted when this version first opens it for writing (services.encryption).
"""

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


# Commands that make a new database; every other command refuses a path where there is none, so
# that a mistyped --db says so instead of creating (and reporting on) an empty database.
CREATING_COMMANDS = {"init", "demo"}


def database_arg(args) -> str:
    return getattr(args, "db", None) or paths.default_database()


def refuse_missing_database(target: str) -> None:
    from handbook_desktop.store.engine import sqlite_path, to_url

    path = sqlite_path(to_url(target))
    if path is None or path == ":memory:" or os.path.exists(path):
        return
    raise CommandError(
        f"Không có cơ sở dữ liệu ở '{path}': hãy kiểm tra đường dẫn sau --db, "
        "hoặc tạo mới bằng 'handbook-desktop init' (hay 'demo' cho dữ liệu mẫu)."
    )


def command_group(sub, name: str, help: str, *, metavar: str = "LỆNH"):
    """A command made of commands (`signers show|find|set|clear`): its sub-parsers, dest ``<name>_command``;
    given alone, it prints its help and exits with 2."""
    group = sub.add_parser(name, help=help)
    group.set_defaults(handler=lambda args: (group.print_help(), 2)[1])
    return group.add_subparsers(dest=f"{name}_command", metavar=metavar)


def json_command(parser, handler):
    """Finish a command that can answer in JSON: its ``--json`` switch, added after the options given so
    far (so that it stands where the help has always listed it), and the handler that runs it."""
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handler)
    return parser


PASSWORD_ENV = "HANDBOOK_PASSWORD"
NEW_PASSWORD_ENV = "HANDBOOK_NEW_PASSWORD"
USER_ENV = "HANDBOOK_USER"


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _account_name(database) -> str:
    name = os.environ.get(USER_ENV, "").strip()
    if name:
        return name
    from sqlalchemy import select

    from handbook_desktop.store.models import User

    with database.read() as session:
        admin = session.scalars(select(User.username).where(User.role == "secretary", User.active.is_(True))
                                .order_by(User.id)).first()
    if _interactive():
        typed = input(f"Tên đăng nhập [{admin or ''}]: ").strip()
        return typed or admin or ""
    return admin or ""


def unlock_door(args, target) -> None:
    """An encrypted database: the account and its password before the file opens (kept for ``sign_in``)."""
    from handbook_desktop.services import access

    if not access.needs_key(target):
        return
    access.require_keyring(target)
    name = os.environ.get(USER_ENV, "").strip()
    if not name:
        default = access.default_account(target)
        name = (input(f"Tên đăng nhập [{default}]: ").strip() or default) if _interactive() else default
    password = read_password(f"Mật khẩu của tài khoản {name}: ")
    access.unlock(target, name, password)
    args.door = (name, password)


def sign_in(args, database, need: str):
    """The account's password, checked against its role; sets ``args.actor`` and ``args.password``."""
    from handbook_desktop.services.auth import authenticate

    if getattr(args, "door", None):
        name, password = args.door  # asked at the door of the encrypted file
    else:
        name = _account_name(database)
        password = read_password(f"Mật khẩu của tài khoản {name}: ")
    actor = authenticate(database, name, password, audit_success=False)  # counted even when read-only
    actor.require(need)
    args.actor, args.password = actor, password
    return actor


def sign_in_at(args, need: str):
    """For commands that work on the file itself (check, restore): sign in when the database opens and
    has its accounts; a missing or damaged database has no accounts left to ask (``None``)."""
    from handbook_desktop.store.database import Database
    from handbook_desktop.store.engine import sqlite_path, to_url

    target = database_arg(args)
    path = sqlite_path(to_url(target))
    if path is not None and not path.exists():
        return None
    unlock_door(args, target)  # an encrypted file, damaged or not, is read only with its key
    try:
        database = Database.open(target, readonly=True, migrate=False)
    except Exception:  # noqa: BLE001 - damaged: what it held is what the command is here to mend
        return None
    try:
        try:
            initialised = database.home_unit() is not None
        except Exception:  # noqa: BLE001 - no readable accounts table
            return None
        return sign_in(args, database, need) if initialised else None
    finally:
        database.close()


@contextmanager
def open_db(args, *, readonly: bool = False, require_home: bool = True, need: str | None = None) -> Iterator[Any]:
    from handbook_desktop.logs import setup_logging
    from handbook_desktop.services.errors import NotInitialised
    from handbook_desktop.store.database import Database

    setup_logging(console=False)
    target = database_arg(args)
    if getattr(args, "command", None) not in CREATING_COMMANDS:
        refuse_missing_database(target)
    unlock_door(args, target)
    database = Database.open(target, readonly=readonly)
    try:
        if not database.readonly:
            from handbook_desktop.services.encryption import convert_if_plain

            convert_if_plain(database)  # once: a plain file of an older version (a verified backup first)
        initialised = database.home_unit() is not None
        if require_home and not initialised:
            raise NotInitialised()
        if need is not None:
            if not initialised:
                raise NotInitialised()
            sign_in(args, database, need)  # before anything is written or shown
        if not database.readonly and initialised:
            from handbook_desktop.services.rules import refresh_shipped_rules

            with database.session() as session:  # this program's rule files, into an older database
                refresh_shipped_rules(session)
        yield database
    finally:
        database.close()


def read_password(prompt: str = "Mật khẩu: ", *, confirm: bool = False, env: str = PASSWORD_ENV,
                  fallback: str | None = None) -> str:
    """From the terminal if there is one, else from the variable ``env`` (or ``fallback``) in scripts."""
    if _interactive():
        password = getpass.getpass(prompt)
        if confirm and getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return password
    password = os.environ.get(env) or (os.environ.get(fallback) if fallback else None)
    if not password:
        raise CommandError(f"Cần mật khẩu: chạy trong cửa sổ dòng lệnh, hoặc đặt biến {env}.")
    return password


def read_new_password(prompt: str) -> str:
    """A password being set (a new account, a reset): never the signed-in account's own variable."""
    return read_password(prompt, confirm=True, env=NEW_PASSWORD_ENV)


def _default(value: Any):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value)}")


# JSON output is read by people too (piped to a file, pasted in a message): CCCD and phone numbers are
# masked as on screen unless the command was given --reveal (audited by the command).
_NUMBER_KEYS = {"national_id", "phone"}
_CHANGE_VALUES = {"old", "new", "base", "ours", "theirs", "value"}


def masked_json(data: Any) -> Any:
    """``data`` with every CCCD and phone masked: values under a number's key (or a change of one), and
    any number inside free text. A string without spaces under another key (ids, hashes, dates) is left
    as it is, so the output stays usable by scripts."""
    from handbook_desktop.domain.text import mask_digits
    from handbook_desktop.logs import mask_personal_numbers

    if isinstance(data, dict):
        field = data.get("field")
        out = {}
        for key, value in data.items():
            number = key in _NUMBER_KEYS or (field in _NUMBER_KEYS and key in _CHANGE_VALUES)
            if number and isinstance(value, str) and "*" not in value:
                out[key] = mask_digits(value)
            else:
                out[key] = masked_json(value)
        return out
    if isinstance(data, (list, tuple)):
        return [masked_json(value) for value in data]
    if isinstance(data, str) and any(ch.isspace() for ch in data):
        return mask_personal_numbers(data)
    return data


def print_json(data: Any, *, reveal: bool = False) -> None:
    shown = data if reveal else masked_json(data)
    print(json.dumps(shown, ensure_ascii=False, indent=2, default=_default))
