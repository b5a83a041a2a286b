"""The command line records a meeting (issue 15 §4) through the window's services, JSON in and out.

DOMAIN.md §5's example, worked by hand: 10 official members of whom 1 is temporarily away, 1 exempt
and absent, 1 absent with an accepted reason → denominator 7. A resolution needs more than 3.5 (4
votes); an admission at least 14/3 ≈ 4.67 (5 votes)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.store.models import Member, Unit


def _run(db, capsys, *argv):
    capsys.readouterr()
    code = main(["--db", str(db.file), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _branch(db) -> dict[str, str]:
    with db.session() as session:
        unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        people = {}
        for i in range(10):
            status = "temporarily_away" if i == 8 else "exempt" if i == 9 else "official"
            member = Member(unit_id=unit.id, full_name=f"Đảng viên {i + 1:02d}", status=status,
                            decision_date=date(2000, 1, 1), official_date=date(2001, 1, 1), origin_unit=unit.code)
            session.add(member)
            session.flush()
            people[i] = member.uuid
    return people


def test_plan_roll_call_and_votes_from_the_command_line(db, tmp_path, capsys):
    people = _branch(db)
    code, _, err = _run(db, capsys, "meetings", "plan", "--date", "05/03/2026", "--kind", "thematic")
    assert code == 1 and "chuyên đề" in err
    code, out, err = _run(db, capsys, "meetings", "plan", "--date", "05/03/2026", "--kind", "combined",
                          "--topic", "Học tập Quy định 294-QĐ/TW", "--start", "19:00", "--json")
    assert code == 0, err
    planned = json.loads(out)
    uuid = planned["uuid"]
    assert planned["date"] == "2026-03-05" and planned["state"] == "planned" and planned["required_minutes"] == 120
    assert _run(db, capsys, "meetings", "times", uuid, "--end", "21:05")[0] == 0
    assert _run(db, capsys, "meetings", "roll", uuid, "--all-present")[0] == 0
    marks = tmp_path / "roll.json"
    marks.write_text(json.dumps([
        {"member": people[9], "mark": "absent_excused", "reason": "Tuổi cao"},
        {"member": people[3], "mark": "absent_excused", "reason": "Đi công tác"},
        {"member": people[4], "mark": "present", "arrived_at": "19:20"},
    ], ensure_ascii=False), encoding="utf-8")
    code, out, err = _run(db, capsys, "meetings", "roll", uuid, "--input", str(marks), "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["attendance_block"]["denominator"] == 7
    assert [r["reason"] for r in shown["roll_call"] if r["attendance"] == "absent_excused"] == ["Đi công tác", "Tuổi cao"]
    assert any(r["late"] and r["arrived_at"] == "19:20" for r in shown["roll_call"])

    votes = []
    for kind, count in (("resolution", 4), ("resolution", 3), ("admission", 5), ("admission", 4)):
        code, out, err = _run(db, capsys, "meetings", "vote", uuid, "--subject", f"{kind} {count}", "--kind", kind,
                              "--for", str(count), "--json")
        assert code == 0, err
        votes = json.loads(out)["votes"]
    assert [(v["required"], v["passed"]) for v in votes] == [(4, True), (4, False), (5, True), (5, False)]
    # A bad mark in the file: nothing of the file is written.
    marks.write_text(json.dumps([{"member": people[0], "mark": "absent_excused", "reason": "Ốm"},
                                 {"member": people[1], "mark": "absent_excused"}]), encoding="utf-8")
    code, _, err = _run(db, capsys, "meetings", "roll", uuid, "--input", str(marks))
    assert code == 1 and err.strip()
    code, out, _ = _run(db, capsys, "meetings", "show", uuid, "--json")
    assert json.loads(out)["attendance_block"]["denominator"] == 7
