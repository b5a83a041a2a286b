"""Gaps in party age (issue 15 §2) through the command line, worked by hand (DOMAIN.md §6, §8, §9).

Bùi Văn Ích: decision 01/06/1975, removed 01/01/1980 (QĐ 12-QĐ/HU), re-admitted 01/01/1982 (QĐ 40-QĐ/HU):
a gap of 24 months. On 01/03/2026 his party age is 609 − 24 = 585 months (48 years 9 months), so
01-QĐ/TW's 50-year exemption does not apply yet: 0.5 % of a 6,000,000 đ pension = 30,000 đ. Without
the gap he would be exempt. His 40- and 45-year badges came in the rounds of 02/09/2017 and 02/09/2022
(01/06/2015 and 01/06/2020 plus the gap); his 50-year badge: reached 01/06/2027 (not 01/06/2025) → round 02/09/2027.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.services.procedures import badges, dues
from handbook_desktop.store.models import AuditLog, DuesMonth, MemberEvent

sys.path.insert(0, str(Path(__file__).parent))
from records_people import member  # noqa: E402


def _run(db, capsys, *argv):
    capsys.readouterr()
    code = main(["--db", str(db.file), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_past_gap_from_the_command_line_moves_party_age_dues_and_badge(db, secretary, capsys):
    with db.session() as s:
        uuid = member(s, "Bùi Văn Ích", date(1975, 6, 1), occupation="Cán bộ hưu trí").uuid
        dues.set_basis(s, secretary, uuid, effective_from=date(2026, 1, 1), kind="pension", base_amount=6_000_000)
        badges.record_badge(s, secretary, uuid, 40, date(2017, 9, 2))  # the rounds the gap put them in
        badges.record_badge(s, secretary, uuid, 45, date(2022, 9, 2))
    code, out, err = _run(db, capsys, "events", "gap", uuid, "--left", "01/01/1980", "--left-decision", "12-QĐ/HU",
                          "--readmitted", "01/01/1982", "--readmitted-decision", "40-QĐ/HU", "--json")
    assert code == 0, err
    pair = json.loads(out)
    assert [(e["kind"], e["date"], e["decision_number"]) for e in pair] == [
        ("removed", "1980-01-01", "12-QĐ/HU"), ("readmitted", "1982-01-01", "40-QĐ/HU")]
    code, out, _ = _run(db, capsys, "events", "list", uuid, "--on", "01/03/2026", "--json")
    listed = json.loads(out)
    assert listed["party_age_months"] == 585 and listed["status"] == "official"  # the present state is kept
    with db.session() as s:
        dues.generate_month(s, secretary, date(2026, 3, 1))
    with db.read() as s:
        line = s.scalars(select(DuesMonth)).one()
        assert (line.amount, line.exempt) == (30000, False)
        due = badges.member_next_badge(s, badges.member_by_uuid(s, uuid), date(2026, 3, 1))
    assert (due.years, due.reach_date, due.award_date) == (50, date(2027, 6, 1), date(2027, 9, 2))
    # A second gap overlapping the first is refused and changes nothing.
    code, _, err = _run(db, capsys, "events", "gap", uuid, "--left", "01/06/1981", "--readmitted", "01/01/1983")
    assert code == 1 and "đã có" in err
    with db.read() as s:
        assert len(s.scalars(select(MemberEvent)).all()) == 4


def test_leaving_now_and_readmission_once(db, capsys):
    with db.session() as s:
        uuid = member(s, "Đỗ Văn Khánh", date(2000, 3, 10)).uuid
    code, out, err = _run(db, capsys, "events", "leave", uuid, "--date", "01/02/2024", "--how", "removed",
                          "--decision", "5-QĐ/ĐU", "--json")
    assert code == 0, err and json.loads(out)["kind"] == "removed"
    code, out, _ = _run(db, capsys, "events", "list", uuid, "--on", "01/06/2024", "--json")
    assert json.loads(out)["status"] == "removed"
    code, _, err = _run(db, capsys, "events", "readmit", uuid, "--date", "01/01/2024")
    assert code == 1 and "sau ngày ra khỏi Đảng (01/02/2024)" in err
    code, _, err = _run(db, capsys, "events", "readmit", uuid, "--date", "01/08/2025", "--decision", "9-QĐ/ĐU",
                        "--ceremony", "15/08/2025")
    assert code == 0, err
    code, out, _ = _run(db, capsys, "events", "list", uuid, "--on", "10/03/2026", "--json")
    listed = json.loads(out)
    # 26 years from 10/03/2000 minus the 18 months outside (01/02/2024–01/08/2025).
    assert listed["status"] == "probationary" and listed["party_age_months"] == 26 * 12 - 18
    with db.read() as s:
        from handbook_desktop.services.procedures.common import member_by_uuid
        assert member_by_uuid(s, uuid).ceremony_date == date(2025, 8, 15)
    from handbook_desktop.services.datacheck import run_check
    report = run_check(db, today=date(2026, 3, 10))  # the removal closed by re-admission is no contradiction
    assert not [p for p in report.problems if p.code == "status_events" and p.entity_uuid == uuid]
    code, _, err = _run(db, capsys, "events", "leave", uuid, "--date", "01/01/2026")
    assert code == 0
    code, _, err = _run(db, capsys, "events", "readmit", uuid, "--date", "01/02/2026")
    assert code == 1 and "một lần" in err


def test_events_from_json_all_or_nothing(db, tmp_path, capsys):
    with db.session() as s:
        uuid = member(s, "Ngô Thị Lan", date(1990, 5, 1)).uuid
    good = {"member": uuid, "kind": "seriously_ill", "date": "05/01/2026", "note": "Điều trị dài ngày"}
    bad = {"member": uuid, "kind": "khong-co", "date": "06/01/2026"}
    path = tmp_path / "events.json"
    path.write_text(json.dumps([good, bad], ensure_ascii=False), encoding="utf-8")
    code, _, err = _run(db, capsys, "events", "add", "--input", str(path))
    assert code == 1 and "'khong-co'" in err
    with db.read() as s:
        assert s.scalars(select(MemberEvent)).all() == []
    path.write_text(json.dumps([good], ensure_ascii=False), encoding="utf-8")
    code, out, err = _run(db, capsys, "events", "add", "--input", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)[0]["kind"] == "seriously_ill" and json.loads(out)[0]["date"] == "2026-01-05"
    code, _, err = _run(db, capsys, "events", "add", uuid, "--kind", "removed", "--date", "01/01/2026")
    assert code == 1 and "lệnh riêng" in err
    with db.read() as s:
        assert s.scalars(select(AuditLog).where(AuditLog.entity == "member_event")).first() is not None


def test_badges_from_the_command_line(db, capsys):
    with db.session() as s:
        a = member(s, "Nguyễn Văn An", date(1996, 6, 10)).uuid
    code, out, _ = _run(db, capsys, "badges", "pending", "--on", "15/11/2026", "--json")
    assert code == 0 and [(p["member_uuid"], p["years"], p["award_date"]) for p in json.loads(out)] == [
        (a, 30, "2026-09-02")]
    code, _, err = _run(db, capsys, "badges", "dismiss", a, "--years", "30", "--reason", " ")
    assert code == 1 and "lý do" in err
    code, _, err = _run(db, capsys, "badges", "award", a, "--years", "30", "--date", "07/11/2026",
                        "--decision", "15-QĐ/TU")
    assert code == 0, err
    code, out, _ = _run(db, capsys, "badges", "pending", "--on", "15/11/2026", "--json")
    assert json.loads(out) == []
