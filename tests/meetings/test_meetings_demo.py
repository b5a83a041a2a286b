"""On the demo branch (seed 7, as of 15/11/2026): the compliance strip and the screening lists are right,
checked against the roll calls themselves; the command line shows the same."""

import json
from collections import defaultdict
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from handbook_desktop.cli import main
from handbook_desktop.services import meetings as svc
from handbook_desktop.store.models import Meeting, MeetingAttendance, Member, Unit

ON = date(2026, 11, 15)


def _raw(session):
    return session.execute(
        select(Meeting.meeting_date, Meeting.kind, Meeting.state, MeetingAttendance.member_id,
               MeetingAttendance.member_status, MeetingAttendance.attendance)
        .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
        .where(Meeting.state != "planned", Meeting.meeting_date >= date(2026, 1, 1), Meeting.meeting_date <= ON)
    ).all()


def test_demo_has_a_year_of_meetings(demo_db):
    with demo_db.read() as session:
        rows = svc.list_meetings(session)
        assert min(m.meeting_date for m in rows) >= date(2025, 12, 1)
        assert {m.kind for m in rows} >= {"regular", "thematic", "combined"} or {m.kind for m in rows} >= {
            "regular", "combined"}
        held = [m for m in rows if m.state != "planned"]
        assert len(held) >= 11 and all(m.present > 0 for m in held)
        assert sum(1 for m in rows if m.state == "held") == 1  # the latest one, minutes in progress
        detail = svc.meeting_detail(session, held[-1].uuid)
        assert any(item.speeches for item in detail.agenda)
        assert detail.votes and all(v.votes_for + v.votes_against + v.abstain <= v.eligible_present
                                    for v in detail.votes)


def test_compliance_strip_matches_the_meetings(demo_db):
    with demo_db.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        strips = svc.compliance_for(session, 2026, ON)
        meetings = session.execute(select(Meeting.meeting_date, Meeting.kind)
                                   .where(Meeting.state != "planned", Meeting.meeting_date <= ON,
                                          Meeting.meeting_date >= date(2026, 1, 1))).all()
    strip = strips[home.code]
    regular_months = {d.month for d, kind in meetings if kind in ("regular", "combined")}
    thematic_quarters = {(d.month - 1) // 3 + 1 for d, kind in meetings if kind in ("thematic", "combined")}
    for period in strip.months:
        if period.index in regular_months:
            assert period.status == "ok"
        elif period.index < 11:
            assert period.status == "missing"
        elif period.index == 11:
            assert period.status == "open"
        else:
            assert period.status == "future"
    for period in strip.quarters:
        expected = "ok" if period.index in thematic_quarters else ("missing" if period.index < 4 else "open")
        assert period.status == expected
    # the demo leaves out exactly one regular month and one thematic quarter on purpose
    assert len(strip.missing_months) == 1 and len(strip.missing_quarters) == 1
    assert strip.months[11].status == "future"


def test_screening_lists_match_the_roll_calls(demo_db):
    with demo_db.read() as session:
        result = svc.screening(session, 2026, ON)
        raw = _raw(session)
        ids = dict(session.execute(select(Member.id, Member.uuid)).all())
    unexcused = defaultdict(set)
    marks = defaultdict(list)
    for day, _kind, _state, member_id, status, attendance in raw:
        if attendance == "absent_unexcused":
            unexcused[member_id].add(day.month)
        marks[member_id].append((day, status, attendance))
    expected_unexcused = {ids[m]: len(months) for m, months in unexcused.items() if len(months) >= 3}
    expected_row = {}
    for member_id, items in marks.items():
        run = best = 0
        for _day, status, attendance in sorted(items):
            if status == "exempt" or attendance is None:
                continue
            run = run + 1 if attendance == "absent_excused" else 0
            best = max(best, run)
        if best > 3:
            expected_row[ids[member_id]] = best
    assert {f.member_uuid: f.count for f in result.unexcused} == expected_unexcused
    assert {f.member_uuid: f.count for f in result.excused_in_a_row} == expected_row
    assert expected_unexcused and expected_row  # the demo plants one of each
    assert [m.period for m in result.missing_regular] == svc.compliance_for(
        demo_db.read(), 2026, ON)["CB-DEMO"].missing_months


def test_screening_to_excel(demo_db, tmp_path):
    with demo_db.read() as session:
        result = svc.screening(session, 2026, ON)
    path = svc.export_screening_xlsx(result, tmp_path / "ra-soat.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Vắng không lý do", "Vắng có lý do liên tiếp", "Thiếu SH thường kỳ",
                               "Thiếu SH chuyên đề"]
    names = [row[1] for row in book["Vắng không lý do"].iter_rows(min_row=5, values_only=True)]
    assert names == [f.name for f in result.unexcused]
    months = [row[3] for row in book["Thiếu SH thường kỳ"].iter_rows(min_row=5, values_only=True)]
    assert months == [f"{m.period:02d}/2026" for m in result.missing_regular]


def test_cli_list_and_show(demo_db, capsys):
    path = str(demo_db.file)
    assert main(["--db", path, "meetings", "list", "--year", "2026", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and {"uuid", "date", "kind", "state", "attendance"} <= set(listed[0])
    assert all(m["date"].startswith("2026-") for m in listed)
    finalised = next(m for m in listed if m["state"] == "finalised" and m["votes"])
    assert main(["--db", path, "meetings", "show", finalised["uuid"], "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    block = shown["attendance_block"]
    assert shown["kind"] in ("regular", "thematic", "combined", "extraordinary")
    assert {r["attendance"] for r in shown["roll_call"]} <= {"present", "absent_excused", "absent_unexcused", None}
    assert all(r["reason"] for r in shown["roll_call"] if r["attendance"] == "absent_excused")
    assert block["present"] == sum(1 for r in shown["roll_call"] if r["attendance"] == "present"
                                   and r["status"] in ("official", "probationary", "exempt"))
    vote = shown["votes"][0]
    assert {"kind", "votes_for", "votes_against", "abstain", "denominator", "required", "passed"} <= set(vote)
    assert vote["denominator"] == block["denominator"]
    assert vote["passed"] == (vote["votes_for"] >= vote["required"])
    assert main(["--db", path, "meetings", "show", "khong-co", "--json"]) == 1
    assert "Không tìm thấy" in capsys.readouterr().err
    assert main(["--db", path, "meetings", "screening", "--on", "15/11/2026", "--json"]) == 0
    screened = json.loads(capsys.readouterr().out)
    assert screened["unexcused"] and screened["missing_regular"]
