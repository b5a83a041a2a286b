"""Crash safety of the two imports: a real process is killed (SIGKILL) in the middle of an Excel
import and of a sync package import — inside their one transaction, after part of the rows were
written. The database then opens, passes integrity_check and holds the state from before: no
member, no event, no audit line of the half-done import."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from handbook_desktop.store.database import Database
from handbook_desktop.store.snapshot import integrity_ok
from handbook_desktop.store import datakey  # keyed when encrypted

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]
PASSWORD = "matkhau123"


def wait_for(path: Path, child: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return
        if child.poll() is not None:
            raise AssertionError(f"the child ended ({child.returncode}) before the pause: {child.stderr.read()}")
        time.sleep(0.02)
    raise AssertionError("the child never reached the pause")


def table_rows(path: Path) -> dict[str, int]:
    with datakey.connect(path) as connection:
        names = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def kill_child(code: str, *args: str) -> None:
    marker = Path(args[-1])
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        wait_for(marker, child)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()


def write_members_sheet(path: Path, count: int) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["STT", "Họ tên", "Ngày tháng năm sinh", "Nam/Nữ", "Số CCCD/CMND"])
    for number in range(1, count + 1):
        sheet.append([number, f"Nguyễn Văn Thử {number:03d}", f"01/0{1 + number % 9}/19{50 + number % 40}",
                      "Nam", f"0010{number:08d}"])
    workbook.save(path)
    return path


EXCEL_CHILD = r"""
import sys, time
from pathlib import Path
from handbook_desktop.services import members as _members  # noqa: F401
from handbook_desktop.services.auth import Actor
from handbook_desktop.services.excel import importer
from handbook_desktop.store.database import Database
import os as _os
from handbook_desktop.services.access import unlock as _unlock
_unlock(sys.argv[1], "admin", _os.environ.get("HANDBOOK_PASSWORD") or "matkhau123")  # an encrypted file opens with its key (issue 13)

path, sheet, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])
original = importer.create_rows

def create_then_pause(session, actor, rows):
    original(session, actor, rows)
    session.flush()  # every row is in the open transaction: now the plug is pulled
    marker.write_text(str(len(rows)))
    time.sleep(120)

importer.create_rows = create_then_pause
with Database.open(path) as database:
    importer.apply_import(database, Actor("admin", "secretary"), sheet)
"""


def test_kill_during_excel_import(db, tmp_path):
    sheet = write_members_sheet(tmp_path / "danh sach.xlsx", 300)
    path = db.file
    db.close()
    before = table_rows(path)
    kill_child(EXCEL_CHILD, str(path), str(sheet), str(tmp_path / "marker"))
    with Database.open(path):
        pass
    assert integrity_ok(path) == (True, "ok")
    after = table_rows(path)
    assert after["member"] == before["member"] == 0
    with datakey.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM audit_log WHERE action IN ('import', 'create')").fetchone()[0] == 0
    # The same file imports whole afterwards.
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.excel.importer import apply_import

    with Database.open(path) as database:
        plan = apply_import(database, SYSTEM, sheet)
    assert plan.applied and table_rows(path)["member"] == 300


PACKAGE_CHILD = r"""
import sys, time
from pathlib import Path
from handbook_desktop.services.auth import Actor
from handbook_desktop.services.progress import drain
from handbook_desktop.services.sync import importer
from handbook_desktop.services.sync.keys import unlock
from handbook_desktop.store.database import Database
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)
import os as _os
from handbook_desktop.services.access import unlock as _unlock
_unlock(sys.argv[1], "admin", _os.environ.get("HANDBOOK_PASSWORD") or "matkhau123")  # an encrypted file opens with its key (issue 13)

path, package, marker = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])

class PausingWriter(importer.Writer):
    def apply(self, plans):
        for done in super().apply(plans):
            yield done
            self.planner.session.flush() if hasattr(self.planner, "session") else None
            marker.write_text(str(done))  # one table written inside the transaction
            time.sleep(120)

importer.Writer = PausingWriter
with Database.open(path) as database:
    keyring = unlock(database, "matkhau123")
    drain(importer.import_package(database, Actor("admin", "secretary"), keyring, package.read_bytes()))
"""


def _two_sites(folder: Path):
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync.keys import read_identity_card, trust_card, unlock, write_identity_card

    committee = Database.open(folder / "committee.sqlite3")
    initialise(committee, HomeUnitSpec("DU-K", "Đảng ủy phường Thử", "dang-uy-co-so", term_start=date(2025, 7, 1)),
               "admin", PASSWORD)
    branch = Database.open(folder / "branch.sqlite3")
    initialise(branch, HomeUnitSpec("CB-K", "Chi bộ Thử", "chi-bo", "DU-K", "Đảng ủy phường Thử",
                                    term_start=date(2025, 7, 1)), "admin", PASSWORD)
    keys = {}
    for name, database in (("committee", committee), ("branch", branch)):
        keys[name] = unlock(database, PASSWORD)
        write_identity_card(database, keys[name], folder / f"{name}.card")
    card = read_identity_card(folder / "branch.card")
    trust_card(committee, SYSTEM, card, card["fingerprint"])
    card = read_identity_card(folder / "committee.card")
    trust_card(branch, SYSTEM, card, card["fingerprint"])
    return committee, branch, keys


def test_kill_during_package_import(tmp_path):
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.sync.exchange import export_package
    from handbook_desktop.store.models import Member, MemberEvent, Unit

    committee, branch, keys = _two_sites(tmp_path)
    with branch.session() as session:
        home = session.query(Unit).filter(Unit.is_home.is_(True)).one()
        for number in range(200):
            member = Member(unit_id=home.id, full_name=f"Trần Văn Gói {number:03d}", origin_unit="CB-K",
                            status="official", date_of_birth=date(1970, 1, 1 + number % 28))
            session.add(member)
            session.flush()
            session.add(MemberEvent(member_id=member.id, kind="admitted", event_date=date(2000, 1, 2),
                                    origin_unit="CB-K"))
    package = tmp_path / "goi.hbsync"
    package.write_bytes(export_package(branch, SYSTEM, keys["branch"], "DU-K", full=True).data)
    path = committee.file
    committee.close()
    branch.close()
    before = table_rows(path)
    kill_child(PACKAGE_CHILD, str(path), str(package), str(tmp_path / "marker"))
    with Database.open(path):
        pass
    assert integrity_ok(path) == (True, "ok")
    after = table_rows(path)
    for table in ("member", "member_event", "sync_inbox", "audit_log"):
        assert after.get(table) == before.get(table), table
    # The same package imports whole afterwards.
    from handbook_desktop.services.progress import drain
    from handbook_desktop.services.sync.importer import import_package
    from handbook_desktop.services.sync.keys import unlock

    with Database.open(path) as database:
        result = drain(import_package(database, SYSTEM, unlock(database, PASSWORD), package.read_bytes()))
    assert result.status == "applied"
    assert table_rows(path)["member"] == before["member"] + 200
