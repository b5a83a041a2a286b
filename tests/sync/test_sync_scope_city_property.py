"""Property at the city (issues 12 and 18): whatever a committee signs, nothing outside its tree changes.

A committee sending up carries more than a branch (its branches' units, their records, its own
decisions), so it gets its own property: random packages signed with committee DU-A's real key, made
from the city's rows (the other committee's members and branch, the city's own decisions, units) with
random edits, imported at the city. After each: every row not in DU-A's tree (followed here by hand)
is as it was, DU-A's own unit too (the city placed it), and every new row is in DU-A's tree.
"""

from __future__ import annotations

import json
import os
import uuid as _uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from sync_sites import ACTOR
from test_sync_roundtrip import add_members
from test_sync_scope_property import PACKAGES, _forge_records, _new_row_owner, _owner, _raw, _RollBack, _rows
from test_sync_three_levels import _init, _introduce, deliver
from test_sync_trust import forged_card

CITY, DU_A, DU_B = "TU-HN", "DU-A", "DU-B"
_STATE: dict = {}


def _world(folder):
    if "sites" in _STATE:
        return _STATE["sites"]
    from handbook_desktop.services.sync.keys import trust_card
    from handbook_desktop.store.models import Member, MemberEvent, Unit

    os.environ["HANDBOOK_HOME"] = str(folder / "home")
    city = _init(folder, CITY, "Thành ủy Hà Nội", "tinh-thanh-uy", None, None)
    sites = {CITY: city}
    for code in (DU_A, DU_B):
        site = _init(folder, code, f"Đảng ủy {code}", "dang-uy-co-so", CITY, "Thành ủy Hà Nội")
        _introduce(site, city, folder)
        card = forged_card({"uuid": str(_uuid.uuid4()), "code": f"CB-{code}", "name": f"Chi bộ của {code}",
                            "level": "chi-bo", "parent_code": code})
        trust_card(site.database, ACTOR, card, card["fingerprint"])  # places the branch under the committee
        add_members(site, [f"Ủy viên {code}"])  # a member of the committee's own unit
        with site.database.session() as session:
            branch = session.scalars(select(Unit).where(Unit.code == f"CB-{code}")).one()
            for name in ("Nguyễn Văn Một", "Trần Thị Hai"):
                member = Member(unit_id=branch.id, full_name=f"{name} {code}", origin_unit=branch.code,
                                status="official", date_of_birth=date(1975, 1, 1))
                session.add(member)
                session.flush()
                session.add(MemberEvent(member_id=member.id, kind="admitted", event_date=date(2001, 2, 3),
                                        origin_unit=branch.code))
        deliver(site, city, full=True)
        sites[code] = site
    with city.database.session() as session:  # a decision the city issued about one of DU-A's members
        member = session.scalars(select(Member).where(Member.full_name == f"Nguyễn Văn Một {DU_A}")).one()
        session.add(MemberEvent(member_id=member.id, kind="card_issued", event_date=date(2026, 11, 20),
                                decision_number="7-QĐ/TU", origin_unit=CITY))
    _STATE["sites"] = sites
    return sites


def _tree(rows) -> set[str]:
    """Codes of DU-A and the units under it, followed by hand over the city's rows."""
    parent = {uuid: record["f"].get("parent_id") for uuid, record in rows["unit"].items()}
    code = {uuid: record["f"]["code"] for uuid, record in rows["unit"].items()}
    top = next(uuid for uuid, value in code.items() if value == DU_A)
    found = set()
    for uuid in code:
        seen, current = set(), uuid
        while current is not None and current not in seen:
            if current == top:
                found.add(code[uuid])
                break
            seen.add(current)
            current = parent.get(current)
    return found


def _protected(rows, tree) -> set[tuple[str, str]]:
    units = {uuid: record["f"]["code"] for uuid, record in rows["unit"].items()}
    out = set()
    for table, by_uuid in rows.items():
        for uuid, record in by_uuid.items():
            owner = _owner(rows, table, record, units)
            if owner not in tree or owner == DU_A and table == "unit" or record["f"].get("origin_unit") == CITY:
                out.add((table, uuid))
    return out


def _sign(sender, card, records) -> bytes:
    from handbook_desktop.services.sync import package

    _STATE["sequence"] = _STATE.get("sequence", 100) + 1
    counts: dict[str, int] = {}
    for record in records:
        counts[record["t"]] = counts.get(record["t"], 0) + 1
    manifest = {"package_id": str(_uuid.uuid4()), "kind": "changes", "sender": DU_A, "recipient": CITY,
                "sender_key": sender.keyring.active_id, "recipient_key": card.key_id,
                "sequence": _STATE["sequence"], "previous": None, "acknowledged": 0, "schema": _STATE["schema"],
                "app_version": "test", "created_at": "2026-11-01T00:00:00+00:00", "counts": counts}
    plain = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records).encode("utf-8")
    return package.build(manifest, plain, sender.keyring, card.box_public)[0]


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=PACKAGES)
def test_nothing_outside_a_committees_tree_changes_at_the_city(tmp_path_factory, edits):
    from handbook_desktop.services.sync.importer import _outside_scope, _planner, open_package
    from handbook_desktop.services.sync.keys import latest_peer_key
    from handbook_desktop.services.sync.merge import Writer
    from handbook_desktop.services.sync.package import PackageRefused

    if "folder" not in _STATE:
        _STATE["home"] = os.environ.get("HANDBOOK_HOME")
        _STATE["folder"] = tmp_path_factory.mktemp("city_scope")
    sites = _world(_STATE["folder"])
    city, du_a = sites[CITY], sites[DU_A]
    if "rows" not in _STATE:
        from handbook_desktop.store.migrate import head_revision

        _STATE["rows"] = _rows(city)
        _STATE["tree"] = _tree(_STATE["rows"])
        assert _STATE["tree"] == {DU_A, f"CB-{DU_A}"}
        _STATE["protected"] = _protected(_STATE["rows"], _STATE["tree"])
        _STATE["schema"] = head_revision()
        with du_a.database.read() as session:
            _STATE["card"] = latest_peer_key(session, CITY)
            session.expunge(_STATE["card"])
        with city.database.read() as session:
            _STATE["before"] = _raw(session)
    records = _forge_records(_STATE["rows"], edits)
    if not records:
        return
    data = _sign(du_a, _STATE["card"], records)
    before = _STATE["before"]
    try:
        with city.database.immediate() as session:
            session.info["keep_versions"] = True
            opened = open_package(session, city.keyring, data)
            planner = _planner(session, DU_A)
            plans = planner.plan(opened.body)
            try:
                refused = bool(_outside_scope(session, DU_A, plans))
            except PackageRefused:
                refused = True
            if not refused:
                for _done in Writer(planner, opened.manifest["package_id"]).apply(plans):
                    pass
                session.flush()
            after = _raw(session)
            story = json.dumps(records, ensure_ascii=False)[:600]
            if refused:
                assert after == before, "a refused package wrote something: " + story
            else:
                for table, uuid in _STATE["protected"]:
                    assert after[table].get(uuid) == before[table][uuid], (table, uuid, story)
                for table, by_uuid in after.items():
                    for uuid in by_uuid.keys() - before[table].keys():
                        if table == "unit":
                            assert _unit_parent_code(after, uuid) in _STATE["tree"], (uuid, story)
                        else:
                            assert _new_row_owner(after, table, uuid) in _STATE["tree"], (table, uuid, story)
            raise _RollBack
    except _RollBack:
        pass


def _unit_parent_code(after, uuid: str) -> str | None:
    from handbook_desktop.services.sync.tables import table_by_name

    names = list(table_by_name()["unit"].table.c.keys())
    values = dict(zip(names, after["unit"][uuid]))
    for other in after["unit"].values():
        mapped = dict(zip(names, other))
        if mapped["id"] == values["parent_id"]:
            return mapped["code"]
    return None


def teardown_module(module) -> None:
    for site in _STATE.get("sites", {}).values():
        site.database.close()
    if "folder" in _STATE:
        if _STATE["home"] is None:
            os.environ.pop("HANDBOOK_HOME", None)
        else:
            os.environ["HANDBOOK_HOME"] = _STATE["home"]
