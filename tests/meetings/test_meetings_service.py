"""Meeting services on a real SQLite file: plan, roll call, votes, minutes, finalise, amendments."""

from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.services import meetings as svc
from handbook_desktop.services.errors import PermissionDenied, UserError
from handbook_desktop.store.models import AuditLog, MeetingAmendment

DAY = date(2026, 3, 5)

def plan(database, actor, people, **extra):
    with database.session() as session:
        return svc.create_meeting(
            session, actor, kind=extra.pop("kind", "regular"), meeting_date=DAY, start_time="19:30",
            place="Nhà văn hóa", chair_uuid=people["Nguyễn Văn An"], recorder_uuid=people["Trần Thị Bình"], **extra)


def roll_call_of_the_worked_example(database, actor, people, uuid):
    """7 official present, 1 absent with reason; exempt stays home; probationary and visitor present."""
    with database.session() as session:
        for name in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
                     "Vũ Thị Giang", "Đặng Văn Hải", "Dương Văn Minh", "Lý Thị Nga"]:
            svc.set_attendance(session, actor, uuid, people[name], "present")
        svc.set_attendance(session, actor, uuid, people["Bùi Thị Hoa"], "absent_excused", reason="Ốm")


def test_plan_lists_everyone_who_belongs(branch, secretary):
    database, people = branch
    uuid = plan(database, secretary, people)
    with database.read() as session:
        detail = svc.meeting_detail(session, uuid)
    names = {line.name for line in detail.roll}
    assert "Mai Văn Phúc" not in names  # removed members are not summoned
    assert {"Lý Thị Nga", "Đỗ Văn Khánh", "Ngô Thị Lan"} <= names
    assert len(detail.roll) == 12
    assert detail.summary.state == "planned"
    assert [a.title for a in detail.agenda][0].startswith("Khai mạc")
    assert detail.chair_name == "Nguyễn Văn An"


def test_thematic_needs_topic_and_viewer_cannot_plan(branch, secretary, viewer):
    database, people = branch
    with pytest.raises(UserError, match="chuyên đề"):
        plan(database, secretary, people, kind="thematic")
    with pytest.raises(PermissionDenied):
        plan(database, viewer, people)


def test_roll_call_block_and_votes(branch, secretary):
    database, people = branch
    uuid = plan(database, secretary, people)
    with database.session() as session, pytest.raises(UserError, match="lý do"):
        svc.set_attendance(session, secretary, uuid, people["Bùi Thị Hoa"], "absent_excused")
    with database.session() as session, pytest.raises(UserError, match="tạm thời"):
        svc.set_attendance(session, secretary, uuid, people["Đỗ Văn Khánh"], "present")
    roll_call_of_the_worked_example(database, secretary, people, uuid)
    with database.read() as session:
        detail = svc.meeting_detail(session, uuid)
    block = detail.block
    assert detail.summary.state == "held"
    assert (block.total, block.official, block.probationary, block.exempt, block.away, block.visiting) == (
        11, 10, 1, 1, 1, 1)
    assert block.present == 8 and block.present_official == 7 and block.present_visiting == 1
    assert block.absent_excused == [("Bùi Thị Hoa", "Ốm")]
    assert block.denominator == 7  # DOMAIN.md §5 worked example
    with database.session() as session:
        passed = svc.record_vote(session, secretary, uuid, subject="Nghị quyết tháng 3", kind="resolution",
                                 votes_for=4, votes_against=3)
        failed = svc.record_vote(session, secretary, uuid, subject="Kết nạp quần chúng X", kind="admission",
                                 votes_for=4, votes_against=3, method="secret_ballot")
    with database.session() as session, pytest.raises(UserError, match="lớn hơn"):
        svc.record_vote(session, secretary, uuid, subject="Quá số", kind="resolution", votes_for=8)
    with database.read() as session:
        votes = {v.uuid: v for v in svc.meeting_detail(session, uuid).votes}
    assert (votes[passed].required, votes[passed].passed) == (4, True)
    assert (votes[failed].required, votes[failed].passed) == (5, False)
    # marking a present voter absent would leave 8 ballots... no: 7 ballots, 6 voters -> refused
    with database.session() as session, pytest.raises(UserError, match="sửa số phiếu"):
        svc.set_attendance(session, secretary, uuid, people["Lê Văn Cường"], "absent_unexcused")


def test_finalise_locks_and_amendments_record_who_and_why(branch, secretary):
    database, people = branch
    uuid = plan(database, secretary, people)
    roll_call_of_the_worked_example(database, secretary, people, uuid)
    with database.session() as session, pytest.raises(UserError, match="giờ kết thúc"):
        svc.finalise(session, secretary, uuid)
    with database.session() as session:
        svc.update_meeting(session, secretary, uuid, end_time="21:10", quality_rating="good")
        item = svc.meeting_detail(session, uuid).agenda[3].uuid
        svc.add_speech(session, secretary, item, member_uuid=people["Lê Văn Cường"], content="Nhất trí.")
        svc.finalise(session, secretary, uuid)
    with database.session() as session, pytest.raises(UserError, match="đã chốt"):
        svc.update_meeting(session, secretary, uuid, end_time="21:30")
    with database.session() as session:
        svc.update_meeting(session, secretary, uuid, end_time="21:30", reason="Ghi nhầm giờ kết thúc")
    with database.read() as session:
        detail = svc.meeting_detail(session, uuid)
        amendments = session.scalars(select(MeetingAmendment)).all()
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "finalise")).all()
    assert detail.summary.state == "finalised" and detail.summary.end_time == "21:30"
    assert [(a.username, a.reason, a.old_value, a.new_value) for a in amendments] == [
        ("admin", "Ghi nhầm giờ kết thúc", "21:10", "21:30")]
    assert len(audit) == 1
    assert detail.duration == 120 and not [w for w in detail.warnings if w.code == "short"]


def test_duration_and_quality_warnings(branch, secretary):
    database, people = branch
    uuid = plan(database, secretary, people, kind="combined", topic="Chuyển đổi số")
    with database.session() as session:
        for name in ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]:
            svc.set_attendance(session, secretary, uuid, people[name], "present")
        for name in ["Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"]:
            svc.set_attendance(session, secretary, uuid, people[name], "absent_unexcused")
        for name in ["Đặng Văn Hải", "Bùi Thị Hoa", "Dương Văn Minh", "Lý Thị Nga"]:
            svc.set_attendance(session, secretary, uuid, people[name], "absent_excused", reason="Công tác")
        svc.update_meeting(session, secretary, uuid, end_time="21:20")  # 110 minutes, combined needs 120
        detail = svc.meeting_detail(session, uuid)
    codes = {w.code for w in detail.warnings}
    assert detail.block.denominator == 6 and detail.block.eligible_present == 3  # 3 < 2/3 of 6
    assert codes == {"low_rate", "few_present", "unexcused", "short"}
    assert "Hoàng Văn Em" in next(w.text for w in detail.warnings if w.code == "unexcused")


def test_attachment_copied_into_data_folder(branch, secretary, tmp_path, handbook_home):
    database, people = branch
    uuid = plan(database, secretary, people)
    source = tmp_path / "Dự thảo nghị quyết.docx"
    source.write_bytes(b"draft")
    with database.session() as session:
        svc.add_attachment(session, secretary, uuid, source)
    source.unlink()
    with database.read() as session:
        attachment = svc.meeting_detail(session, uuid).attachments[0]
    stored = svc.attachment_path(attachment.stored_name)
    assert stored.read_bytes() == b"draft" and handbook_home in stored.parents


def test_delete_only_planned(branch, secretary):
    database, people = branch
    uuid = plan(database, secretary, people)
    roll_call_of_the_worked_example(database, secretary, people, uuid)
    with database.session() as session, pytest.raises(UserError, match="chưa họp"):
        svc.delete_meeting(session, secretary, uuid)
    other = plan(database, secretary, people)
    with database.session() as session:
        svc.delete_meeting(session, secretary, other)
    with database.read() as session:
        assert [m.uuid for m in svc.list_meetings(session)] == [uuid]


def test_member_joining_after_planning_is_on_the_roll_call(branch, secretary):
    from meetings_people import add_people

    database, people = branch
    uuid = plan(database, secretary, people)
    newcomer = add_people(database, [("Tạ Văn Mới", "probationary")])["Tạ Văn Mới"]
    with database.session() as session:
        svc.set_attendance(session, secretary, uuid, newcomer, "present")
        detail = svc.meeting_detail(session, uuid)
    assert any(line.member_uuid == newcomer and line.attendance == "present" for line in detail.roll)
    assert len(detail.roll) == 13
