"""Documents of a real meeting through the forms engine, read back with python-docx."""

from datetime import date

from docx import Document

from handbook_desktop.services import meetings as svc
from handbook_desktop.services.meetings.documents import export_meeting_document


def _held(database, actor, people):
    from handbook_desktop.store.models import Member

    with database.session() as session:
        # a branch with a secretary: documents are not printed with a blank signer
        session.query(Member).filter(Member.uuid == people["Nguyễn Văn An"]).update({"party_position": "secretary"})
        uuid = svc.create_meeting(
            session, actor, kind="regular", meeting_date=date(2026, 3, 5), start_time="14:00",
            place="Nhà văn hóa", chair_uuid=people["Nguyễn Văn An"], recorder_uuid=people["Trần Thị Bình"])
        svc.mark_all_present(session, actor, uuid)
        svc.set_attendance(session, actor, uuid, people["Bùi Thị Hoa"], "absent_excused", reason="Đi viện")
        agenda = svc.meeting_detail(session, uuid).agenda
        tasks = next(a for a in agenda if a.title.startswith("Nhiệm vụ"))
        svc.update_agenda_item(session, actor, tasks.uuid, content="Dự thảo nhiệm vụ.",
                               conclusion="Tổ chức ngày hội đại đoàn kết.\nRà soát hồ sơ huy hiệu.")
        svc.record_vote(session, actor, uuid, subject="Thông qua Nghị quyết tháng 3", kind="resolution",
                        votes_for=7)
        svc.update_meeting(session, actor, uuid, end_time="15:45", quality_rating="good")
    return uuid


def _text(path):
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_resolution_and_sign_sheet(branch, secretary, tmp_path):
    database, people = branch
    uuid = _held(database, secretary, people)
    resolution = _text(export_meeting_document(database, secretary, uuid, "NQ-CB", tmp_path / "nq.docx"))
    assert "Tổ chức ngày hội đại đoàn kết." in resolution and "Rà soát hồ sơ huy hiệu." in resolution
    assert "7/7" in resolution  # votes for, against the denominator
    sheet = _text(export_meeting_document(database, secretary, uuid, "DS-KY", tmp_path / "ds.docx"))
    for name in ("Nguyễn Văn An", "Dương Văn Minh", "Lý Thị Nga", "Ngô Thị Lan"):
        assert name in sheet
    assert "Đỗ Văn Khánh" not in sheet  # temporarily away: not summoned here
    minutes = _text(export_meeting_document(database, secretary, uuid, "BB-SHCB", tmp_path / "bb.docx"))
    assert "14 giờ 00" in minutes and "15 giờ 45" in minutes
    assert "Bùi Thị Hoa: Đi viện" in minutes
    assert "tán thành 7/7" in minutes and "được thông qua" in minutes
    assert "{{" not in minutes + resolution + sheet


def test_context_has_the_sample_keys(branch, secretary):
    from handbook_desktop.services.forms.samples import sample_meeting

    database, people = branch
    uuid = _held(database, secretary, people)
    with database.read() as session:
        part = svc.meeting_document_context(session, uuid, "BB-SHCB")["meeting"]
    sample = sample_meeting()
    assert set(sample) <= set(part)
    assert set(sample["attendance"]) <= set(part["attendance"])
    assert set(sample["votes"][0]) <= set(part["votes"][0])
    assert set(sample["roster"][0]) <= set(part["roster"][0])
    assert set(sample["resolution"]) <= set(part["resolution"])
    assert part["attendance"]["denominator"] == 7
