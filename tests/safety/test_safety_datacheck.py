"""Kiểm tra dữ liệu: each rule on a real database, and a clean demo stays clean."""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import select

from handbook_desktop.services.datacheck import check_file, run_check
from handbook_desktop.store.models import Member, MemberEvent
from handbook_desktop.store import datakey  # noqa: E402  (keyed when encrypted)

TODAY = date(2026, 11, 15)


def codes(report) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in report.problems:
        found.setdefault(problem.code, []).append(problem.message)
    return found


def test_the_demo_branch_is_clean(demo_db):
    report = run_check(demo_db, today=TODAY)
    assert report.ok and not report.damaged, report.lines()[:5]
    assert report.members_checked >= 120


def test_every_rule_finds_its_problem_and_names_the_member(demo_db):
    with demo_db.session() as session:
        members = session.scalars(select(Member).where(Member.status == "official").order_by(Member.id)).all()
        a, b, c, d = members[:4]
        a.official_date = a.decision_date  # chính thức không sau kết nạp
        b.status = "probationary"  # dự bị nhưng đã có quyết định chính thức
        c.date_of_birth = date(2030, 1, 1)  # ngày sinh ở tương lai
        event = session.scalars(select(MemberEvent).where(MemberEvent.member_id == d.id)).first()
        event.end_date = date(1990, 1, 1)  # kết thúc trước khi bắt đầu
        session.add(MemberEvent(member_id=d.id, kind="death", event_date=date(2026, 1, 5), origin_unit=d.origin_unit))
        names = {x.uuid: x.full_name for x in (a, b, c, d)}
    report = run_check(demo_db, today=TODAY)
    found = codes(report)
    assert not report.ok
    assert any(names[a.uuid] in m for m in found["date_order"])
    assert any(names[b.uuid] in m and "chính thức" in m for m in found["status_events"])
    assert any(names[d.uuid] in m and "Từ trần" in m for m in found["status_events"])
    assert any(names[c.uuid] in m for m in found["future_date"])
    assert any(names[d.uuid] in m for m in found["event_dates"])
    opened = {p.entity_uuid for p in report.problems if p.entity == "member"}
    assert {a.uuid, b.uuid, c.uuid, d.uuid} <= opened  # each problem opens its member
    assert all("/" in m for m in found["date_order"])  # dates as dd/mm/yyyy


def test_a_broken_link_is_found(demo_db):
    path = demo_db.file
    demo_db.close()
    with datakey.connect(path) as connection:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("UPDATE member_event SET member_id = 999999 WHERE id = 1")
    report = check_file(path, today=TODAY)
    assert any("member_event" in m and "không còn tồn tại" in m for m in codes(report)["foreign_key"])


def test_an_unreadable_file_is_reported_not_raised(tmp_path):
    junk = tmp_path / "hong.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    report = check_file(junk)
    assert report.damaged and not report.ok
    assert "khôi phục" in report.summary()
