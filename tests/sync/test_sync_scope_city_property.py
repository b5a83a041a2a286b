"""Property at the city (issues 12 and 18): whatever a committee signs, nothing outside its tree changes.

A committee sending up carries more than a branch (its branches' units, their records, its own
decisions), so it gets its own property: random packages signed with committee DU-A's real key, made
from the city's rows (the other committee's members and branch, the city's own decisions, units) with
random edits, imported at the city. After each: every row not in DU-A's tree (followed here by hand)
is as it was, DU-A's own unit too (the city placed it), and every new row is in DU-A's tree.
"""

from __future__ import annotations

import os
import uuid as _uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from scope_forge import PACKAGES, Exchange, new_row_owner, owner, rows, unit_codes
from sync_sites import ACTOR
from test_sync_roundtrip import add_members
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
    units = unit_codes(rows)
    out = set()
    for table, by_uuid in rows.items():
        for uuid, record in by_uuid.items():
            found = owner(rows, table, record, units)
            if found not in tree or found == DU_A and table == "unit" or record["f"].get("origin_unit") == CITY:
                out.add((table, uuid))
    return out


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=PACKAGES)
def test_nothing_outside_a_committees_tree_changes_at_the_city(tmp_path_factory, edits):
    if "folder" not in _STATE:
        _STATE["home"] = os.environ.get("HANDBOOK_HOME")
        _STATE["folder"] = tmp_path_factory.mktemp("city_scope")
    sites = _world(_STATE["folder"])
    if "rows" not in _STATE:
        _STATE["rows"] = rows(sites[CITY])
        _STATE["tree"] = _tree(_STATE["rows"])
        assert _STATE["tree"] == {DU_A, f"CB-{DU_A}"}
        _STATE["protected"] = _protected(_STATE["rows"], _STATE["tree"])
        _STATE["exchange"] = Exchange(sites[DU_A], DU_A, sites[CITY], CITY, "changes")
    _STATE["exchange"].holds(_STATE["rows"], edits, _STATE["protected"], _in_the_tree)


def _in_the_tree(after, table: str, uuid: str) -> bool:
    """A new unit is placed under one of DU-A's tree; any other new row belongs to a unit of it."""
    if table == "unit":
        return _unit_parent_code(after, uuid) in _STATE["tree"]
    return new_row_owner(after, table, uuid) in _STATE["tree"]


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
