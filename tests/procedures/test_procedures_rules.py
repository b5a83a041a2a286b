"""Table-driven tests of each procedure rule: working days, party age, admission, probation, badges,
dues, ratings — with year ends, leap days, Tết, re-admission gaps and a change of regulation."""

from __future__ import annotations

from datetime import date

import pytest

from handbook_desktop.domain import probation
from handbook_desktop.domain.admission import CandidateFacts, Introducer, ceremony_due, eligibility_problems
from handbook_desktop.domain.badges import BadgeInput, award_dates, badge_rounds, next_milestone
from handbook_desktop.domain.dues import DuesBasisValue, check_reduction, monthly_dues
from handbook_desktop.domain.party_age import Gap, date_reaching, gaps_from_events, party_age_months
from handbook_desktop.domain.rating import excellent_ratio_warning, level_for_score
from handbook_desktop.domain.rules import Rule, RuleBook
from handbook_desktop.domain.workdays import WorkCalendar
from handbook_desktop.services.rules import shipped_rules

BOOK = RuleBook.of(shipped_rules())
CAL = WorkCalendar()
D = date


@pytest.mark.parametrize("start, count, expected", [
    (D(2026, 2, 13), 1, D(2026, 2, 23)),   # Friday before Tết 2026: 16–20/02 off, then the weekend
    (D(2026, 2, 12), 5, D(2026, 2, 26)),   # 13/02, then 23, 24, 25, 26
    (D(2026, 2, 17), 1, D(2026, 2, 23)),   # from Tết's first day (17/02/2026)
    (D(2025, 12, 31), 1, D(2026, 1, 2)),   # year end: 01/01 is a holiday
    (D(2025, 12, 26), 3, D(2025, 12, 31)),  # across the weekend, still in the year
    (D(2024, 2, 28), 1, D(2024, 2, 29)),   # leap day is a Thursday, a working day
    (D(2026, 4, 24), 1, D(2026, 4, 28)),   # Giỗ Tổ (lunar 10/3) on Sunday 26/04/2026, observed Monday 27/04
    (D(2026, 10, 26), 30, D(2026, 12, 8)),  # 24/11/2026 Ngày Văn hóa Việt Nam is off
    (D(2026, 3, 2), 0, D(2026, 3, 2)),
])
def test_add_working_days(start, count, expected):
    assert CAL.add_working_days(start, count) == expected


@pytest.mark.parametrize("day, working", [
    (D(2026, 2, 16), False), (D(2026, 2, 20), False), (D(2026, 2, 23), True), (D(2025, 1, 29), False),
    (D(2026, 9, 2), False), (D(2026, 9, 3), True), (D(2026, 11, 14), False), (D(2024, 2, 29), True),
])
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_committee_days_off_and_make_up_days_are_data():
    calendar = WorkCalendar(days_off=[D(2026, 3, 6)], workdays=[D(2026, 3, 7)])  # moved: Friday off, Saturday worked
    assert not calendar.is_working_day(D(2026, 3, 6))
    assert calendar.is_working_day(D(2026, 3, 7))
    assert calendar.add_working_days(D(2026, 3, 5), 1) == D(2026, 3, 7)
    assert CAL.add_working_days(D(2026, 3, 5), 1) == D(2026, 3, 6)
    assert calendar.working_days_between(D(2026, 3, 5), D(2026, 3, 9)) == 2


@pytest.mark.parametrize("decision, on, gaps, months", [
    (D(2000, 1, 31), D(2000, 2, 29), [], 1),        # a month from 31/01 ends on the last day of February (leap)
    (D(2000, 1, 31), D(2000, 2, 28), [], 0),
    (D(2000, 1, 31), D(2000, 3, 31), [], 2),
    (D(2024, 2, 29), D(2025, 2, 28), [], 12),       # a leap-day decision completes a year on 28/02
    (D(1995, 12, 31), D(2025, 12, 31), [], 360),    # across year ends: 30 years exactly
    (D(1995, 12, 31), D(2025, 12, 30), [], 359),
    (D(1990, 5, 10), D(2020, 5, 10), [Gap(D(2000, 1, 1), D(2002, 1, 1))], 336),  # removed, re-admitted 2 years later
    (D(1990, 5, 10), D(2001, 1, 1), [Gap(D(2000, 1, 1), None)], 115),  # still outside: frozen at the removal
    (D(2026, 1, 1), D(2025, 1, 1), [], 0),
])
def test_party_age(decision, on, gaps, months):
    assert party_age_months(decision, on, gaps) == months


def test_readmission_gap_from_events_and_milestone_date():
    events = [("admitted", D(1980, 3, 1), None), ("removed", D(1990, 6, 1), None), ("readmitted", D(1993, 6, 1), None),
              ("party_age_gap", D(2000, 1, 1), D(2000, 7, 1))]
    gaps = gaps_from_events(events)
    assert gaps == [Gap(D(1990, 6, 1), D(1993, 6, 1)), Gap(D(2000, 1, 1), D(2000, 7, 1))]
    # 30 years from 01/03/1980 plus 36 + 6 months of gaps
    assert date_reaching(D(1980, 3, 1), 360, gaps) == D(2013, 9, 1)
    assert party_age_months(D(1980, 3, 1), D(2013, 9, 1), gaps) == 360


def _facts(birth, education="12/12", introducers=None, union=False, cert=D(2025, 6, 1)):
    if introducers is None:
        introducers = (Introducer("A", True, D(2020, 1, 1)), Introducer("B", True, D(2021, 1, 1)))
    return CandidateFacts(birth, education, tuple(introducers), union, cert)


@pytest.mark.parametrize("facts, considered, codes", [
    (_facts(D(2008, 3, 1)), D(2026, 3, 1), []),                      # 18 exactly, counted in months
    (_facts(D(2008, 3, 2)), D(2026, 3, 1), ["age"]),                  # one day short
    (_facts(D(2008, 2, 29)), D(2026, 2, 27), ["age"]),                # leap-day birth
    (_facts(D(2008, 2, 29)), D(2026, 2, 28), []),                     # 18 on the last day of February
    (_facts(D(1966, 3, 1)), D(2026, 3, 31), []),                      # 60 years and 30 days: still 720 months
    (_facts(D(1966, 3, 1)), D(2026, 4, 1), ["age"]),                  # 721 months: over 60
    (_facts(D(1990, 1, 1), education="8/12"), D(2026, 1, 5), ["education"]),
    (_facts(D(1970, 1, 1), education="7/10"), D(2026, 1, 5), []),     # old 10-year system, lower secondary done
    (_facts(D(1990, 1, 1), introducers=[Introducer("A", True, D(2025, 6, 1)),
                                        Introducer("B", True, D(2020, 1, 1))]), D(2026, 5, 31), ["introducer"]),
    (_facts(D(1990, 1, 1), introducers=[Introducer("A", False, D(2020, 1, 1)),
                                        Introducer("B", True, D(2020, 1, 1))]), D(2026, 5, 31), ["introducer"]),
    (_facts(D(1990, 1, 1), introducers=[Introducer("A", True, D(2020, 1, 1))], union=True), D(2026, 5, 31), []),
    (_facts(D(1990, 1, 1), introducers=[Introducer("A", True, D(2020, 1, 1))]), D(2026, 5, 31), ["introducer"]),
    (_facts(D(1990, 1, 1), cert=D(2021, 6, 1)), D(2026, 6, 1), []),     # exactly 5 years
    (_facts(D(1990, 1, 1), cert=D(2021, 6, 1)), D(2026, 6, 2), ["certificate"]),
    (_facts(D(1990, 1, 1), cert=None), D(2026, 6, 2), ["certificate"]),
])
def test_admission_eligibility(facts, considered, codes):
    assert [p.code for p in eligibility_problems(BOOK, facts, considered)] == codes


@pytest.mark.parametrize("ceremony, end, vote_due", [
    (D(2025, 2, 17), D(2026, 2, 17), D(2026, 4, 3)),   # ends on Tết (17/02/2026): 18–20/02 are off too
    (D(2024, 2, 29), D(2025, 2, 28), D(2025, 4, 14)),  # leap-day ceremony; Giỗ Tổ 07/04/2025 off
    (D(2025, 12, 31), D(2026, 12, 31), D(2027, 2, 19)),  # across the year end (01/01/2027) and Tết 2027 (04–10/02)
])
def test_probation_dates(ceremony, end, vote_due):
    assert probation.probation_end(BOOK, ceremony) == end
    assert probation.official_date(BOOK, ceremony) == end
    assert probation.vote_due(BOOK, CAL, ceremony) == vote_due


def test_ceremony_within_thirty_working_days_across_tet():
    # decision received 02/02/2026: Tết 16–20/02 pushes the deadline a week, to 23/03
    assert ceremony_due(BOOK, CAL, D(2026, 2, 2)) == D(2026, 3, 23)


def test_badge_award_days_and_rounds():
    assert award_dates(BOOK, D(2026, 11, 15), D(2027, 11, 15)) == [
        D(2027, 2, 3), D(2027, 5, 19), D(2027, 9, 2), D(2027, 11, 7)]
    people = [
        BadgeInput("a", D(1997, 1, 10)),                      # 30 years on 10/01/2027 → 03/02/2027
        BadgeInput("b", D(1987, 2, 3)),                       # 40 years on 03/02/2027, the day itself
        BadgeInput("c", D(1987, 2, 4)),                       # a day later → 19/05/2027
        BadgeInput("d", D(1959, 1, 1), seriously_ill=True, awarded_years=frozenset({30, 40, 45, 50, 55, 60, 65})),  # 70y 01/01/2029, 24 months early
        BadgeInput("e", D(1997, 3, 1), disciplines=(("warning", D(2026, 12, 1)),)),  # 30y 01/03/2027, deferred 9 months
        BadgeInput("f", D(1967, 6, 1), death_date=D(2026, 12, 1), awarded_years=frozenset({30, 40, 45, 50, 55})),  # 60y 01/06/2027: posthumous, 12 months early
        BadgeInput("g", D(1997, 1, 10), awarded_years=frozenset({30})),
        BadgeInput("h", D(1995, 1, 10), gaps=(Gap(D(2000, 1, 1), D(2002, 1, 1)),)),  # 30 years on 10/01/2027
    ]
    rounds = badge_rounds(BOOK, people, D(2026, 11, 15))
    keyed = {day: sorted((d.key, d.years) for d in dues) for day, dues in rounds.items()}
    assert keyed[D(2027, 2, 3)] == [("a", 30), ("b", 40), ("d", 70), ("f", 60), ("h", 30)]
    assert keyed[D(2027, 5, 19)] == [("c", 40)]
    assert keyed[D(2027, 9, 2)] == [("e", 30)]
    flags = {d.key: (d.early, d.posthumous) for dues in rounds.values() for d in dues}
    assert flags["d"] == (True, False) and flags["f"] == (True, True) and flags["a"] == (False, False)
    deferred = [d for d in rounds[D(2027, 9, 2)] if d.key == "e"][0]
    assert deferred.deferred_until == D(2027, 9, 1)
    assert next_milestone(BOOK, people[6], D(2026, 11, 15)).years == 40


@pytest.mark.parametrize("basis, month, age_months, amount, exempt", [
    (DuesBasisValue("insured_salary", 8_424_000), D(2026, 3, 1), 100, 84_240, False),
    (DuesBasisValue("pension", 5_800_000), D(2026, 3, 1), 100, 29_000, False),
    (DuesBasisValue("student"), D(2026, 1, 1), 10, 3_000, False),      # 342-QĐ/TW before 03/02/2026
    (DuesBasisValue("student"), D(2026, 3, 1), 10, 5_000, False),      # 01-QĐ/TW after
    (DuesBasisValue("pension", 5_800_000), D(2026, 1, 1), 600, 29_000, False),  # 50 years: no exemption yet
    (DuesBasisValue("pension", 5_800_000), D(2026, 3, 1), 600, 0, True),        # exempt under 01-QĐ/TW
    (DuesBasisValue("pension", 5_800_000), D(2026, 3, 1), 599, 29_000, False),
    (DuesBasisValue("insured_salary", 7_020_001, reduction_percent=30, reduction_until=D(2026, 6, 30)),
     D(2026, 6, 1), 60, 49_140, False),
    (DuesBasisValue("insured_salary", 7_020_000, reduction_percent=70, reduction_until=D(2026, 6, 30)),
     D(2026, 7, 1), 60, 70_200, False),                                # reduction over
    (DuesBasisValue("flat", flat_amount=10_000), D(2026, 5, 1), 60, 10_000, False),
    (DuesBasisValue("exempt", exempt_reason="hộ nghèo"), D(2026, 5, 1), 60, 0, True),
])
def test_monthly_dues(basis, month, age_months, amount, exempt):
    due = monthly_dues(BOOK, basis, month, age_months)
    assert (due.amount, due.exempt) == (amount, exempt)


def test_dues_reduction_requests_judged_by_the_rule_in_force():
    assert check_reduction(BOOK, 50, D(2026, 3, 1), D(2027, 2, 1)) is None
    assert "12 tháng" in check_reduction(BOOK, 50, D(2026, 3, 1), D(2027, 3, 1))
    assert check_reduction(BOOK, 40, D(2026, 3, 1), D(2026, 5, 1)).startswith("Mức giảm")
    assert "không có mức giảm" in check_reduction(BOOK, 50, D(2025, 3, 1), D(2025, 5, 1))


@pytest.mark.parametrize("score, disciplined, level", [
    (90, False, "excellent"), (89, False, "good"), (70, False, "good"), (69, False, "fulfilled"),
    (50, False, "fulfilled"), (49, False, "not_fulfilled"), (0, False, "not_fulfilled"),
    (95, True, "not_fulfilled"),
])
def test_rating_bands(score, disciplined, level):
    assert level_for_score(BOOK, 2026, score, disciplined_in_year=disciplined).level == level


def test_rating_rule_change_judges_each_year_by_its_own_rule():
    changed = RuleBook.of(shipped_rules() + [Rule("rating.bands", [
        {"level": "excellent", "min": 95}, {"level": "good", "min": 75}, {"level": "fulfilled", "min": 50},
        {"level": "not_fulfilled", "min": 0}], D(2027, 6, 1), "test")])
    assert level_for_score(changed, 2026, 92).level == "excellent"
    assert level_for_score(changed, 2027, 92).level == "good"


@pytest.mark.parametrize("counts, warns", [
    ({"excellent": 2, "good": 10}, False), ({"excellent": 3, "good": 10}, True), ({"excellent": 1, "good": 0}, True),
    ({"excellent": 0, "good": 0}, False),
])
def test_excellent_ratio_warning(counts, warns):
    assert (excellent_ratio_warning(BOOK, 2026, counts) is not None) is warns


def test_a_newer_program_brings_its_rule_files_into_an_older_database(db, secretary, capsys):
    """An older database holds a shipped rule the program has since corrected, lacks a rule the
    program now ships, and has a rule the committee changed: opening it (here through the command
    line) corrects the first, adds the second and leaves the committee's alone, with an audit line."""
    import json

    from sqlalchemy import delete, select

    from handbook_desktop.cli import main
    from handbook_desktop.store.models import AuditLog, RuleRow

    with db.session() as session:
        session.info["keep_versions"] = True  # as the older program left them: untouched, version 1
        award = session.scalars(select(RuleRow).where(RuleRow.key == "badge.award_days",
                                                 RuleRow.effective_from == date(2021, 7, 28))).one()
        award.value_json = json.dumps(["03-02", "05-19", "09-02", "11-07"])  # the old mistake
        session.execute(delete(RuleRow).where(RuleRow.key == "todo.lookahead_days"))
    with db.session() as session:  # the committee's own value, through a normal change
        age = session.scalars(select(RuleRow).where(RuleRow.key == "admission.age_min_years")).first()
        age.value_json = "19"
        session.flush()
        committee_version = age.version
    assert committee_version > 1
    path = db.file
    db.close()

    assert main(["--db", str(path), "info", "--json"]) == 0
    capsys.readouterr()
    from handbook_desktop.store.database import Database

    with Database.open(path) as reopened, reopened.read() as session:
        award = session.scalars(select(RuleRow).where(RuleRow.key == "badge.award_days",
                                                 RuleRow.effective_from == date(2021, 7, 28))).one()
        assert json.loads(award.value_json) == ["02-03", "05-19", "09-02", "11-07"] and award.version == 1
        assert session.scalars(select(RuleRow).where(RuleRow.key == "todo.lookahead_days")).first() is not None
        age = session.scalars(select(RuleRow).where(RuleRow.key == "admission.age_min_years")).first()
        assert age.value_json == "19" and age.version == committee_version
        (detail,) = session.scalars(select(AuditLog.detail).where(AuditLog.action == "rules_update")).all()
        assert "badge.award_days" in detail and '"added": 1' in detail
    # Opened again: nothing more to do, no second audit line.
    assert main(["--db", str(path), "info", "--json"]) == 0
    with Database.open(path) as reopened, reopened.read() as session:
        assert len(session.scalars(select(AuditLog.id).where(AuditLog.action == "rules_update")).all()) == 1
