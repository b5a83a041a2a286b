"""Tables other areas add travel without sync knowing them; rules go down only; lost packages
can be written again unchanged; refused parents take their children with them."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sqlalchemy import select

from handbook_desktop.services.sync.exchange import reexport
from handbook_desktop.store.models import Member, RuleRow, SyncOutbox, Unit
from sync_sites import BRANCH_A, COMMITTEE
from test_sync_roundtrip import add_members, records


def test_meetings_and_attendance_travel_like_any_synced_table(branch_a, committee):
    models = pytest.importorskip("handbook_desktop.store.models.meetings")
    Meeting, MeetingAttendance = models.Meeting, models.MeetingAttendance

    uuids = add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    with branch_a.database.session() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        chair = session.scalars(select(Member).where(Member.uuid == uuids[0])).one()
        meeting = Meeting(unit_id=home.id, kind="thematic", meeting_date=date(2026, 11, 5), topic="Học tập Nghị quyết",
                          chair_id=chair.id, origin_unit=BRANCH_A)
        session.add(meeting)
        session.flush()
        for uuid in uuids:
            member = session.scalars(select(Member).where(Member.uuid == uuid)).one()
            session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id, origin_unit=BRANCH_A,
                                          member_status="official", attendance="present"))
    result = committee.receive(branch_a.send(COMMITTEE))
    assert result.totals["rejected"] == 0 and result.totals["new"] == 7, result.public()
    tables = ("member", "member_event", "meeting", "attendance")
    assert records(committee, tables) == records(branch_a, tables)
    from handbook_desktop.services.sync.committee import units_overview

    (row,) = [r for r in units_overview(committee.database, date(2026, 11, 15)) if r["code"] == BRANCH_A]
    assert row["thematic_meetings"] == 1 and row["members"] == 2 and row["last_sequence"] == 1


def test_rules_go_down_and_a_branch_cannot_send_them_up(branch_a, committee):
    with committee.database.session() as session:
        rule = session.scalars(select(RuleRow).order_by(RuleRow.key)).first()
        key, effective_from = rule.key, rule.effective_from
        rule.note = "Đã rà soát theo hướng dẫn mới"
    down = committee.send(BRANCH_A)
    result = branch_a.receive(down)
    assert result.totals["rejected"] == 0
    with branch_a.database.read() as session:
        mine = session.scalars(select(RuleRow).where(RuleRow.key == key, RuleRow.effective_from == effective_from)).one()
        assert mine.note == "Đã rà soát theo hướng dẫn mới"
    committee.receive(result.receipts[0].data)
    # The branch edits the rule anyway: it does not travel up.
    with branch_a.database.session() as session:
        mine = session.scalars(select(RuleRow).where(RuleRow.key == key, RuleRow.effective_from == effective_from)).one()
        mine.note = "sửa ở chi bộ"
    up = branch_a.send(COMMITTEE)
    assert "rule" not in json.loads(_manifest(up))["counts"]


def _manifest(data: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("manifest.json")


def test_a_lost_package_is_written_again_with_the_same_id_number_and_bytes(branch_a, committee):
    add_members(branch_a, ["Nguyễn Văn An"])
    first = branch_a.send(COMMITTEE)
    with branch_a.database.read() as session:
        package_id = session.scalars(select(SyncOutbox.package_id)).one()
    again = reexport(branch_a.database, package_id)
    assert again.data == first and again.sequence == 1 and again.package_id == package_id
    assert committee.receive(again.data).status == "applied"
    assert committee.receive(first).status == "already"


def test_a_receipt_imported_twice_is_already_imported(branch_a, committee):
    add_members(branch_a, ["Nguyễn Văn An"])
    receipt = committee.receive(branch_a.send(COMMITTEE)).receipts[0].data
    assert branch_a.receive(receipt).status == "receipt"
    assert branch_a.receive(receipt).status == "already"


def test_a_deletion_reaches_the_committee_and_an_old_version_cannot_bring_it_back(branch_a, committee):
    from handbook_desktop.store.base import utcnow

    (uuid,) = add_members(branch_a, ["Nguyễn Văn An"])
    branch_a.receive(committee.receive(branch_a.send(COMMITTEE)).receipts[0].data)
    with branch_a.database.session() as session:
        session.scalars(select(Member).where(Member.uuid == uuid)).one().deleted_at = utcnow()
    result = committee.receive(branch_a.send(COMMITTEE))
    assert result.totals["deleted"] == 1
    with committee.database.read() as session:
        assert session.scalars(select(Member).where(Member.uuid == uuid)).one().deleted_at is not None
    assert records(committee) == records(branch_a)


def test_who_may_edit_which_member_field():
    from handbook_desktop.services.sync.tables import read_only_fields

    at_committee = read_only_fields("member", "dang-uy-co-so")
    at_branch = read_only_fields("member", "chi-bo")
    assert "full_name" in at_committee and "full_name" not in at_branch
    assert "party_card_number" in at_branch and "party_card_number" not in at_committee
    assert "status" not in at_branch | at_committee  # shared: conflicts go to a person
    assert read_only_fields("rule", "chi-bo") >= {"key", "value_json"}
