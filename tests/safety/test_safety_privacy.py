"""Privacy: personal numbers masked in messages, audit entries and logs; exports say when they
hold personal data and can leave it out; warnings about where the data lives. The last test of the
session scans every log file the whole test run wrote."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handbook_desktop.services import privacy
from handbook_desktop.services.datacheck import run_check
from handbook_desktop.services.location import cloud_service, location_warnings
from handbook_desktop.store.models import AuditLog, Member

CCCD = re.compile(r"(?<![\w-])\d{12}(?![\w-])")
PHONE = re.compile(r"(?<![\w-])(?:0\d{9}|\+84\d{9})(?![\w-])")


def test_duplicate_cccd_message_is_masked(demo_db, secretary):
    from handbook_desktop.services import audit

    with demo_db.session() as session:
        first, second = session.scalars(select(Member).where(Member.national_id.is_not(None))
                                        .order_by(Member.id).limit(2)).all()
        second.national_id = first.national_id
        audit.record_changes(session, secretary, second, entity="member")
        number = first.national_id
    report = run_check(demo_db)
    texts = " ".join(problem.message for problem in report.problems)
    assert "trùng số CCCD" in texts
    assert number not in texts and number[:4] + "******" + number[-2:] in texts
    with demo_db.read() as session:
        logged = [entry for entry in session.scalars(select(AuditLog).where(AuditLog.entity == "member"))
                  if any(field == "national_id" for field, _, _ in audit.read_changes(entry))]
    assert logged and all(number not in (entry.changes or "") + (entry.new_value or "") for entry in logged)


def test_audit_page_rows_are_masked(demo_db):
    from handbook_desktop.services.auditlog import AuditFilter, query_audit
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.auth import SYSTEM

    with demo_db.session() as session:
        record(session, SYSTEM, "import", detail={"file": "ds.xlsx", "note": "dòng lỗi 001080012345, 0912345678"})
    rows = query_audit(demo_db, AuditFilter(action="import"))
    assert rows and "001080012345" not in rows[0].detail and "0912345678" not in rows[0].detail


def test_member_export_can_leave_personal_columns_out_and_says_when_it_keeps_them(demo_db, tmp_path):
    from handbook_desktop.services.excel.writer import ALL_COLUMNS, export_members
    from handbook_desktop.services.members import MemberFilter, iter_rows

    with demo_db.read() as session:
        rows = list(iter_rows(session, MemberFilter(), full=True))
    assert privacy.has_personal(ALL_COLUMNS)
    safe_columns = privacy.without_personal(ALL_COLUMNS)
    assert not privacy.has_personal(safe_columns) and "full_name" in safe_columns
    plain = tmp_path / "khong-ca-nhan.xlsx"
    export_members(rows, plain, title="Danh sách", columns=safe_columns)
    text = " ".join(str(v) for row in load_workbook(plain).active.iter_rows(values_only=True) for v in row if v)
    assert not CCCD.search(text) and not PHONE.search(text)
    full = tmp_path / "day-du.xlsx"
    export_members(rows, full, title="Danh sách", columns=ALL_COLUMNS)
    privacy.mark_workbook(full)
    book = load_workbook(full)
    assert "dữ liệu cá nhân" in book.active.cell(row=1, column=1).value
    assert "dữ liệu cá nhân" in book.properties.keywords


def test_cloud_folders_and_removable_drives_are_warned_about():
    assert cloud_service(Path("C:/Users/an/OneDrive - Phuong/So tay/handbook.sqlite3")) == "OneDrive"
    assert cloud_service(Path("/home/an/Dropbox/handbook.sqlite3")) == "Dropbox"
    assert cloud_service(Path("/Users/an/Google Drive/My Drive/handbook.sqlite3")) == "Google Drive"
    assert cloud_service(Path("/home/an/Tai lieu/handbook.sqlite3")) is None
    assert "OneDrive" in location_warnings(Path("/home/an/OneDrive/handbook.sqlite3"))[0]
    if sys.platform.startswith("linux"):
        assert "ổ đĩa rời" in location_warnings(Path("/media/an/USB/handbook.sqlite3"))[0]
    assert location_warnings(Path("/home/an/Tai lieu/handbook.sqlite3")) == []


def test_network_share_is_refused(tmp_path):
    from handbook_desktop.store.database import Database
    from handbook_desktop.store.location import DatabaseLocationError

    with pytest.raises(DatabaseLocationError, match="ổ mạng"):
        Database.open("//server/chia-se/handbook.sqlite3")


def _log_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and ".log" in path.name
            and path.parent.name == "logs"]


def test_no_complete_personal_number_in_any_log(tmp_path_factory, tmp_path):
    """Runs last (tests/safety/conftest.py): every log written during the session, plus logs made
    on purpose here by the CLI, the services and an exception carrying a CCCD and a phone."""
    from handbook_desktop.logs import setup_logging

    setup_logging()
    log = logging.getLogger("handbook_desktop.test")
    log.error("kiểm tra: CCCD 001080012345, điện thoại 0912345678, +84912345678")
    try:
        raise ValueError("số 036180000111 và 0988000111")
    except ValueError:
        log.exception("lỗi có số cá nhân")
    for handler in logging.getLogger().handlers:
        handler.flush()
    env = {k: v for k, v in os.environ.items() if k != "HANDBOOK_DB"}
    env["HANDBOOK_HOME"] = str(tmp_path / "cli-home")
    env["HANDBOOK_PASSWORD"] = "demo1234"  # the demo's administrator signs in
    database = tmp_path / "cli.sqlite3"
    for args in (["demo", "--members", "30"], ["backup", "create"], ["check"],
                 ["backup", "restore", "001080012345"], ["info"]):
        subprocess.run([sys.executable, "-m", "handbook_desktop", "--db", str(database), *args], env=env,
                       capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    root = tmp_path_factory.getbasetemp()
    files = _log_files(root)
    assert files, f"no log files under {root}"
    leaks = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (CCCD, PHONE):
            leaks += [f"{path.relative_to(root)}: {match.group(0)[:4]}…" for match in pattern.finditer(text)]
    assert leaks == [], leaks[:10]
    size = sum(path.stat().st_size for path in files)
    print(f"\nscanned {len(files)} log files ({size} bytes): no complete CCCD or phone number")
