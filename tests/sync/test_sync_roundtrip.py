"""Round trips between real databases: branch → committee → receipt → branch, decisions down,
idempotence, gaps and forks, conflicts, transfers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from conftest import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE, checksum
from handbook_desktop.services.sync.package import PackageRefused
from handbook_desktop.services.sync.tables import synced_tables
from handbook_desktop.store.models import Member, MemberEvent, SyncConflict, SyncOutbox, Unit


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
    assert result.totals["changed"] == 1, result.public()
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
