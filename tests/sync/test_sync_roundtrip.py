"""Round trips between real databases: branch → committee → receipt → branch, decisions down,
idempotence, gaps and forks, conflicts, transfers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE, checksum
from handbook_desktop.services.sync.package import PackageRefused
from handbook_desktop.services.sync.tables import synced_tables
from handbook_desktop.store.models import Member, MemberEvent, SyncOutbox, Unit


def add_members(site, names, **extra):
    with site.database.session() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        members = []
        for name in names:
            member = Member(unit_id=home.id, full_name=name, origin_unit=site.code, status="official",
                            date_of_birth=date(1970, 5, 17), phone="0912345678", **extra)
            session.add(member)
            session.flush()
            session.add(MemberEvent(member_id=member.id, kind="admitted", event_date=date(2000, 1, 2),
                                    origin_unit=site.code))
            members.append(member.uuid)
    return members


def edit(site, uuid, **values):
    with site.database.session() as session:
        member = session.scalars(select(Member).where(Member.uuid == uuid)).one()
        for name, value in values.items():
            setattr(member, name, value)


def member(site, uuid) -> dict:
    with site.database.read() as session:
        row = session.scalars(select(Member).where(Member.uuid == uuid)).one()
        unit = session.get(Unit, row.unit_id)
        values = {column.key: getattr(row, column.key) for column in Member.__table__.columns
                  if column.key not in ("id", "unit_id", "photo")}
        values["unit"] = unit.uuid
        return values


def records(site, table_names=("member", "member_event")) -> dict:
    """Every travelling field of the given tables, keyed by uuid, foreign keys as uuids."""
    from handbook_desktop.services.sync.capture import UuidMaps, serialise

    result = {}
    with site.database.read() as session:
        maps = UuidMaps(session)
        for item in synced_tables():
            if item.name in table_names:
                for row in session.execute(select(item.table)):
                    record = serialise(item, row, maps)
                    result[record["u"]] = (record["v"], record["f"])
    return result


def test_round_trip_branch_committee_receipt_and_a_decision_back(branch_a, committee):
    uuids = add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    up = branch_a.send(COMMITTEE)
    preview = committee.preview(up)
    assert preview.totals["new"] == 6 and preview.totals["total"] == 6
    result = committee.receive(up)
    assert result.status == "applied" and result.totals["new"] == 6
    from handbook_desktop import paths
    from handbook_desktop.store.snapshot import integrity_ok

    assert result.backup is not None and result.backup.parent == paths.backups_dir()
    assert integrity_ok(result.backup)[0]
    assert records(committee) == records(branch_a)
    receipt = result.receipts[0].data
    back = branch_a.receive(receipt)
    assert back.status == "receipt" and back.receipt_summary["totals"]["new"] == 6
    with branch_a.database.read() as session:
        outbox = session.scalars(select(SyncOutbox).where(SyncOutbox.kind != "receipt")).one()
        assert outbox.acknowledged_at is not None
    # Nothing changed since: the next package carries nothing.
    assert branch_a.send(COMMITTEE) and _count(branch_a, COMMITTEE) == 0
    # The committee decides: official date and card number go down.
    edit(committee, uuids[0], official_date=date(2026, 3, 1), party_card_number="123456")
    down = committee.send(BRANCH_A)
    result = branch_a.receive(down)
    assert [plan.uuid for plan in result.plans if plan.table == "member" and plan.outcome == "changed"] == [uuids[0]]
    assert result.totals["conflict"] == 0 and result.totals["rejected"] == 0, result.public()
    assert member(branch_a, uuids[0])["party_card_number"] == "123456"
    assert records(committee) == records(branch_a)
    # And the branch's next package does not echo it back.
    assert _count(branch_a, COMMITTEE, send=True) == 0


def _count(site, to, send=False):
    from handbook_desktop.services.sync.capture import capture
    from handbook_desktop.store.models import SyncPeer

    with site.database.read() as session:
        peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == to)).one()
        found, _states = capture(session, peer, full=False)
        return len([r for r in found if r["t"] != "unit"])


def test_the_same_package_twice_changes_nothing_the_second_time(branch_a, committee):
    add_members(branch_a, ["Phạm Thị Dung"])
    data = branch_a.send(COMMITTEE)
    assert committee.receive(data).status == "applied"
    before = checksum(committee.path, skip=())
    second = committee.receive(data)
    assert second.status == "already" and "đã được nhập trước đây" in second.message
    assert checksum(committee.path, skip=()) == before


def test_a_gap_holds_the_later_package_and_names_the_missing_one(branch_a, committee):
    add_members(branch_a, ["Một"])
    first = branch_a.send(COMMITTEE)
    add_members(branch_a, ["Hai"])
    second = branch_a.send(COMMITTEE)
    add_members(branch_a, ["Ba"])
    third = branch_a.send(COMMITTEE)
    assert committee.receive(first).status == "applied"
    held = committee.receive(third)
    assert held.status == "held" and held.missing == [2] and "thiếu gói số 2" in held.message
    assert {m["full_name"] for m in _names(committee)} == {"Một"}
    from handbook_desktop.services.sync.committee import units_overview

    (row,) = [r for r in units_overview(committee.database, date(2026, 11, 15)) if r["code"] == BRANCH_A]
    assert row["held"] == [3] and row["last_sequence"] == 1
    done = committee.receive(second)
    assert done.status == "applied" and done.released == [3]
    assert {m["full_name"] for m in _names(committee)} == {"Một", "Hai", "Ba"}
    assert records(committee) == records(branch_a)


def test_a_different_package_with_a_used_number_is_refused(sites, branch_a, committee, tmp_path):
    from sync_sites import open_site

    add_members(branch_a, ["Một"])
    assert committee.receive(branch_a.send(COMMITTEE)).status == "applied"
    twin = open_site(_templates(sites), BRANCH_A, tmp_path / "twin")  # the same branch, another history
    try:
        add_members(twin, ["Khác"])
        twin.send(COMMITTEE)  # 1
        add_members(branch_a, ["Hai"])
        fork = twin.send(COMMITTEE)  # a different package 2
        before = checksum(committee.path, skip=())
        # package 2 of the twin chains to a package 1 the committee never saw
        with pytest.raises(PackageRefused, match="cùng số mà nội dung khác"):
            committee.receive(fork)
        assert checksum(committee.path, skip=()) == before
        good = branch_a.send(COMMITTEE)
        assert committee.receive(good).status == "applied"
        with pytest.raises(PackageRefused, match="cùng số mà nội dung khác"):
            committee.receive(fork)
    finally:
        twin.database.close()


def _templates(sites):
    import sync_sites as conftest

    return conftest._LAST_TEMPLATES


def _names(site):
    with site.database.read() as session:
        return [{"full_name": m.full_name} for m in session.scalars(select(Member))]


def test_the_same_field_changed_at_both_ends_waits_in_the_queue_and_its_resolution_flows_back(branch_a, committee):
    from handbook_desktop.services.sync.conflicts import list_conflicts, resolve_conflict

    (uuid,) = add_members(branch_a, ["Đỗ Văn Giang"])
    committee.receive(branch_a.send(COMMITTEE))
    edit(branch_a, uuid, status="exempt", notes="miễn sinh hoạt")
    edit(committee, uuid, status="temporarily_away", party_card_number="765432")
    result = committee.receive(branch_a.send(COMMITTEE))
    assert result.totals["conflict"] == 1, result.public()
    (conflict,) = list_conflicts(committee.database)
    from handbook_desktop.domain.states import MemberStatus

    assert (conflict["field"], conflict["base"], conflict["ours"], conflict["theirs"]) == (
        "status", MemberStatus.OFFICIAL.label, MemberStatus.TEMPORARILY_AWAY.label, MemberStatus.EXEMPT.label)
    # The one-sided changes merged at the committee.
    assert member(committee, uuid)["notes"] == "miễn sinh hoạt"
    assert member(committee, uuid)["party_card_number"] == "765432"
    # While open, the row waits at the committee.
    branch_a.receive(result.receipts[0].data)
    down = committee.send(BRANCH_A)
    assert [plan for plan in branch_a.preview(down).plans if plan.table == "member"] == []
    branch_a.receive(down)
    resolve_conflict(committee.database, ACTOR, conflict["id"], "theirs")
    assert list_conflicts(committee.database) == []
    result = branch_a.receive(committee.send(BRANCH_A))
    assert result.totals["changed"] == 1, result.public()
    assert member(branch_a, uuid)["status"] == "exempt"
    assert member(branch_a, uuid)["party_card_number"] == "765432"
    assert records(committee) == records(branch_a)


def test_a_member_moves_from_branch_a_to_branch_b_through_the_committee(branch_a, branch_b, committee):
    from handbook_desktop.services.sync.committee import transfer_member

    (uuid,) = add_members(branch_a, ["Hoàng Văn Hải"])
    branch_a.receive(committee.receive(branch_a.send(COMMITTEE)).receipts[0].data)
    transfer_member(committee.database, ACTOR, uuid, BRANCH_B, date(2026, 10, 1), decision_number="15-QĐ/ĐU")
    result_b = branch_b.receive(committee.send(BRANCH_B))
    assert result_b.status == "applied", result_b.public()
    result_a = branch_a.receive(committee.send(BRANCH_A))
    assert result_a.status == "applied", result_a.public()
    with branch_b.database.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        moved = session.scalars(select(Member).where(Member.uuid == uuid)).one()
        assert moved.unit_id == home.id
        kinds = sorted(event.kind for event in moved.events)
    assert kinds == ["admitted", "transfer_in_official", "transfer_out_official"]
    # Branch A keeps the record and its history; the member now belongs to branch B.
    with branch_a.database.read() as session:
        kept = session.scalars(select(Member).where(Member.uuid == uuid)).one()
        assert session.get(Unit, kept.unit_id).code == BRANCH_B
        assert len(kept.events) == 3
    member_tables = ("member", "member_event")
    assert {k: v for k, v in records(branch_b, member_tables).items()} == {
        k: v for k, v in records(committee, member_tables).items() if k in records(branch_b, member_tables)}
    # B carries on with the record, and the committee gets it.
    edit(branch_b, uuid, phone="0987654321")
    assert committee.receive(branch_b.send(COMMITTEE)).totals["changed"] == 1
    assert member(committee, uuid)["phone"] == "0987654321"
