"""Leaving the Party and re-admission in the Excel import (issue 15 §2): headings as people write
them ("Ngày xóa tên", "Số QĐ xóa tên", "Ngày vào Đảng lần 2", "Số QĐ kết nạp lại"), dry run first,
then all or nothing; the same sheet twice changes nothing the second time.

Row 1 (worked by hand as in test_records_gaps): decision 01/06/1975, removed 01/01/1980, re-admitted
01/01/1982 → 585 months of party age on 01/03/2026. Row 2 has a re-admission without a departure:
refused, with the reason. Row 3 has no gap.
"""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import select

from handbook_desktop.services.excel.importer import apply_import, plan_import
from handbook_desktop.services.members.events import member_events
from handbook_desktop.store.models import Member, MemberEvent

TODAY = date(2026, 3, 1)


def _sheet(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Ngày vào Đảng", "Ngày chính thức", "Ngày xóa tên",
                  "Số QĐ xóa tên", "Ngày vào Đảng lần 2", "Số QĐ kết nạp lại"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_gap_columns_import_after_a_dry_run(db, secretary, tmp_path):
    path = _sheet(tmp_path / "ds.xlsx", [
        [1, "Bùi Văn Ích", datetime(1950, 2, 1), "01/06/1975", "01/06/1976", "01/01/1980", "12-QĐ/HU",
         "01/01/1982", "40-QĐ/HU"],
        [2, "Trần Thị Lụa", datetime(1960, 3, 3), "01/06/1985", "01/06/1986", None, None, "01/01/1990", None],
        [3, "Lê Văn Mạnh", datetime(1970, 4, 4), "01/06/1995", "01/06/1996", None, None, None, None],
    ])
    with db.read() as session:
        plan = plan_import(session, path, today=TODAY)
    assert plan.columns["Ngày xóa tên"] == "Ngày ra khỏi Đảng"
    assert plan.columns["Ngày vào Đảng lần 2"] == "Ngày kết nạp lại"
    first, second, third = plan.rows
    assert first.action == "create" and ("party_gap", "Khoảng ra khỏi Đảng", "", "01/01/1980 – 01/01/1982") in first.changes
    assert second.action == "rejected" and "không có ngày ra khỏi Đảng" in second.message
    assert third.action == "create" and not third.gap
    with db.read() as session:
        assert session.scalars(select(MemberEvent)).all() == []  # the dry run wrote nothing

    apply_import(db, secretary, path, today=TODAY)
    with db.read() as session:
        ich = session.scalars(select(Member).where(Member.full_name == "Bùi Văn Ích")).one()
        history = member_events(session, ich.uuid, TODAY)
        assert [(e["kind"], e["date"], e["decision_number"]) for e in history["events"]] == [
            ("removed", date(1980, 1, 1), "12-QĐ/HU"), ("readmitted", date(1982, 1, 1), "40-QĐ/HU")]
        assert history["party_age_months"] == 585 and history["status"] == "official"
    again = apply_import(db, secretary, path, today=TODAY)
    assert [r.action for r in again.rows] == ["unchanged", "rejected", "unchanged"]
    with db.read() as session:
        assert len(session.scalars(select(MemberEvent)).all()) == 2
