"""The procedure services on a real database: status kept consistent with the events, refusals that
change nothing, the dues ledger judged month by month (before and after 03/02/2026), the Excel dues
book, ratings, committee calendar days, and the member detail."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from handbook_desktop.services.errors import PermissionDenied, UserError
from handbook_desktop.services.procedures import admission, dues, probation, ratings, status
from handbook_desktop.services.procedures.common import set_calendar_day
from handbook_desktop.store.models import AuditLog, DuesMonth, Member, MemberEvent, Unit


def _member(session, name, status_="official", born=date(1970, 1, 1), decision=date(2000, 1, 10), **extra):
    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
    official = extra.pop("official_date", date(decision.year + 1, decision.month, decision.day)
                         if status_ == "official" else None)
    member = Member(unit_id=unit.id, status=status_, full_name=name, date_of_birth=born, decision_date=decision,
                    ceremony_date=decision, official_date=official, origin_unit=unit.code, **extra)
    session.add(member)
    session.flush()
    return member


def _held_vote(session, kind, member, day, votes_for, denominator, *, state="finalised", passed=True) -> str:
    """A vote as a held meeting's minutes recorded it (the meetings service's arithmetic is tested apart)."""
    from handbook_desktop.store.models import Meeting, Vote

    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
    meeting = Meeting(unit_id=unit.id, kind="regular", state=state, meeting_date=day, origin_unit=unit.code)
    session.add(meeting)
    session.flush()
    vote = Vote(meeting_id=meeting.id, position=1, subject=f"Biểu quyết về {member.full_name}", kind=kind,
                subject_member_id=member.id, votes_for=votes_for, votes_against=denominator - votes_for, abstain=0,
                denominator=denominator, eligible_present=denominator, required=1, passed=passed,
                origin_unit=unit.code)
    session.add(vote)
    session.flush()
    return vote.uuid


def test_transfers_keep_status_and_headcount(db, secretary):
    from handbook_desktop.domain.states import MemberStatus

    with db.session() as s:
        a = _member(s, "Nguyễn Văn An").uuid
        b = _member(s, "Trần Thị Bích").uuid
    with db.session() as s:
        status.transfer_out(s, secretary, a, day=date(2026, 3, 2), destination="Chi bộ Tổ 7")
        status.transfer_out(s, secretary, b, day=date(2026, 3, 2), destination="Trường Chính trị", temporary=True,
                            until=date(2027, 9, 1), study=True)
    with db.read() as s:
        members = {m.uuid: m for m in s.scalars(select(Member))}
        assert members[a].status == "transferred_out" and not MemberStatus(members[a].status).in_headcount
        assert members[b].status == "temporarily_away" and MemberStatus(members[b].status).in_headcount
        assert [e.kind for e in members[a].events] == ["transfer_out_official"]
    with db.session() as s:
        status.temporary_return(s, secretary, b, date(2026, 9, 1))
        assert status.presentation_due(s, s.scalars(select(MemberEvent).where(
            MemberEvent.kind == "transfer_out_official")).one()) == date(2026, 4, 13)
    with db.read() as s:
        assert s.scalars(select(Member).where(Member.uuid == b)).one().status == "official"


@pytest.mark.parametrize("start, until, study, ok", [
    (date(2026, 3, 2), date(2026, 6, 2), False, True),     # 3 months
    (date(2026, 3, 2), date(2026, 6, 1), False, False),    # under 3 months
    (date(2026, 3, 2), date(2027, 3, 2), False, True),     # 12 months at most
    (date(2026, 3, 2), date(2027, 3, 3), False, False),
    (date(2026, 3, 2), date(2028, 3, 2), True, True),      # study: 24 months
])
def test_temporary_transfer_bounds(db, secretary, start, until, study, ok):
    with db.session() as s:
        uuid = _member(s, "Lê Văn Cường").uuid
    if ok:
        with db.session() as s:
            status.transfer_out(s, secretary, uuid, day=start, destination="Nơi khác", temporary=True,
                                until=until, study=study)
    else:
        with pytest.raises(UserError):
            with db.session() as s:
                status.transfer_out(s, secretary, uuid, day=start, destination="Nơi khác", temporary=True,
                                    until=until, study=study)
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(MemberEvent)) == 0


def test_discipline_kinds_by_state_and_expulsion(db, secretary):
    with db.session() as s:
        prob = _member(s, "Phạm Thị Dung", status_="probationary", decision=date(2026, 1, 5)).uuid
        off = _member(s, "Hoàng Văn Em").uuid
    with pytest.raises(UserError, match="đảng viên dự bị"):
        with db.session() as s:
            status.discipline(s, secretary, prob, kind="dismissal", day=date(2026, 5, 1))
    with db.session() as s:
        status.discipline(s, secretary, prob, kind="warning", day=date(2026, 5, 1))
        status.discipline(s, secretary, off, kind="expulsion", day=date(2026, 5, 1), decision_number="3-QĐ/ĐU")
    with db.read() as s:
        assert s.scalars(select(Member).where(Member.uuid == off)).one().status == "expelled"
        assert s.scalars(select(Member).where(Member.uuid == prob)).one().status == "probationary"


def test_exemption_removal_card_and_audit(db, secretary, viewer):
    with db.session() as s:
        uuid = _member(s, "Đỗ Văn Giang", party_card_number="01.000001").uuid
    with pytest.raises(PermissionDenied):
        with db.session() as s:
            status.set_exemption(s, viewer, uuid, date(2026, 4, 1))
    with db.session() as s:
        status.set_exemption(s, secretary, uuid, date(2026, 4, 1), reason="Tuổi cao, sức yếu")
        status.card_event(s, secretary, uuid, "card_lost", date(2026, 5, 1))
    with db.read() as s:
        member = s.scalars(select(Member).where(Member.uuid == uuid)).one()
        assert member.status == "exempt" and status.lost_cards(member)
    with db.session() as s:
        status.card_event(s, secretary, uuid, "card_reissued", date(2026, 6, 1), "01.000777")
        status.propose_removal(s, secretary, uuid, date(2026, 7, 1), "Không đóng đảng phí 3 tháng")
        status.remove(s, secretary, uuid, date(2026, 8, 1), "9-QĐ/ĐU")
    with db.read() as s:
        member = s.scalars(select(Member).where(Member.uuid == uuid)).one()
        assert member.status == "removed" and member.party_card_number == "01.000777"
        assert not status.lost_cards(member)
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity == "member_event")) == 5


def test_admission_refuses_an_ineligible_case_and_changes_nothing(db, secretary):
    with db.session() as s:
        intro = _member(s, "Nguyễn Văn Bình").uuid
        young = _member(s, "Trịnh Minh Khoa", status_="candidate", born=date(2008, 3, 2), decision=None,
                        general_education="12/12")
        case = admission.open_case(s, secretary, member_uuid=young.uuid, identified_on=date(2025, 10, 1)).uuid
        admission.update_case(s, secretary, case, course_certificate_date=date(2025, 11, 1),
                              introducer_1_uuid=intro, introducer_1_known_since=date(2023, 1, 1),
                              youth_union_resolution=True, opinions_date=date(2026, 2, 1))
        early = _held_vote(s, "admission", young, date(2026, 3, 1), 5, 5)
        later = _held_vote(s, "admission", young, date(2026, 3, 2), 4, 6)
    with pytest.raises(UserError, match="Chưa đủ 18 tuổi"):
        with db.session() as s:
            admission.record_branch_vote(s, secretary, case, vote_uuid=early)
    with db.session() as s:  # the next day the candidate is 18 (counted in months)
        admission.record_branch_vote(s, secretary, case, vote_uuid=later)
    with db.read() as s:
        assert admission.candidate_by_uuid(s, case).stage == "branch_vote"


def test_probation_official_date_whatever_the_vote_date(db, secretary):
    with db.session() as s:
        uuid = _member(s, "Vũ Thị Hạnh", status_="probationary", decision=date(2024, 2, 20)).uuid
        s.scalars(select(Member).where(Member.uuid == uuid)).one().ceremony_date = date(2024, 2, 29)
    with db.session() as s:
        member = s.scalars(select(Member).where(Member.uuid == uuid)).one()
        early = _held_vote(s, "official_recognition", member, date(2025, 2, 27), 3, 3)
        late = _held_vote(s, "official_recognition", member, date(2025, 6, 3), 3, 4)
    with pytest.raises(UserError, match="Chưa hết thời gian dự bị"):
        with db.session() as s:
            probation.recognise_official(s, secretary, uuid, vote_uuid=early)
    with db.session() as s:
        assert probation.vote_deadline(s, s.scalars(select(Member).where(Member.uuid == uuid)).one()) == date(2025, 4, 14)
        assert [v["uuid"] for v in probation.recognition_votes(s, uuid)] == [late, early]
        probation.recognise_official(s, secretary, uuid, vote_uuid=late)
    with db.read() as s:
        member = s.scalars(select(Member).where(Member.uuid == uuid)).one()
        assert member.status == "official" and member.official_date == date(2025, 2, 28)


def test_dues_ledger_months_judged_by_the_rule_in_force(db, secretary, tmp_path):
    with db.session() as s:
        student = _member(s, "Lê Thu Hà", occupation="Sinh viên", decision=date(2024, 5, 1)).uuid
        veteran = _member(s, "Bùi Văn Ích", occupation="Cán bộ hưu trí", decision=date(1975, 6, 1)).uuid
        worker = _member(s, "Ngô Thị Kim", decision=date(2010, 1, 1)).uuid
        dues.set_basis(s, secretary, student, effective_from=date(2026, 1, 1), kind="student")
        dues.set_basis(s, secretary, veteran, effective_from=date(2026, 1, 1), kind="pension", base_amount=6_000_000)
        dues.set_basis(s, secretary, worker, effective_from=date(2026, 1, 1), kind="insured_salary",
                       base_amount=8_000_000)
        with pytest.raises(UserError, match="không có mức giảm"):
            dues.set_basis(s, secretary, worker, effective_from=date(2026, 1, 1), kind="insured_salary",
                           base_amount=8_000_000, reduction_percent=50, reduction_until=date(2026, 6, 30))
        dues.set_basis(s, secretary, worker, effective_from=date(2026, 4, 1), kind="insured_salary",
                       base_amount=8_000_000, reduction_percent=50, reduction_until=date(2026, 5, 31))
        for month in range(1, 7):
            dues.generate_month(s, secretary, date(2026, month, 1))
        assert dues.generate_month(s, secretary, date(2026, 1, 1)) == 0  # lines kept, not rebuilt
    with db.read() as s:
        amounts = {(m.full_name, line.month.month): (line.amount, line.exempt)
                   for line, m in s.execute(select(DuesMonth, Member).join(Member))}
    assert amounts[("Lê Thu Hà", 1)] == (3000, False) and amounts[("Lê Thu Hà", 3)] == (5000, False)
    assert amounts[("Bùi Văn Ích", 1)] == (30000, False)   # 342-QĐ/TW: no exemption by party age
    assert amounts[("Bùi Văn Ích", 3)] == (0, True)        # 01-QĐ/TW: party age ≥ 50 years
    assert amounts[("Ngô Thị Kim", 3)] == (80000, False) and amounts[("Ngô Thị Kim", 4)] == (40000, False)
    assert amounts[("Ngô Thị Kim", 6)] == (80000, False)
    with db.session() as s:
        for month in (1, 2, 3, 4):
            dues.mark_paid(s, secretary, worker, date(2026, month, 1), paid_on=date(2026, month, 10), method="portal")
        dues.mark_paid(s, secretary, student, date(2026, 1, 1), paid_on=date(2026, 1, 5))
        with pytest.raises(UserError):
            dues.mark_paid(s, secretary, student, date(2025, 12, 1), paid_on=date(2026, 1, 5))
    with db.read() as s:
        unpaid = dues.unpaid_months(s, 2026, date(2026, 6, 15))
        by_name = {s.get(Member, k).full_name: len(v) for k, v in unpaid.items()}
        assert by_name == {"Lê Thu Hà": 4, "Ngô Thị Kim": 1, "Bùi Văn Ích": 2}  # exempt months (March on) never count
        totals = {t["month"].month: t for t in dues.month_totals(s, 2026)}
        assert totals[1]["due"] == 3000 + 30000 + 80000 and totals[1]["paid"] == 83000
        from handbook_desktop.services.progress import drain

        out = drain(dues.export_dues_book(s, 2026, tmp_path / "so.xlsx"))
    sheet = load_workbook(out).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}
    assert rows["Ngô Thị Kim"][2:6] == (80000, 80000, 80000, 40000)
    assert rows["Bùi Văn Ích"][4] == "Miễn" and rows["Lê Thu Hà"][3] == "Chưa nộp"
    assert rows["Cộng"][2] == 83000


def test_ratings_automatic_level_and_warning(db, secretary):
    with db.session() as s:
        people = [_member(s, f"Đảng viên {i}").uuid for i in range(6)]
        status.discipline(s, secretary, people[0], kind="reprimand", day=date(2026, 4, 1))
        ratings.rate_member(s, secretary, people[0], 2026, score=95)
        ratings.rate_member(s, secretary, people[1], 2026, score=92)
        for uuid in people[2:5]:
            ratings.rate_member(s, secretary, uuid, 2026, score=75)
        with pytest.raises(UserError):
            ratings.rate_member(s, secretary, people[5], 2026, score=101)
        ratings.rate_branch(s, secretary, 2026, score=85)
    with db.read() as s:
        summary = ratings.summary(s, 2026)
    levels = {row["name"]: row["level"] for row in summary["rows"]}
    assert levels["Đảng viên 0"] == "not_fulfilled" and levels["Đảng viên 1"] == "excellent"
    assert summary["counts"] == {"excellent": 1, "good": 3, "fulfilled": 0, "not_fulfilled": 1}
    assert summary["warning"] and "20%" in summary["warning"]  # 1 > 0.2 × 3
    assert summary["branch_level"] == "good" and len(summary["missing"]) == 1


def test_committee_days_change_the_deadlines(db, secretary):
    with db.session() as s:
        set_calendar_day(s, secretary, date(2026, 12, 7), "day_off", "Nghỉ bù")
        intro = _member(s, "Nguyễn Văn Bình").uuid
        cand = _member(s, "Hồ Thị Lan", status_="candidate", born=date(1995, 1, 1), decision=None,
                       general_education="12/12")
        case = admission.open_case(s, secretary, member_uuid=cand.uuid, identified_on=date(2026, 1, 1)).uuid
        admission.update_case(s, secretary, case, course_certificate_date=date(2026, 2, 1), introducer_1_uuid=intro,
                              introducer_1_known_since=date(2020, 1, 1), youth_union_resolution=True)
        admission.record_branch_vote(s, secretary, case, vote_uuid=_held_vote(s, "admission", cand, date(2026, 10, 1), 2, 2))
        admission.record_decision(s, secretary, case, decision_number="1-QĐ/ĐU", decision_date=date(2026, 10, 26))
    from handbook_desktop.services.procedures.todo import todo

    with db.read() as s:
        item = next(i for i in todo(s, date(2026, 11, 15)) if i.kind == "ceremony_due")
    assert item.due == date(2026, 12, 9)  # 08/12 without the committee's day off on 07/12


def test_member_detail_has_party_age_and_next_badge(db):
    from handbook_desktop.services.procedures.detail import procedures_detail

    with db.session() as s:
        member = _member(s, "Kiều Văn Long", decision=date(1997, 1, 10))
        detail = procedures_detail(s, member, date(2026, 11, 15))
    assert detail["party_age_months"] == 358
    assert detail["next_badge"]["years"] == 30 and detail["next_badge"]["award_date"] == date(2027, 2, 3)


def test_transfer_in_official_and_temporary(db, secretary):
    with db.session() as s:
        arriving = _member(s, "Mai Văn Nghĩa", status_="transferred_out", official_date=date(2001, 1, 10)).uuid
        visiting = _member(s, "Tạ Thị Oanh", status_="transferred_out").uuid
    with pytest.raises(UserError):
        with db.session() as s:
            status.transfer_in(s, secretary, arriving, day=date(2026, 5, 4), origin="")
    with db.session() as s:
        status.transfer_in(s, secretary, arriving, day=date(2026, 5, 4), origin="Chi bộ Tổ 2, phường Ba Đình")
        status.transfer_in(s, secretary, visiting, day=date(2026, 5, 4), origin="Đảng bộ Trường X", temporary=True,
                           until=date(2026, 11, 30))
    from handbook_desktop.services.procedures.todo import todo

    with db.read() as s:
        states = {m.full_name: m.status for m in s.scalars(select(Member))}
        items = todo(s, date(2026, 11, 15))
    assert states == {"Mai Văn Nghĩa": "official", "Tạ Thị Oanh": "visiting"}
    ending = [i for i in items if i.kind == "temporary_transfer_ending"]
    assert [n for i in ending for _, n in i.members] == ["Tạ Thị Oanh"] and ending[0].due == date(2026, 11, 30)


def test_a_rule_sent_by_the_committee_applies_from_its_date(db, secretary):
    import json

    from handbook_desktop.store.models import RuleRow

    with db.session() as s:
        s.add(RuleRow(key="dues.amount.student", value_json=json.dumps(7000), effective_from=date(2026, 7, 1),
                      source="Hướng dẫn của Đảng ủy (thử)", origin_unit="DU-PHUONG"))
        student = _member(s, "Lương Thị Phúc", occupation="Sinh viên", decision=date(2025, 5, 1)).uuid
        dues.set_basis(s, secretary, student, effective_from=date(2026, 1, 1), kind="student")
        for month in (1, 6, 7):
            dues.generate_month(s, secretary, date(2026, month, 1))
    with db.read() as s:
        amounts = {line.month.month: line.amount for line in s.scalars(select(DuesMonth))}
    assert amounts == {1: 3000, 6: 5000, 7: 7000}


def test_members_show_json_has_party_age_and_next_badge(db, capsys):
    import json

    from handbook_desktop.cli import main

    with db.session() as s:
        uuid = _member(s, "Kiều Văn Long", decision=date(1997, 1, 10)).uuid
    path = str(db.file)
    db.close()
    assert main(["--db", path, "members", "show", uuid, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["party_age_months"] > 355 and data["next_badge"]["years"] in (30, 40)
    assert [e["kind"] for e in data["events"]] == []


def test_branch_vote_taken_from_a_meeting_vote(db, secretary):
    from handbook_desktop.store.models import Meeting, Vote

    with db.session() as s:
        intro = _member(s, "Nguyễn Văn Bình").uuid
        cand = _member(s, "Đinh Thị Quyên", status_="candidate", born=date(1996, 6, 1), decision=None,
                       general_education="12/12")
        unit = s.scalars(select(Unit)).first()
        meeting = Meeting(unit_id=unit.id, kind="regular", state="finalised", meeting_date=date(2026, 9, 8),
                          origin_unit=unit.code)
        s.add(meeting)
        s.flush()
        vote = Vote(meeting_id=meeting.id, position=1, subject="Đề nghị kết nạp quần chúng Đinh Thị Quyên",
                    kind="admission", subject_member_id=cand.id, votes_for=6, votes_against=1, abstain=0,
                    denominator=7, eligible_present=7, required=5, passed=True, origin_unit=unit.code)
        s.add(vote)
        s.flush()
        vote_uuid = vote.uuid
        case = admission.open_case(s, secretary, member_uuid=cand.uuid, identified_on=date(2026, 1, 1)).uuid
        admission.update_case(s, secretary, case, course_certificate_date=date(2026, 2, 1), introducer_1_uuid=intro,
                              introducer_1_known_since=date(2020, 1, 1), youth_union_resolution=True)
        assert [v["uuid"] for v in admission.admission_votes(s)] == [vote_uuid]
        admission.record_branch_vote(s, secretary, case, vote_uuid=vote_uuid)
    with db.read() as s:
        found = admission.candidate_by_uuid(s, case)
        assert (found.considered_on, found.votes_for, found.denominator) == (date(2026, 9, 8), 6, 7)
        assert found.meeting_uuid is not None


def test_typed_votes_and_votes_of_meetings_not_held_are_refused(db, secretary):
    """Admission and recognition take their vote only from a held meeting's minutes (issue 14, point 4)."""
    with db.session() as s:
        intro = _member(s, "Nguyễn Văn Bình")
        cand = _member(s, "Đinh Thị Quyên", status_="candidate", born=date(1996, 6, 1), decision=None,
                       general_education="12/12")
        other = _member(s, "Lưu Văn Tài", status_="candidate", born=date(1995, 6, 1), decision=None,
                        general_education="12/12")
        probationer = _member(s, "Vũ Thị Hạnh", status_="probationary", decision=date(2024, 2, 20))
        probationer.ceremony_date = date(2024, 2, 29)
        planned = _held_vote(s, "admission", cand, date(2026, 9, 8), 7, 7, state="planned")
        about_other = _held_vote(s, "admission", other, date(2026, 9, 9), 7, 7)
        resolution = _held_vote(s, "resolution", cand, date(2026, 9, 10), 7, 7)
        recognition_planned = _held_vote(s, "official_recognition", probationer, date(2025, 6, 3), 3, 3,
                                         state="planned")
        case = admission.open_case(s, secretary, member_uuid=cand.uuid, identified_on=date(2026, 1, 1)).uuid
        admission.update_case(s, secretary, case, course_certificate_date=date(2026, 2, 1),
                              introducer_1_uuid=intro.uuid, introducer_1_known_since=date(2020, 1, 1),
                              youth_union_resolution=True)
        member_uuid = probationer.uuid
        assert [v["uuid"] for v in admission.admission_votes(s)] == [about_other]  # the planned meeting's is not offered
        assert probation.recognition_votes(s, member_uuid) == []
    refusals = [
        (lambda s: admission.record_branch_vote(s, secretary, case, considered_on=date(2026, 9, 8), votes_for=7,
                                                denominator=7), "không nhập tay"),
        (lambda s: admission.record_branch_vote(s, secretary, case), "Cần chọn biểu quyết kết nạp"),
        (lambda s: admission.record_branch_vote(s, secretary, case, vote_uuid=planned), "chưa họp"),
        (lambda s: admission.record_branch_vote(s, secretary, case, vote_uuid=about_other), "người khác"),
        (lambda s: admission.record_branch_vote(s, secretary, case, vote_uuid=resolution), "Không tìm thấy"),
        (lambda s: probation.recognise_official(s, secretary, member_uuid, vote_date=date(2025, 6, 3), votes_for=3,
                                                denominator=3), "không nhập tay"),
        (lambda s: probation.recognise_official(s, secretary, member_uuid), "Cần chọn biểu quyết công nhận"),
        (lambda s: probation.recognise_official(s, secretary, member_uuid, vote_uuid=recognition_planned), "chưa họp"),
    ]
    for call, reason in refusals:
        with pytest.raises(UserError, match=reason):
            with db.session() as s:
                call(s)
    with db.read() as s:  # nothing changed
        assert admission.candidate_by_uuid(s, case).considered_on is None
        assert s.scalars(select(Member).where(Member.uuid == member_uuid)).one().status == "probationary"


def test_a_committee_rates_branch_by_branch(tmp_path, secretary):
    """At a committee the summary, the 20 % check and the organisation's own level are per branch;
    one branch's own rating is never shown as another's or as the committee's."""
    from sqlalchemy import select

    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.members.query import branches
    from handbook_desktop.services.procedures.ratings import rate_branch, rate_member, summary
    from handbook_desktop.services.progress import drain
    from handbook_desktop.store.database import Database
    from handbook_desktop.store.models import Member

    with Database.open(tmp_path / "committee.sqlite3") as database:
        drain(generate(database, members=700, seed=4, today=date(2026, 11, 15)))
        with database.session() as session:
            (first, _c1, _n1), (second, _c2, _n2) = branches(session)[:2]
            rate_branch(session, secretary, 2026, score=92, unit_id=first)
            member = session.scalars(select(Member).where(Member.unit_id == second, Member.status == "official")
                                     .order_by(Member.id)).first()
            rate_member(session, secretary, member.uuid, 2026, score=95)
        with database.read() as session:
            whole, one, two = summary(session, 2026), summary(session, 2026, first), summary(session, 2026, second)
            in_second = session.scalars(select(Member.uuid).where(Member.unit_id == second)).all()
    assert one["branch_level"] == "excellent" and two["branch_level"] is None and whole["branch_level"] is None
    assert {row["member_uuid"] for row in two["rows"]} <= set(in_second)
    assert len(one["rows"]) + len(two["rows"]) < len(whole["rows"])
    assert two["counts"]["excellent"] == 1 and one["counts"]["excellent"] == 0
    assert whole["counts"]["excellent"] == 1
