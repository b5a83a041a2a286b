"""Three levels of consolidation (issue 18, point 1): chi bộ → đảng ủy phường → thành ủy, with real
databases made by the program's own setup and demo, and packages made and imported by its code.

The committee is a demo (three branches, about 320 members); the city and a real installation of
one of the demo's branches (CB-001) are set up with ``initialise``; a second committee (DU-2) with
one branch (CB-2A) stands beside the first under the city, so that ownership can be tried across
committees. Everything is built once for the module and the tests run in order on the same files.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync_sites import ACTOR, Site, checksum
from test_sync_roundtrip import add_members, edit, member
from test_sync_trust import committee_record, forge
from handbook_desktop.services.auth import DEMO_PASSWORD
from handbook_desktop.store.models import Member, MemberEvent, RuleRow, Unit

CITY, DU, CB, DU2, CB2 = "TU-HN", "DU-PHUONG-DEMO", "CB-001", "DU-2", "CB-2A"
BOOKKEEPING = ("audit_log", "sync_inbox", "sync_outbox", "setting")


def _init(folder: Path, code: str, name: str, level: str, parent: str | None, parent_name: str | None) -> Site:
    from handbook_desktop.services.setup import HomeUnitSpec, initialise
    from handbook_desktop.services.sync.keys import unlock
    from handbook_desktop.store.database import Database

    database = Database.open(folder / f"{code}.sqlite3")
    initialise(database, HomeUnitSpec(code, name, level, parent, parent_name, "Hà Nội", date(2025, 7, 1)),
               "admin", DEMO_PASSWORD)
    return Site(code, database, unlock(database, DEMO_PASSWORD))


def _introduce(lower: Site, upper: Site, folder: Path) -> None:
    """Each side trusts the other's card after comparing fingerprints (as a person would by phone)."""
    from handbook_desktop.services.sync.keys import read_identity_card, trust_card, write_identity_card

    for site, other in ((lower, upper), (upper, lower)):
        path = folder / f"{site.code}.card"
        write_identity_card(site.database, site.keyring, path)
        card = read_identity_card(path)
        trust_card(other.database, ACTOR, card, card["fingerprint"])


def deliver(sender: Site, receiver: Site, *, full: bool = False):
    """A package sent, imported, and its receipt taken back by the sender."""
    result = receiver.receive(sender.send(receiver.code, full=full))
    assert result.status == "applied", result.public()
    sender.receive(result.receipts[0].data)
    return result


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from handbook_desktop.services.demo import generate
    from handbook_desktop.services.progress import drain
    from handbook_desktop.services.sync.keys import unlock
    from handbook_desktop.store.database import Database

    folder = tmp_path_factory.mktemp("three")
    old = os.environ.get("HANDBOOK_HOME")
    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    city = _init(folder, CITY, "Thành ủy Hà Nội", "tinh-thanh-uy", None, None)
    database = Database.open(folder / f"{DU}.sqlite3")
    drain(generate(database, members=320, seed=1, today=date(2026, 11, 15)))
    du = Site(DU, database, unlock(database, DEMO_PASSWORD))
    du2 = _init(folder, DU2, "Đảng ủy phường Thứ Hai", "dang-uy-co-so", CITY, "Thành ủy Hà Nội")
    cb2 = _init(folder, CB2, "Chi bộ 2A", "chi-bo", DU2, "Đảng ủy phường Thứ Hai")
    for lower, upper in ((du, city), (du2, city), (cb2, du2)):
        _introduce(lower, upper, folder)
    sites = {CITY: city, DU: du, DU2: du2, CB2: cb2, "folder": folder}
    yield sites
    for site in (city, du, du2, cb2, sites.get(CB)):
        if site is not None:
            site.database.close()
    if old is None:
        os.environ.pop("HANDBOOK_HOME", None)
    else:
        os.environ["HANDBOOK_HOME"] = old


def _members_by_unit(site: Site) -> dict[str, int]:
    with site.database.read() as session:
        return dict(session.execute(select(Unit.code, func.count(Member.id)).join(Member, Member.unit_id == Unit.id)
                                    .group_by(Unit.code)).all())


def _unit_tree(site: Site) -> dict[str, str | None]:
    with site.database.read() as session:
        units = {unit.id: unit for unit in session.scalars(select(Unit))}
        return {unit.code: units[unit.parent_id].code if unit.parent_id else None for unit in units.values()}


def test_a_committee_package_consolidates_at_the_city_with_its_branches(world):
    city, du = world[CITY], world[DU]
    result = deliver(du, city, full=True)
    assert result.totals["rejected"] == 0 and result.totals["new"] == result.totals["total"]
    tree = _unit_tree(city)
    branches = {code for code, parent in _unit_tree(du).items() if parent == DU}
    assert len(branches) >= 2 and all(tree[code] == DU for code in branches)
    assert tree[DU] == CITY
    assert _members_by_unit(city) == _members_by_unit(du)
    from handbook_desktop.services.sync.committee import units_overview

    rows = {row["code"]: row for row in units_overview(city.database, date(2026, 11, 15))}
    assert set(rows) == {DU, DU2} | branches
    assert rows[DU]["members_total"] == sum(_members_by_unit(du).values())
    assert all(rows[code]["parent_code"] == DU and rows[code]["via"] == DU for code in branches)


def test_a_branch_installation_joins_and_its_edit_reaches_the_city(world):
    city, du, folder = world[CITY], world[DU], world["folder"]
    cb = _init(folder, CB, "Chi bộ Tổ dân phố số 1", "chi-bo", DU, "Đảng ủy phường Hoàn Kiếm")
    world[CB] = cb
    _introduce(cb, du, folder)  # the committee's CB-001 takes the installation's identity (a new uuid)
    down = deliver(du, cb, full=True)
    assert down.totals["rejected"] == 0, [(p.table, p.label, p.reason) for p in down.plans if p.reason]
    assert _members_by_unit(cb)[CB] == _members_by_unit(du)[CB]
    with cb.database.read() as session:
        uuid = session.scalars(select(Member.uuid).join(Unit, Unit.id == Member.unit_id)
                               .where(Unit.code == CB, Member.deleted_at.is_(None))).first()
    world["member"] = uuid
    edit(cb, uuid, phone="0987000111", occupation="Kỹ sư cầu đường")
    deliver(cb, du)
    up = deliver(du, city)
    assert up.totals["rejected"] == 0, [p.reason for p in up.plans if p.reason]
    assert member(city, uuid)["phone"] == "0987000111"
    assert member(city, uuid)["occupation"] == "Kỹ sư cầu đường"
    with cb.database.read() as session:
        unit_uuid = session.scalars(select(Unit.uuid).where(Unit.code == CB)).one()
    assert member(city, uuid)["unit"] == unit_uuid  # the city follows the branch's new identity
    assert _unit_tree(city)[CB] == DU and sum(1 for code in _unit_tree(city) if code == CB) == 1


def test_the_city_decides_and_the_decision_travels_down_two_levels(world):
    city, du, cb, uuid = world[CITY], world[DU], world[CB], world["member"]
    with city.database.session() as session:
        row = session.scalars(select(Member).where(Member.uuid == uuid)).one()
        row.party_card_number, row.card_issued_date = "01.234567", date(2026, 11, 20)
        session.add(MemberEvent(member_id=row.id, kind="card_issued", event_date=date(2026, 11, 20),
                                decision_number="99-QĐ/TU", issuer="Thành ủy Hà Nội", origin_unit=CITY))
        session.add(RuleRow(key="sync.max_sequence_gap", value_json="900", effective_from=date(2026, 11, 1),
                            source="Thành ủy Hà Nội, thử nghiệm", origin_unit=CITY))
    deliver(city, du)
    deliver(du, cb)
    for site in (du, cb):
        assert member(site, uuid)["party_card_number"] == "01.234567"
        with site.database.read() as session:
            event = session.scalars(select(MemberEvent).where(MemberEvent.decision_number == "99-QĐ/TU")).one()
            assert event.origin_unit == CITY
            assert session.scalars(select(RuleRow).where(RuleRow.value_json == "900")).one()
    # The city's decision stays the city's at every level below: edits to it are not sent back up.
    with cb.database.session() as session:
        session.scalars(select(MemberEvent).where(MemberEvent.decision_number == "99-QĐ/TU")).one().note = "sửa"
    up = deliver(cb, du)
    assert all(plan.table != "member_event" for plan in up.plans)
    with du.database.session() as session:
        session.scalars(select(MemberEvent).where(MemberEvent.decision_number == "99-QĐ/TU")).one().note = "sửa"
    edit(du, uuid, notes="ghi ở đảng ủy")
    up = deliver(du, city)
    assert {plan.table for plan in up.plans if plan.outcome != "unchanged"} == {"member"}


def test_the_second_committee_beside_the_first(world):
    city, du2, cb2 = world[CITY], world[DU2], world[CB2]
    (uuid,) = add_members(cb2, ["Đỗ Thị Hai"])
    world["member2"] = uuid
    deliver(cb2, du2)
    deliver(du2, city)
    assert _unit_tree(city)[CB2] == DU2
    assert member(city, uuid)["full_name"] == "Đỗ Thị Hai"


def test_ownership_holds_between_committees_at_the_city(world):
    """DU-PHUONG-DEMO, with its real key, reaches for DU-2's member and units: refused whole."""
    city, du, uuid = world[CITY], world[DU], world["member2"]
    renamed = committee_record(city, "member", uuid)
    renamed["f"].update(full_name="Tên Bị Sửa", phone="0900000000")
    with city.database.read() as session:
        unit_2a = session.scalars(select(Unit).where(Unit.code == CB2)).one().uuid
        unit_du = session.scalars(select(Unit).where(Unit.code == DU)).one().uuid
        unit_city = session.scalars(select(Unit).where(Unit.code == CITY)).one().uuid
    moved_unit = committee_record(city, "unit", unit_2a)
    moved_unit["f"]["parent_id"] = unit_du  # take DU-2's branch under DU
    own_place = committee_record(city, "unit", unit_du)
    own_place["f"]["name"] = "Đảng ủy tự đổi tên"
    new_under_city = {"t": "unit", "u": "5a1f0000-0000-4000-8000-0000000000d1", "v": 1, "b": None,
                      "f": {"code": "CB-LA", "name": "Chi bộ lạ", "level": "chi-bo", "parent_id": unit_city,
                            "origin_unit": DU, "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}}
    stolen_code = dict(new_under_city, u="5a1f0000-0000-4000-8000-0000000000d2",
                       f=dict(new_under_city["f"], code=CB2, parent_id=unit_du))
    own_member = world["member"]
    forged_decision = {"t": "member_event", "u": "5a1f0000-0000-4000-8000-0000000000d3", "v": 1, "b": None,
                       "f": {"member_id": own_member, "kind": "card_issued", "event_date": "2026-11-25",
                             "decision_number": "100-QĐ/TU", "issuer": "Thành ủy Hà Nội", "origin_unit": CITY,
                             "updated_at": "2026-11-01T00:00:00+00:00", "deleted_at": None}}
    with city.database.read() as session:
        city_event = session.scalars(select(MemberEvent.uuid).where(MemberEvent.decision_number == "99-QĐ/TU")).one()
    changed_decision = committee_record(city, "member_event", city_event)
    changed_decision["f"]["decision_number"] = "1-QĐ/ĐU"
    for name, record in {"sửa đảng viên của DU-2": renamed, "lấy chi bộ của DU-2": moved_unit,
                         "giả quyết định của thành ủy": forged_decision,
                         "sửa quyết định của thành ủy": changed_decision,
                         "tự đổi chỗ của mình": own_place, "đặt chi bộ dưới thành ủy": new_under_city,
                         "mượn mã chi bộ của DU-2": stolen_code}.items():
        before = checksum(city.path, skip=BOOKKEEPING)
        result = city.receive(forge(du, CITY, [record]))
        assert result.status == "refused", (name, result.public())
        assert checksum(city.path, skip=BOOKKEEPING) == before, name
        assert DU in result.plans[0].reason, (name, result.plans[0].reason)
        du.receive(result.receipts[0].data)
    assert member(city, uuid)["full_name"] == "Đỗ Thị Hai"
    assert _unit_tree(city)[CB2] == DU2


def test_least_data_down_at_every_level(world):
    """The city's packages to DU carry nothing of DU-2; a forged one that does is not kept at DU."""
    city, du, uuid = world[CITY], world[DU], world["member2"]
    edit(city, uuid, notes="ghi ở thành ủy")
    down = deliver(city, du)
    assert uuid not in {plan.uuid for plan in down.plans}
    assert CB2 not in _unit_tree(du)
    full = du.receive(city.send(DU, full=True))
    assert full.status == "applied" and full.totals["rejected"] == 0
    assert uuid not in {plan.uuid for plan in full.plans}
    city.receive(full.receipts[0].data)
    # A forged package from the city with DU-2's member and branch: outside what DU keeps.
    with city.database.read() as session:
        units = [session.scalars(select(Unit).where(Unit.code == code)).one().uuid for code in (DU2, CB2)]
    records = [committee_record(city, "unit", unit) for unit in units] + [committee_record(city, "member", uuid)]
    result = du.receive(forge(city, DU, records))
    assert result.status == "applied"
    (plan,) = [p for p in result.plans if p.table == "member"]
    assert plan.outcome == "rejected" and "không thuộc" in plan.reason
    with du.database.read() as session:
        assert session.scalars(select(Member).where(Member.uuid == uuid)).first() is None


def test_the_city_sees_every_branch_under_each_committee_on_the_units_page(qtbot, world):
    from test_sync_gui import context_for
    from handbook_desktop.ui.pages.units import UnitsPage

    city, du = world[CITY], world[DU]
    page = UnitsPage(context_for(city), today=date(2026, 11, 15))
    qtbot.addWidget(page)
    page.resize(1200, 600)
    qtbot.waitUntil(lambda: page.table.rowCount() >= 5, timeout=20_000)
    shown = [[page.table.item(row, column).text() for column in (0, 1, 2, 4)] for row in range(page.table.rowCount())]
    codes = [row[0] for row in shown]
    branches = sorted(code for code, parent in _unit_tree(du).items() if parent == DU)
    assert codes == [DU2, CB2, DU, *branches]  # each committee (by code), then the branches under it
    by_code = {row[0]: row for row in shown}
    assert by_code[DU][3] == str(sum(_members_by_unit(du).values()))
    assert by_code[CB][1].startswith("    ") and by_code[CB][2] == f"qua {DU}"
    assert "2 đơn vị trực thuộc" in page.summary.text()
    page.grab().save("/tmp/three_levels_units.png")
    page.context.runner.shutdown()


def test_a_dang_bo_bo_phan_between_the_branch_and_the_committee(tmp_path, monkeypatch):
    """chi bộ → đảng bộ bộ phận → đảng ủy: the branch's records reach the committee through the
    đảng bộ bộ phận with the branch under it; a decision of the committee comes back down the same
    way; the đảng bộ bộ phận passes decisions on but cannot make them."""
    monkeypatch.setenv("HANDBOOK_HOME", str(tmp_path / "home"))
    du = _init(tmp_path, "DU-X", "Đảng ủy xã X", "dang-uy-xa-phuong", CITY, "Thành ủy Hà Nội")
    bp = _init(tmp_path, "BP-1", "Đảng bộ bộ phận thôn 1", "dang-bo-bo-phan", "DU-X", "Đảng ủy xã X")
    cb = _init(tmp_path, "CB-T1", "Chi bộ xóm Trên", "chi-bo", "BP-1", "Đảng bộ bộ phận thôn 1")
    try:
        _introduce(bp, du, tmp_path)
        _introduce(cb, bp, tmp_path)
        (uuid,) = add_members(cb, ["Lò Văn Páo"])
        deliver(cb, bp)
        deliver(bp, du)
        assert _unit_tree(du)["CB-T1"] == "BP-1" and _unit_tree(du)["BP-1"] == "DU-X"
        assert member(du, uuid)["full_name"] == "Lò Văn Páo"
        edit(du, uuid, party_card_number="02.777888")
        deliver(du, bp)
        deliver(bp, cb)
        assert member(cb, uuid)["party_card_number"] == "02.777888"
        # The đảng bộ bộ phận does not decide: its change to the card number is refused field by field.
        edit(bp, uuid, party_card_number="02.000000", occupation="Nông dân")
        up = deliver(bp, du)
        (plan,) = [p for p in up.plans if p.uuid == uuid]
        assert "Số thẻ đảng viên" in plan.reason and member(du, uuid)["party_card_number"] == "02.777888"
        assert member(du, uuid)["occupation"] == "Nông dân"
    finally:
        for site in (du, bp, cb):
            site.database.close()
