"""What the committee's documents showed when read page by page (issue 14), pinned: each figure read back
with python-docx and counted again in SQL.

- DS-ĐV listed 67 members of several branches in one alphabet with "Bí thư" beside two people: now
  branch by branch, each under a heading with its count;
- BC-THÁNG said "Kết quả hoạt động của chi bộ" under ĐẢNG ỦY and hid the exempt and the away members;
- 6-KNĐ of a candidate the committee had entered said "Chi bộ thống nhất" under ĐẢNG ỦY: a new
  candidate at a committee belongs to a branch, and the resolution is the branch's;
- the transfer letters said "Là đảng viên: đảng viên chính thức", "Lý do: ……" for a member sent to
  study, and were sent to the Thành ủy "để báo cáo" instead of to the receiving committee;
- an empty badge list was numbered and signed ("Tổng số: 0 đồng chí").
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import text

from docx_reading import docx_text, list_rows
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.build import export_form
from handbook_desktop.services.forms.context import branch_order

TODAY = date(2026, 11, 15)


def _sql(database, query: str, **params):
    with database.read() as session:
        return session.execute(text(query), params).all()


def test_the_committee_member_list_goes_branch_by_branch(committee, secretary, tmp_path):
    document = Document(str(export_form(committee, secretary, "DS-ĐV", tmp_path / "ds.docx", on=TODAY)))
    headings, current, counted = [], None, {}
    for row in list_rows(document)[1:]:
        cells = [c.text.strip() for c in row.cells]
        if len(set(cells)) == 1:  # a merged heading row: "Chi bộ … (N đồng chí)"
            match = re.fullmatch(r"(.+) \((\d+) đồng chí\)", cells[0])
            assert match, cells[0]
            current = match.group(1)
            headings.append((current, int(match.group(2))))
            counted[current] = 0
        else:
            assert current is not None, "a member row before any branch heading"
            counted[current] += 1
    want = dict(_sql(committee, """
        SELECT u.name, count(*) FROM member m JOIN unit u ON u.id = m.unit_id
        WHERE m.deleted_at IS NULL AND m.status IN ('official', 'probationary', 'exempt', 'temporarily_away')
        GROUP BY u.name"""))
    assert len(headings) >= 2 and [h for h, _ in headings] == sorted(want, key=branch_order)  # "số 2" before "số 10"
    assert dict(headings) == want == counted  # each heading's count is its rows and the records'
    total = int(re.search(r"Tổng số: (\d+) đồng chí", docx_text(tmp_path / "ds.docx")).group(1))
    assert total == sum(want.values())


def test_the_committee_monthly_report_speaks_of_the_party_organisation(committee, secretary, tmp_path):
    printed = docx_text(export_form(committee, secretary, "BC-THÁNG", tmp_path / "bc.docx", on=TODAY))
    assert "Kết quả hoạt động của Đảng bộ tháng 10 năm 2026" in printed and "của chi bộ" not in printed
    total, official, probationary, exempt, away, branches = map(int, re.search(
        r"Tổng số đảng viên: (\d+) đồng chí \(chính thức: (\d+); dự bị: (\d+)\); trong đó miễn công tác và sinh "
        r"hoạt đảng: (\d+); chuyển sinh hoạt tạm thời đi: (\d+); (\d+) chi bộ trực thuộc\.", printed).groups())
    counts = dict(_sql(committee, "SELECT status, count(*) FROM member WHERE deleted_at IS NULL GROUP BY status"))
    assert total == official + probationary
    assert (official, probationary, exempt, away) == (
        counts.get("official", 0) + counts.get("exempt", 0) + counts.get("temporarily_away", 0),
        counts.get("probationary", 0), counts.get("exempt", 0), counts.get("temporarily_away", 0))
    assert away >= 1  # the fixture's member away for study
    assert branches == _sql(committee, "SELECT count(*) FROM unit WHERE level = 'chi-bo' AND parent_id = "
                                       "(SELECT id FROM unit WHERE is_home)")[0][0]
    assert re.search(r"Số 0\d-BC/ĐU", printed)  # the committee's own report takes the committee's number


def test_a_committee_enters_a_candidate_in_a_branch_and_the_resolution_is_the_branch_s(committee, secretary,
                                                                                          tmp_path):
    from handbook_desktop.services import meetings as msvc
    from handbook_desktop.services.procedures import admission

    (branch_code, branch_name), = _sql(committee, "SELECT code, name FROM unit WHERE level = 'chi-bo' "
                                                  "ORDER BY code LIMIT 1")
    with pytest.raises(UserError, match="hãy chọn chi bộ"):
        with committee.session() as s:
            admission.open_case(s, secretary, full_name="Lương Văn Tín", identified_on=date(2026, 1, 5))
    introducers = [u for (u,) in _sql(committee, """
        SELECT m.uuid FROM member m JOIN unit u ON u.id = m.unit_id WHERE u.code = :c AND m.status = 'official'
        AND m.official_date < '2020-01-01' ORDER BY m.id LIMIT 2""", c=branch_code)]
    with committee.session() as s:
        case = admission.open_case(s, secretary, full_name="Lương Văn Tín", identified_on=date(2026, 1, 5),
                                   unit_code=branch_code, date_of_birth=date(1996, 4, 2), general_education="12/12")
        admission.update_case(s, secretary, case.uuid, course_certificate_date=date(2026, 2, 1),
                              introducer_1_uuid=introducers[0], introducer_1_known_since=date(2020, 1, 1),
                              introducer_2_uuid=introducers[1], introducer_2_known_since=date(2020, 1, 1),
                              youth_union_resolution=True, opinions_date=date(2026, 9, 1))
        case_uuid, member_uuid = case.uuid, case.member.uuid
        meeting = msvc.create_meeting(s, secretary, kind="extraordinary", meeting_date=date(2026, 10, 20),
                                      unit_code=branch_code)
        msvc.mark_all_present(s, secretary, meeting)
        block = msvc.meeting_detail(s, meeting).block
        vote = msvc.record_vote(s, secretary, meeting, subject="Đề nghị kết nạp quần chúng Lương Văn Tín",
                                kind="admission", votes_for=block.eligible_present, subject_member_uuid=member_uuid)
        admission.record_branch_vote(s, secretary, case_uuid, vote_uuid=vote)
    assert _sql(committee, "SELECT u.code FROM member m JOIN unit u ON u.id = m.unit_id WHERE m.uuid = :u",
                u=member_uuid)[0][0] == branch_code
    path = export_form(committee, secretary, "6-KNĐ", tmp_path / "6.docx", member_uuid=member_uuid, on=TODAY)
    document = Document(str(path))
    left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert left[1].startswith("CHI BỘ") and "Số     -NQ/CB" in left  # the branch's header and register
    printed = docx_text(path)
    assert f"Ngày 20/10/2026, {branch_name} đã họp xét" in printed
    official, present = _sql(committee, """
        SELECT sum(CASE WHEN member_status IN ('official', 'exempt', 'temporarily_away') THEN 1 ELSE 0 END),
               sum(CASE WHEN member_status IN ('official', 'exempt') AND attendance = 'present' THEN 1 ELSE 0 END)
        FROM attendance WHERE meeting_id = (SELECT id FROM meeting WHERE uuid = :u)""", u=meeting)[0]
    assert (f"Tổng số đảng viên chính thức của chi bộ: {official} đồng chí; có mặt: {present} đồng chí; "
            f"vắng mặt: {official - present} đồng chí.") in printed
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text.strip()]
    assert signature[0] == "T/M CHI BỘ"


def test_transfer_letters_read_as_a_committee_sends_them(committee, secretary, tmp_path):
    rows = _sql(committee, """
        SELECT e.kind, m.uuid, m.official_date IS NOT NULL, u.name FROM member_event e
        JOIN member m ON m.id = e.member_id JOIN unit u ON u.id = m.unit_id
        WHERE e.kind IN ('transfer_out_official', 'transfer_out_temporary') AND e.deleted_at IS NULL""")
    letters = {kind: (uuid, official, branch) for kind, uuid, official, branch in rows}
    for code, kind in (("1-SHĐ", "transfer_out_official"), ("2-SHĐ", "transfer_out_temporary")):
        uuid, official, branch = letters[kind]
        path = export_form(committee, secretary, code, tmp_path / f"{code}.docx", member_uuid=uuid, on=TODAY)
        printed = docx_text(path)
        assert f"Là đảng viên: {'chính thức' if official else 'dự bị'}" in printed, code
        recipients = Document(str(path)).tables[-1].rows[0].cells[0].text
        assert "để báo cáo" not in recipients and "(cấp ủy nơi đến)," in recipients and f"{branch}," in recipients
        assert recipients.rstrip().endswith("Lưu văn phòng.")
        if code == "2-SHĐ":
            assert "Lý do: Đi học tập." in printed and "Học viện Chính trị khu vực I (cấp ủy nơi đến)" in recipients


def test_an_empty_badge_list_is_refused_and_takes_no_number(committee, secretary, tmp_path):
    from datetime import timedelta

    from handbook_desktop.domain.badges import award_dates
    from handbook_desktop.services import forms
    from handbook_desktop.services.procedures import badges
    from handbook_desktop.services.procedures.common import rules

    with committee.read() as s:
        before = len(forms.register(s))
        days = award_dates(rules(s), TODAY, date(2031, 12, 31))
        found = {day: len(badges.rounds(s, day, 0).get(day, [])) for day in days}
    empty = next(day for day, count in found.items() if count == 0)
    full = next(day for day, count in found.items() if count)
    with pytest.raises(UserError, match=f"Không có đảng viên nào đến mốc Huy hiệu Đảng trong đợt {empty:%d/%m/%Y}"):
        export_form(committee, secretary, "4-HHĐ", tmp_path / "hh.docx", on=empty - timedelta(days=1))
    with committee.read() as s:
        assert len(forms.register(s)) == before
    assert not (tmp_path / "hh.docx").exists()
    # a round with members is the committee's list: numbered, every proposed member on it
    printed = docx_text(export_form(committee, secretary, "4-HHĐ", tmp_path / "full.docx", on=full - timedelta(days=1)))
    assert re.search(r"Số 0\d-DS/ĐU", printed) and f"Tổng số: {found[full]} đồng chí." in printed


def test_the_committee_badge_list_goes_branch_by_branch(committee, secretary, tmp_path):
    """At the 50,000 committee 4-HHĐ listed 691 members of 295 branches in one alphabet with no branch at all."""
    from datetime import timedelta

    from handbook_desktop.domain.badges import award_dates
    from handbook_desktop.services.procedures import badges
    from handbook_desktop.services.procedures.common import rules

    with committee.read() as s:
        days = award_dates(rules(s), TODAY, date(2031, 12, 31))
        full = next(day for day in days if len({m.unit_id for m, _ in badges.rounds(s, day, 0).get(day, [])}) >= 2)
    document = Document(str(export_form(committee, secretary, "4-HHĐ", tmp_path / "hh.docx", on=full - timedelta(days=1))))
    branch_of = {(name, born): unit for name, born, unit in _sql(committee, """
        SELECT m.full_name, strftime('%d/%m/%Y', m.date_of_birth), u.name FROM member m JOIN unit u ON u.id = m.unit_id
        WHERE m.deleted_at IS NULL""")}
    headings, current, counted, numbers = [], None, {}, []
    for row in list_rows(document)[1:]:
        cells = [c.text.strip() for c in row.cells]
        if len(set(cells)) == 1:
            match = re.fullmatch(r"(.+) \((\d+) đồng chí\)", cells[0])
            assert match, cells[0]
            current = match.group(1)
            headings.append((current, int(match.group(2))))
            counted[current] = 0
        else:
            assert branch_of[(cells[1], cells[2])] == current  # the second path: the member's unit in SQL
            counted[current] += 1
            numbers.append(int(cells[0]))
    assert len(headings) >= 2 and [h for h, _ in headings] == sorted(counted, key=branch_order)
    assert dict(headings) == counted
    assert numbers == list(range(1, len(numbers) + 1))  # one numbering through the whole list
    assert f"Tổng số: {len(numbers)} đồng chí." in docx_text(tmp_path / "hh.docx")


def test_branches_are_read_in_number_order():
    names = ["Chi bộ Tổ dân phố số 10", "Chi bộ Tổ dân phố số 2", "Chi bộ Tổ dân phố số 1 Hàng Đào",
             "Chi bộ Tổ dân phố số 100", "Chi bộ Ánh Dương"]
    assert sorted(names, key=branch_order) == [
        "Chi bộ Ánh Dương", "Chi bộ Tổ dân phố số 1 Hàng Đào", "Chi bộ Tổ dân phố số 2", "Chi bộ Tổ dân phố số 10",
        "Chi bộ Tổ dân phố số 100"]
