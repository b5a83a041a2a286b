"""Every procedure document renders from the demo records, numbered once, with the member's name."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures import status
from handbook_desktop.services.procedures.documents import procedure_document
from handbook_desktop.services.procedures.todo import todo
from handbook_desktop.store.models import Member
from docx_reading import docx_text

ON = date(2026, 11, 15)


@pytest.mark.slow
def test_each_procedure_form_from_the_demo(demo_db, secretary, tmp_path):
    with demo_db.immediate() as s:
        items = {i.kind: i for i in todo(s, ON)}
        probationary = items["probation_vote_due"].members[0]
        leaving = items["transfer_not_presented"].members[0]
        late_payer = items["unpaid_dues"].members[0]
        away = items["temporary_transfer_ending"].members[0]
        lost = items["card_lost"].members[0]
        badge = items["badge_round"].members[0]
        exempt = s.scalars(select(Member).where(Member.status == "official").order_by(Member.id)).first()
        status.set_exemption(s, secretary, exempt.uuid, date(2026, 11, 1), reason="Tuổi cao, sức yếu")
        status.propose_removal(s, secretary, late_payer[0], ON, "Không đóng đảng phí 3 tháng trong năm 2026")
        # recognition and removal are voted in a held meeting's roll call; the documents print that vote
        from handbook_desktop.services import meetings as msvc
        from handbook_desktop.store.models.meetings import Meeting

        held = s.scalars(select(Meeting).where(Meeting.state != "planned", Meeting.meeting_date <= ON)
                         .order_by(Meeting.meeting_date.desc())).first()
        eligible = msvc.meeting_detail(s, held.uuid).block.eligible_present
        msvc.record_vote(s, secretary, held.uuid, subject="Công nhận đảng viên chính thức", kind="official_recognition",
                         votes_for=eligible, subject_member_uuid=probationary[0], reason="Bổ sung")
        later = msvc.create_meeting(s, secretary, kind="extraordinary", meeting_date=date(2026, 11, 20),
                                    start_time="19:00", place="Nhà văn hóa")
        msvc.mark_all_present(s, secretary, later)
        msvc.record_vote(s, secretary, later, subject="Đề nghị xóa tên", kind="resolution",
                         votes_for=msvc.meeting_detail(s, later).block.eligible_present,
                         subject_member_uuid=late_payer[0])
        cases = [("6-KNĐ", items["ceremony_due"].members[0]), ("10-KNĐ", probationary), ("11-KNĐ", probationary),
                 ("12-KNĐ", probationary), ("13-KNĐ", probationary), ("1-SHĐ", leaving), ("2-SHĐ", away),
                 ("NQ-XT", late_payer), ("NQ-MCT", (exempt.uuid, exempt.full_name))]
        for code, (uuid, name) in cases:
            path = procedure_document(s, secretary, code, tmp_path / f"{code}.docx", member_uuid=uuid, on=ON)
            assert name in docx_text(path), code
            if code == "13-KNĐ":  # the meeting's day, not the day of printing
                assert f"Ngày {held.meeting_date:%d/%m/%Y}" in docx_text(path)
            if code == "NQ-XT":
                assert "Ngày 20/11/2026" in docx_text(path)
        text = docx_text(procedure_document(s, secretary, "NQ-XT", tmp_path / "again.docx", member_uuid=late_payer[0],
                                        on=ON))
        assert "Không đóng đảng phí 3 tháng" in text
        hhd = docx_text(procedure_document(s, secretary, "4-HHĐ", tmp_path / "4-HHĐ.docx", on=ON,
                                       award_day=date(2027, 2, 3)))
        assert badge[1] in hhd and "03/02/2027" in hhd
        assert lost[1] in docx_text(procedure_document(s, secretary, "1-TĐV", tmp_path / "1-TĐV.docx", on=ON))
    from handbook_desktop.services.forms import register

    with demo_db.read() as s:
        rows = register(s)
    # the resolution proposing removal was made twice for the same member: one number in the register
    xt = [r for r in rows if r["form_code"] == "NQ-XT"]
    assert len(xt) == 1 and xt[0]["concerns_uuid"] == late_payer[0]
    assert {r["form_code"] for r in rows} >= {"6-KNĐ", "13-KNĐ", "NQ-XT", "NQ-MCT", "12-KNĐ", "4-HHĐ"}


def test_a_form_without_its_facts_is_refused(demo_db, secretary, tmp_path):
    with demo_db.immediate() as s:
        official = s.scalars(select(Member).where(Member.status == "official").order_by(Member.id)).first()
        with pytest.raises(UserError, match="chuyển sinh hoạt"):
            procedure_document(s, secretary, "1-SHĐ", tmp_path / "x.docx", member_uuid=official.uuid, on=ON)
        with pytest.raises(UserError, match="biểu quyết"):
            procedure_document(s, secretary, "6-KNĐ", tmp_path / "y.docx", member_uuid=official.uuid, on=ON)
    assert not (tmp_path / "x.docx").exists()
