"""Shared fixtures: real SQLite files, a migrated template copied per test, offscreen Qt.

Environment is set here, before Qt or the program is imported, never in the middle of a module.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from handbook_desktop.services.auth import Actor  # noqa: E402

ADMIN_PASSWORD = "matkhau123"
DEMO_TODAY = date(2026, 11, 15)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """pytest-qt closes the test's windows first thing at teardown; an editor left with typed text would
    ask «Lưu / Không lưu / Quay lại» with nobody to answer, so the question is off until the next test."""
    from handbook_desktop.ui import unsaved

    unsaved.ASKING = False
    try:
        return (yield)
    finally:
        unsaved.ASKING = True


@pytest.fixture(autouse=True)
def handbook_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own data, backup and log folders."""
    home = tmp_path / "home"
    monkeypatch.setenv("HANDBOOK_HOME", str(home))
    monkeypatch.delenv("HANDBOOK_DB", raising=False)
    return home


@pytest.fixture(autouse=True)
def recovery_codes_shown(monkeypatch) -> list[str]:
    """The recovery code dialog waits for a person (``exec``): in tests it records the code instead,
    so a test that goes through setup or a password reset cannot hang on it. A test of the dialog
    itself builds ``RecoveryCodeDialog`` directly."""
    from handbook_desktop.ui import recovery_dialog

    shown: list[str] = []
    monkeypatch.setattr(recovery_dialog, "show_recovery_code", lambda parent, code, *rest, **kw: shown.append(code))
    return shown


def make_template(folder: Path, builder) -> Path:
    """A database built once by ``builder`` in ``folder`` (its own HANDBOOK_HOME meanwhile, put back
    after), to be copied for each test."""
    from handbook_desktop.store.database import Database

    path = folder / "template.sqlite3"
    old = os.environ.get("HANDBOOK_HOME")
    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    try:
        with Database.open(path) as database:
            builder(database)
    finally:
        if old is None:
            os.environ.pop("HANDBOOK_HOME", None)
        else:
            os.environ["HANDBOOK_HOME"] = old
    return path


@pytest.fixture(scope="session")
def _branch_template(tmp_path_factory) -> Path:
    from handbook_desktop.services.setup import HomeUnitSpec, initialise

    def build(database):
        initialise(
            database,
            HomeUnitSpec("CB-TEST", "Chi bộ Khu dân cư số 5", "chi-bo", "DU-PHUONG", "Đảng bộ phường Hoàn Kiếm",
                         "Hà Nội", date(2025, 7, 1)),
            "admin", ADMIN_PASSWORD,
        )

    return make_template(tmp_path_factory.mktemp("branch"), build)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain

    return make_template(
        tmp_path_factory.mktemp("demo"),
        lambda database: drain(generate(database, members=120, seed=7, today=DEMO_TODAY)),
    )


def _open_copy(template: Path, tmp_path: Path):
    from handbook_desktop.store.database import Database

    from handbook_desktop.store.datakey import copy_database

    target = tmp_path / "handbook.sqlite3"
    copy_database(template, target)  # with its keyring when encrypted (store.datakey)
    return Database.open(target)


@pytest.fixture
def db(_branch_template, tmp_path, monkeypatch):
    """An initialised branch database (no members), as a real SQLite file."""
    monkeypatch.setenv("HANDBOOK_PASSWORD", ADMIN_PASSWORD)  # the command line signs in as its administrator
    database = _open_copy(_branch_template, tmp_path)
    yield database
    database.close()


@pytest.fixture
def demo_db(_demo_template, tmp_path, monkeypatch):
    """The demo branch (120 members, seed 7, as of DEMO_TODAY), as a real SQLite file."""
    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")  # the demo administrator, for the command line
    database = _open_copy(_demo_template, tmp_path)
    yield database
    database.close()


@pytest.fixture
def run(capsys):
    """The command line in this process, as a script calls it: ``run(*argv)`` → (exit code, stdout, stderr)."""
    from handbook_desktop.cli import main

    def call(*argv) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def secretary() -> Actor:
    return Actor("admin", "secretary")


@pytest.fixture
def viewer() -> Actor:
    return Actor("xem", "viewer")


def send_text(widget, text: str) -> None:
    """Type text as a keyboard with a Vietnamese input method does: one key event per character.

    ``qtbot.keyClicks`` asserts inside Qt (qasciikey.cpp) on any non-ASCII character such as "ộ",
    so Vietnamese text is sent as key events that carry the character.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


@pytest.fixture
def type_text():
    """``type_text(widget, "Nguyễn Văn Đức")`` — see ``send_text``."""
    return send_text


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database on the server named by HANDBOOK_TEST_PG_URL (CI starts one)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("HANDBOOK_TEST_PG_URL")
    if not base:
        pytest.skip("HANDBOOK_TEST_PG_URL is not set (CI starts a PostgreSQL server and sets it)")
    name = f"handbook_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
