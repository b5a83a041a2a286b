"""Three real databases — a committee and two of its branches — that trust each other.

Built once per session (key derivation is slow on purpose) and copied for every test; the
unlocked keyrings are the same for every copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from handbook_desktop.services.auth import Actor
from handbook_desktop.store.datakey import copy_database  # noqa: E402  (with its keyring)
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)

PASSWORD = "matkhau123"
COMMITTEE, BRANCH_A, BRANCH_B = "DU-TEST", "CB-A", "CB-B"
ACTOR = Actor("admin", "secretary")


@dataclass
class Site:
    code: str
    database: object
    keyring: object

    @property
    def path(self) -> Path:
        return self.database.file

    def send(self, to: str, *, full: bool = False) -> bytes:
        from handbook_desktop.services.sync.exchange import export_package

        return export_package(self.database, ACTOR, self.keyring, to, full=full).data

    def receive(self, data: bytes):
        from handbook_desktop.services.progress import drain
        from handbook_desktop.services.sync.importer import import_package

        return drain(import_package(self.database, ACTOR, self.keyring, data))

    def preview(self, data: bytes):
        from handbook_desktop.services.sync.importer import preview

        return preview(self.database, self.keyring, data)


def table_digests(path: Path, *, skip=("audit_log",)) -> dict[str, str]:
    """Each table's contents as a digest, so a failing comparison names the tables that changed."""
    digests = {}
    with datakey.connect(path) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for name in names:
            if name in skip:
                continue
            digest = hashlib.sha256()
            for row in sorted(map(repr, connection.execute(f'SELECT * FROM "{name}"'))):
                digest.update(row.encode())
            digests[name] = digest.hexdigest()
    return digests


def checksum(path: Path, *, skip=("audit_log",)) -> str:
    """The contents of every table, in a stable order."""
    digest = hashlib.sha256()
    for name, table in table_digests(path, skip=skip).items():
        digest.update(name.encode() + table.encode())
    return digest.hexdigest()


def _build(folder: Path):
    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync.keys import read_identity_card, trust_card, unlock, write_identity_card
    from handbook_desktop.store.database import Database

    specs = {
        COMMITTEE: HomeUnitSpec(COMMITTEE, "Đảng ủy phường Thử Nghiệm", "dang-uy-co-so", "TU-HN", "Thành ủy Hà Nội",
                                "Hà Nội", date(2025, 7, 1)),
        BRANCH_A: HomeUnitSpec(BRANCH_A, "Chi bộ Khu dân cư số 1", "chi-bo", COMMITTEE, "Đảng ủy phường Thử Nghiệm",
                               "Hà Nội", date(2025, 7, 1)),
        BRANCH_B: HomeUnitSpec(BRANCH_B, "Chi bộ Khu dân cư số 2", "chi-bo", COMMITTEE, "Đảng ủy phường Thử Nghiệm",
                               "Hà Nội", date(2025, 7, 1)),
    }
    databases, keyrings, cards = {}, {}, {}
    for code, spec in specs.items():
        database = Database.open(folder / f"{code}.sqlite3")
        initialise(database, spec, "admin", PASSWORD)
        databases[code] = database
        keyrings[code] = unlock(database, PASSWORD)
        cards[code] = folder / f"{code}.card"
        write_identity_card(database, keyrings[code], cards[code])
    for branch in (BRANCH_A, BRANCH_B):
        card = read_identity_card(cards[branch])
        trust_card(databases[COMMITTEE], ACTOR, card, card["fingerprint"])
        card = read_identity_card(cards[COMMITTEE])
        trust_card(databases[branch], ACTOR, card, card["fingerprint"])
    for database in databases.values():
        database.close()
    return keyrings


@pytest.fixture(scope="session")
def _sync_templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sync")
    old = os.environ.get("HANDBOOK_HOME")
    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    try:
        keyrings = _build(folder)
    finally:
        if old is None:
            os.environ.pop("HANDBOOK_HOME", None)
        else:
            os.environ["HANDBOOK_HOME"] = old
    global _LAST_TEMPLATES
    _LAST_TEMPLATES = (folder, keyrings)
    return folder, keyrings


_LAST_TEMPLATES = None


def open_site(templates, code: str, folder: Path) -> Site:
    from handbook_desktop.store.database import Database

    source, keyrings = templates
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{code}.sqlite3"
    copy_database(source / f"{code}.sqlite3", target)
    return Site(code, Database.open(target), keyrings[code])


@pytest.fixture
def sites(_sync_templates, tmp_path):
    opened = {code: open_site(_sync_templates, code, tmp_path / "sites") for code in (COMMITTEE, BRANCH_A, BRANCH_B)}
    yield opened
    for site in opened.values():
        site.database.close()


@pytest.fixture
def committee(sites) -> Site:
    return sites[COMMITTEE]


@pytest.fixture
def branch_a(sites) -> Site:
    return sites[BRANCH_A]


@pytest.fixture
def branch_b(sites) -> Site:
    return sites[BRANCH_B]
