"""Every figure of every report, recomputed by a second path over the records (issue 17, point 4).

The reports count with SQL and caches; the checks here walk the ORM objects one by one with the
plainest code that could be right, and the identities (head count = official + probationary; each
breakdown adds up to the head count) must hold on every line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.domain.dates import whole_months_between
from handbook_desktop.domain.meetings import RollEntry, attendance_block
from handbook_desktop.services.auth import SYSTEM
from handbook_desktop.services.info import database_info
from handbook_desktop.services.procedures.common import add_event, member_party_age
from handbook_desktop.services.reports import make_report, report_kinds
from handbook_desktop.services.reports.activity import roll_call_counts
from handbook_desktop.services.units import scope_unit_ids_query
from handbook_desktop.store.models import (
    Candidate, DuesMonth, Meeting, MeetingAttendance, Member, MemberEvent, Rating, Unit,
)

from conftest import DEMO_TODAY, PERIOD  # noqa: E402  (tests/reports/conftest.py)

HEADCOUNT = {"official", "probationary", "exempt", "temporarily_away"}


def _members(session):
    scope = set(session.scalars(scope_unit_ids_query()))
    return [m for m in session.scalars(select(Member)) if m.deleted_at is None and m.unit_id in scope]


def _lines(report, key=None):
    table = report.tables[0]
    return {row["code"]: row for row in table.rows}, table.total


def _enrich(database):
    """Records the demo does not make: a death, a re-admission after a gap, ratings, a member
    temporarily attending, so that every column has something to count."""
    with database.session() as session:
        members = [m for m in session.scalars(select(Member).where(Member.status == "official").order_by(Member.id))]
        gone, back, rated = members[3], members[10], members[20:40]
        gone.status = "deceased"
        add_event(session, SYSTEM, gone, "death", date(2026, 5, 2))
        add_event(session, SYSTEM, back, "removed", date(1990, 1, 1))
        add_event(session, SYSTEM, back, "readmitted", date(2000, 1, 1))
        for index, member in enumerate(rated):
            session.add(Rating(unit_id=member.unit_id, member_id=member.id, year=2026, origin_unit="X",
                               level=("excellent", "good", "good", "fulfilled", "not_fulfilled")[index % 5]))


def test_membership_adds_up_and_matches_the_register(committee_db):
    _enrich(committee_db)
    report = make_report(committee_db, "membership", *PERIOD)
    lines, total = _lines(report)
    assert total["headcount"] == database_info(committee_db)["headcount"] > 600
    with committee_db.read() as session:
        units = {u.id: u.code for u in session.scalars(select(Unit))}
        expected = defaultdict(Counter)
        for m in _members(session):
            c = expected[units[m.unit_id]]
            if m.status == "visiting":
                c["visiting"] += 1
                continue
            if m.status not in HEADCOUNT:
                continue
            c["headcount"] += 1
            c["probationary" if m.status == "probationary" else "official"] += 1
            c["female"] += m.gender == "female"
            c["minority"] += bool(m.ethnicity) and m.ethnicity != "Kinh"
            if m.date_of_birth:
                c["under_30"] += whole_months_between(m.date_of_birth, PERIOD[1]) // 12 < 30
            years = member_party_age(m, PERIOD[1]) // 12  # the procedures' own party age, gaps included
            c["party:Từ 50 năm" if years >= 50 else "party:Dưới 10 năm" if years < 10 else "party:mid"] += 1
    assert len(lines) >= 3
    for code, row in lines.items():
        want = expected[code]
        for key in ("headcount", "official", "probationary", "female", "minority", "under_30", "visiting"):
            assert row[key] == want[key], (code, key)
        assert row["party:Từ 50 năm"] == want["party:Từ 50 năm"], code
        assert row["party:Dưới 10 năm"] == want["party:Dưới 10 năm"], code
    for row in list(lines.values()) + [total]:
        assert row["headcount"] == row["official"] + row["probationary"]
        for group in ("Tuổi đời", "Giáo dục phổ thông", "Chuyên môn", "Lý luận chính trị", "Tuổi đảng"):
            keys = [c.key for c in report.tables[0].columns if c.group == group]
            assert sum(row[k] for k in keys) == row["headcount"], (row["label"], group)
    pyramid = next(c for c in report.charts if c.kind == "pyramid")
    dated = total["headcount"] - total["age:unknown"]
    assert sum(pyramid.series[0].values) + sum(pyramid.series[1].values) == dated
    assert sum(pyramid.series[1].values) == total["female"] - sum(  # women without a birth date are not drawn
        1 for m in _members_with_no_birth_date(committee_db) if m == "female")


def _members_with_no_birth_date(database):
    with database.read() as session:
        return [m.gender for m in _members(session) if m.status in HEADCOUNT and m.date_of_birth is None]


def test_movements_count_the_history(committee_db):
    _enrich(committee_db)
    start, end = date(2026, 1, 1), DEMO_TODAY
    report = make_report(committee_db, "movements", start, end)
    lines, total = _lines(report)
    with committee_db.read() as session:
        members = {m.id: m for m in _members(session)}
        events = [e for e in session.scalars(select(MemberEvent))
                  if e.deleted_at is None and e.member_id in members and start <= e.event_date <= end]
    kinds = Counter(e.kind for e in events)
    assert total["admitted"] == kinds["admitted"] > 0
    assert total["official"] == kinds["official"]
    assert total["death"] == kinds["death"] == 1
    assert total["transfer_out_temporary"] == kinds["transfer_out_temporary"]
    assert total["cards"] == kinds["card_issued"] + kinds["card_reissued"] + kinds["card_exchanged"]
    assert sum(r["admitted"] for r in lines.values()) == total["admitted"]


def test_roll_call_counts_equal_the_minutes_attendance_block(committee_db):
    with committee_db.read() as session:
        meetings = list(session.scalars(select(Meeting).where(Meeting.state != "planned")))
        counts = roll_call_counts(session, [m.id for m in meetings])
        checked = 0
        for meeting in meetings:
            entries = [RollEntry("", a.member_status, a.attendance, "", a.suspended)
                       for a in meeting.attendances if a.deleted_at is None]
            if not entries:
                continue
            block = attendance_block(entries)
            got = counts[meeting.id]
            # the minutes' rate: present of the summoned (issue 14, point 1)
            assert (got.expected, got.present, got.unmarked) == (block.summoned, block.present_summoned,
                                                                 len(block.unmarked))
            checked += 1
    assert checked > 50


def test_activity_months_and_attendance(committee_db):
    start, end = date(2026, 1, 1), date(2026, 10, 31)
    report = make_report(committee_db, "activity", start, end)
    lines, total = _lines(report)
    with committee_db.read() as session:
        units = {u.id: u.code for u in session.scalars(select(Unit))}
        regular_months = defaultdict(set)
        held = Counter()
        present = Counter()
        for m in session.scalars(select(Meeting)):
            if m.deleted_at is not None or m.state == "planned" or not (start <= m.meeting_date <= end):
                continue
            held[units[m.unit_id]] += 1
            present[units[m.unit_id]] += sum(1 for a in m.attendances if a.attendance == "present"
                                             and a.member_status in ("official", "probationary"))  # summoned
            if m.kind in ("regular", "combined"):
                regular_months[units[m.unit_id]].add(m.meeting_date.month)
    for code, row in lines.items():
        assert row["months_due"] == 10
        assert row["months_met"] == len(regular_months[code]), code
        assert row["months_missed"] == 10 - len(regular_months[code])
        assert row["held"] == held[code]
        assert row["present"] == present[code]
        missed = [f"{m:02d}/2026" for m in range(1, 11) if m not in regular_months[code]]
        assert row["missed_list"] == ", ".join(missed)
    assert total["held"] == sum(held.values())
    assert report.figures["branches_behind"] == sum(1 for r in lines.values() if r["months_missed"])
    ranks = sorted(r["rank"] for r in lines.values())
    assert ranks == list(range(1, len(lines) + 1))
    best = min(lines.values(), key=lambda r: r["rank"])
    assert best["months_missed"] == min(r["months_missed"] for r in lines.values())
    grid = next(c for c in report.charts if c.kind == "grid")
    assert [sum(1 for v in s.values if v) for s in grid.series] == [r["months_met"] for r in report.tables[0].rows]


def test_dues_due_and_collected(committee_db):
    from handbook_desktop.services.procedures import dues as dues_service

    with committee_db.session() as session:
        dues_service.generate_month(session, SYSTEM, date(2026, 10, 1))
        line = session.scalars(select(DuesMonth).where(DuesMonth.amount > 0)).first()
        line.paid = True
    report = make_report(committee_db, "dues", date(2026, 1, 1), DEMO_TODAY)
    _, total = _lines(report)
    with committee_db.read() as session:
        members = {m.id for m in _members(session)}
        rows = [d for d in session.scalars(select(DuesMonth)) if d.deleted_at is None and d.member_id in members]
    owed = [d for d in rows if not d.exempt and d.amount > 0]
    assert total["due"] == sum(d.amount for d in owed) > 0
    assert total["paid"] == sum(d.amount for d in owed if d.paid)
    assert total["unpaid_lines"] == sum(1 for d in owed if not d.paid)
    assert total["lines"] == len(rows)
    series = {s.name: s.values for s in report.charts[0].series}
    assert sum(series["Phải thu"]) == total["due"] and sum(series["Đã thu"]) == total["paid"]


def test_ratings_per_level(committee_db):
    _enrich(committee_db)
    report = make_report(committee_db, "ratings", date(2026, 1, 1), date(2026, 12, 31))
    _, total = _lines(report)
    with committee_db.read() as session:
        rated = [r for r in session.scalars(select(Rating)) if r.year == 2026 and r.member_id is not None
                 and r.member.status in HEADCOUNT]
    levels = Counter(r.level for r in rated)
    for level in ("excellent", "good", "fulfilled", "not_fulfilled"):
        assert total[level] == levels[level]
    assert total["to_rate"] == total["not_rated"] + sum(levels.values())


def test_admissions_per_stage(committee_db):
    report = make_report(committee_db, "admissions", *PERIOD)
    _, total = _lines(report)
    with committee_db.read() as session:
        cases = [c for c in session.scalars(select(Candidate)) if not c.closed and c.deleted_at is None]
    assert total["open"] == len(cases)
    stages = Counter(c.stage for c in cases)
    for stage, count in stages.items():
        assert total[f"stage:{stage}"] == count


@pytest.mark.parametrize("key", [k.key for k in report_kinds()])
def test_a_branch_reports_on_itself_alone(demo_db, key):
    report = make_report(demo_db, key, *PERIOD)
    assert len(report.tables[0].rows) == 1
    assert report.tables[0].rows[0]["code"] == "CB-KDC3" or report.tables[0].rows[0]["label"]
    if key == "membership":
        assert report.figures["headcount"] == database_info(demo_db)["headcount"]


def test_a_period_backwards_is_refused(demo_db):
    from handbook_desktop.services.errors import UserError

    with pytest.raises(UserError, match="trước ngày đầu kỳ"):
        make_report(demo_db, "activity", date(2026, 5, 1), date(2026, 4, 1))
