"""Roles are enforced by the services, not by hidden buttons: every service function that takes an
actor is called with a viewer (and the restricted ones with a deputy), and must refuse with
PermissionDenied and leave every table exactly as it was."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import handbook_desktop.services as services_package
from handbook_desktop.services.auth import Actor
from handbook_desktop.services.errors import PermissionDenied
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)

# Helpers that services call after their own check, and what a viewer may legitimately do.
NOT_SERVICES = {
    "handbook_desktop.services.audit.record",
    "handbook_desktop.services.audit.record_changes",
    "handbook_desktop.services.users.change_password",  # everyone changes their own password
    "handbook_desktop.services.users.verify_unlock",  # typing one's password at the idle lock
    "handbook_desktop.services.auditlog.export_audit",  # reading the log; the export itself is logged
    "handbook_desktop.services.privacy.record_reveal",  # an audit entry for a read: anyone who reads may ask
    # Typing the sync keys' password: a wrong one is counted and audited (services/throttle), like the
    # idle lock's; ``actor`` only names who typed it.
    "handbook_desktop.services.sync.keys.unlock",
}
# (function, actor role) pairs that only a secretary may do.
SECRETARY_ONLY = {
    "handbook_desktop.services.backup.restore.restore_backup",
    "handbook_desktop.services.backup.restore.restore_dump",
    "handbook_desktop.services.backup.postgres.restore_into",
    "handbook_desktop.services.backup.create.set_second_folder_password",
    "handbook_desktop.services.users.add_user",
    "handbook_desktop.services.users.set_role",
    "handbook_desktop.services.users.set_active",
    "handbook_desktop.services.users.reset_password",
    "handbook_desktop.services.users.new_recovery_code",
    "handbook_desktop.services.users.set_preference",
    "handbook_desktop.services.sync.keys.rotate_keys",
    "handbook_desktop.services.sync.keys.trust_card",
}

UUID_TABLES = {
    "member_uuid": "member", "meeting_uuid": "meeting", "case_uuid": "candidate", "item_uuid": "agenda_item",
    "speech_uuid": "speech", "vote_uuid": "vote", "concerns_uuid": "member",
}


def service_functions() -> list[tuple[str, object]]:
    found = []
    for module_info in pkgutil.walk_packages(services_package.__path__, services_package.__name__ + "."):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            qualified = f"{module.__name__}.{name}"
            if "actor" in inspect.signature(function).parameters and qualified not in NOT_SERVICES:
                found.append((qualified, function))
    return sorted(found, key=lambda item: item[0])


def _rows(connection, table: str) -> list:
    """In rowid order; sorted for a table without rowid (the FTS5 index's own tables)."""
    try:
        return connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
    except datakey.database_errors():
        return sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)


def dump(path: Path) -> dict:
    with datakey.connect(path, readonly=True) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: _rows(connection, t) for t in tables}


def first_uuid(path: Path, table: str) -> str:
    with datakey.connect(path, readonly=True) as connection:
        try:
            row = connection.execute(f'SELECT uuid FROM "{table}" ORDER BY id LIMIT 1').fetchone()
        except datakey.database_errors():
            row = None
    return row[0] if row else "00000000-0000-0000-0000-000000000000"


class Arguments:
    def __init__(self, database, tmp_path: Path, backup_info):
        self.database = database
        self.tmp_path = tmp_path
        self.backup_info = backup_info

    def value(self, name: str, annotation: str, session):
        from handbook_desktop.store.models import Member

        text = str(annotation)
        if name == "session":
            return session
        if name == "database":
            return self.database
        if name in UUID_TABLES:
            return first_uuid(self.database.file, UUID_TABLES[name])
        if name == "member":
            return session.query(Member).order_by(Member.id).first()
        if name == "meeting":
            from handbook_desktop.store.models import Meeting

            return session.query(Meeting).order_by(Meeting.id).first()
        if name == "info":
            return self.backup_info
        if name == "target":
            return self.database.file
        if name in {"path", "source"}:
            path = self.tmp_path / "input.xlsx"
            path.write_bytes(b"not really")
            return path
        if name == "key":
            return "idle_lock_minutes"
        if name == "role":
            return "secretary"
        if name in {"password", "new_password", "old_password"}:
            return "matkhau-moi-123"
        if "date" in text or name in {"day", "month"} or name.endswith("_on"):
            return date(2026, 11, 15)
        if "bool" in text:
            return True
        if "int" in text or name in {"year", "years", "value"}:
            return 1
        if "bytes" in text:
            return b"x"
        if "dict" in text:
            return {"full_name": "Nguyễn Văn Thử"}
        if "list" in text:
            return ["x"]
        return "x"


def call_as(function, actor, args: Arguments):
    signature = inspect.signature(function)
    with args.database.session() as session:
        positional, keywords = [], {}
        for parameter in signature.parameters.values():
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                continue
            if parameter.name == "actor":
                value = actor
            elif parameter.default is not parameter.empty:
                continue
            else:
                value = args.value(parameter.name, parameter.annotation, session)
            if parameter.kind == parameter.KEYWORD_ONLY:
                keywords[parameter.name] = value
            else:
                positional.append(value)
        result = function(*positional, **keywords)
        if hasattr(result, "__next__"):  # a progress generator: the work happens when drained
            from handbook_desktop.services.progress import drain

            drain(result)


@pytest.fixture
def arguments(demo_db, tmp_path):
    from handbook_desktop.services.backup import create_backup

    return Arguments(demo_db, tmp_path, create_backup(demo_db).info)


def _check(role: str, names: list[str], functions, arguments) -> tuple[list[str], list[str], int]:
    """(problems, unverified, refused): a function that runs for the role or changes a table is a
    problem; one that stops on its made-up arguments before reaching the role check is unverified
    (nothing changed, but the check itself was not seen)."""
    problems, unverified, refused = [], [], 0
    actor = Actor("thu-quyen", role)
    before = dump(arguments.database.file)
    for qualified, function in functions:
        if qualified not in names:
            continue
        try:
            call_as(function, actor, arguments)
        except PermissionDenied:
            refused += 1
        except Exception as error:  # noqa: BLE001 - reported below
            unverified.append(f"{qualified}: {type(error).__name__}: {error}"[:200])
        else:
            problems.append(f"{qualified}: ran for a {role}")
        if dump(arguments.database.file) != before:
            problems.append(f"{qualified}: CHANGED THE DATABASE for a {role}")
            before = dump(arguments.database.file)
    return problems, unverified, refused


def test_a_viewer_can_change_nothing_through_any_service(arguments):
    functions = service_functions()
    assert len(functions) >= 10
    problems, unverified, refused = _check("viewer", [name for name, _ in functions], functions, arguments)
    assert problems == [], "\n".join(problems)
    print(f"\n{refused} of {len(functions)} service functions refused a viewer; not reached: {unverified}")
    assert refused >= 0.85 * len(functions), unverified


def test_a_deputy_cannot_restore_manage_users_settings_or_keys(arguments):
    functions = service_functions()
    present = [name for name, _ in functions if name in SECRETARY_ONLY]
    assert len(present) >= 7
    problems, unverified, refused = _check("deputy", present, functions, arguments)
    assert problems == [] and unverified == [], "\n".join(problems + unverified)
    assert refused == len(present)
