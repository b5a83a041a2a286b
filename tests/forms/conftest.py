"""A small committee demo shared by the committee document tests: made once, copied for each test."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import select

TODAY = date(2026, 11, 15)


@pytest.fixture(scope="session")
def _committee_template(tmp_path_factory):
    """Two branches (62 and 28 members for this seed), light password hashing for CI time, and a member
    away for study (the 2-SHĐ letter)."""
    from handbook_desktop.domain.states import MemberStatus
    from handbook_desktop.services import auth, demo
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.procedures import status
    from handbook_desktop.services.progress import drain
    from handbook_desktop.services.sync import keys
    from handbook_desktop.store.database import Database
    from handbook_desktop.store.models import Member

    path = tmp_path_factory.mktemp("committee") / "committee.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        for module in (auth, keys):
            patch.setattr(module, "_MEMORY_KIB", 1024)
            patch.setattr(module, "_ITERATIONS", 1)
        patch.setattr(demo, "BRANCH_MAX", 14)
        with Database.open(path) as database:
            drain(demo.generate(database, members=90, seed=215, today=TODAY))
            with database.session() as session:
                away = session.scalars(select(Member).where(Member.status == MemberStatus.OFFICIAL.value,
                                                            Member.party_position == "member")
                                       .order_by(Member.id.desc())).first()
                status.transfer_out(session, SYSTEM, away.uuid, day=date(2026, 9, 5),
                                    destination="Học viện Chính trị khu vực I", temporary=True,
                                    until=date(2027, 6, 30), study=True, dues_paid_to=date(2026, 9, 1))
    return path


@pytest.fixture
def committee(_committee_template, tmp_path, monkeypatch):
    from handbook_desktop.store.database import Database

    target = tmp_path / "committee.sqlite3"
    from handbook_desktop.store.datakey import copy_database

    copy_database(_committee_template, target)  # with its keyring (encrypted, issue 13)
    monkeypatch.setenv("HANDBOOK_PASSWORD", "demo1234")
    database = Database.open(target)
    yield database
    database.close()
