"""Property, the other way (issue 12): whatever the committee signs, a branch keeps only its own.

Random packages signed with the committee's real key, made from the committee's rows (the other
branch's members in full, events, units, meetings, attendance) with random edits, are imported at
branch CB-A, which holds some rows that are not its own (the copy of a member transferred away,
the committee's unit). After each: no row CB-A does not own (ownership followed here by hand,
independently of scope_down.py) changed, and every new row belongs to CB-A or hangs on a row that
was CB-A's (a member the committee moves away takes the record of the move with it).
"""

from __future__ import annotations

import json
import uuid as _uuid
from datetime import date

from hypothesis import HealthCheck, given, settings

from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE, open_site
from test_sync_roundtrip import add_members
from test_sync_scope_property import PACKAGES, _forge_records, _meeting, _owner, _raw, _RollBack, _rows

_STATE: dict = {}


def _world(templates, folder):
    if _STATE.get("templates") is templates:
        return _STATE["sites"]
    sites = {code: open_site(templates, code, folder) for code in (COMMITTEE, BRANCH_A, BRANCH_B)}
    committee, branch_a, branch_b = sites[COMMITTEE], sites[BRANCH_A], sites[BRANCH_B]
    a = add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    b = add_members(branch_b, ["Nguyễn Thị B", "Lê Văn C", "Phạm Thị D"])
    _meeting(branch_a, a)
    _meeting(branch_b, b)
    for site in (branch_a, branch_b):
        site.receive(committee.receive(site.send(COMMITTEE)).receipts[0].data)
    from handbook_desktop.services.sync.committee import transfer_member

    transfer_member(committee.database, ACTOR, a[2], BRANCH_B, date(2026, 10, 2), decision_number="16-QĐ/ĐU")
    committee.receive(branch_a.receive(committee.send(BRANCH_A)).receipts[0].data)  # CB-A keeps the old copy
    _STATE.update(templates=templates, sites=sites)
    return sites


def _sign(committee, card, records) -> bytes:
    from handbook_desktop.services.sync import package

    _STATE["sequence"] = _STATE.get("sequence", 100) + 1
    counts: dict[str, int] = {}
    for record in records:
        counts[record["t"]] = counts.get(record["t"], 0) + 1
    manifest = {"package_id": str(_uuid.uuid4()), "kind": "decisions", "sender": COMMITTEE, "recipient": BRANCH_A,
                "sender_key": committee.keyring.active_id, "recipient_key": card.key_id,
                "sequence": _STATE["sequence"], "previous": None, "acknowledged": 0, "schema": _STATE["schema"],
                "app_version": "test", "created_at": "2026-11-01T00:00:00+00:00", "counts": counts}
    plain = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records).encode("utf-8")
    return package.build(manifest, plain, committee.keyring, card.box_public)[0]


def _not_ours(rows) -> set[tuple[str, str]]:
    """Rows at CB-A owned by anyone else (units and rules are the committee's to change)."""
    units = {uuid: record["f"]["code"] for uuid, record in rows["unit"].items()}
    return {(table, uuid) for table, by_uuid in rows.items() if table not in ("unit", "rule", "calendar_day")
            for uuid, record in by_uuid.items() if _owner(rows, table, record, units) != BRANCH_A}


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=PACKAGES)
def test_a_branch_keeps_only_its_own_whatever_the_committee_signs(_sync_templates, tmp_path_factory, edits):
    from handbook_desktop.services.sync.importer import _outside_scope, _planner, open_package
    from handbook_desktop.services.sync.keys import latest_peer_key
    from handbook_desktop.services.sync.merge import Writer
    from handbook_desktop.services.sync.package import PackageRefused

    if "folder" not in _STATE:
        _STATE["folder"] = tmp_path_factory.mktemp("scope_down")
    sites = _world(_sync_templates, _STATE["folder"])
    committee, branch_a = sites[COMMITTEE], sites[BRANCH_A]
    if "rows" not in _STATE:
        from handbook_desktop.store.migrate import head_revision

        _STATE["rows"] = _rows(committee)  # what the committee can copy: everything it holds
        _STATE["ours"] = _rows(branch_a)
        _STATE["not_ours"] = _not_ours(_STATE["ours"])
        _STATE["schema"] = head_revision()
        with committee.database.read() as session:
            _STATE["card"] = latest_peer_key(session, BRANCH_A)
            session.expunge(_STATE["card"])
        with branch_a.database.read() as session:
            _STATE["before"] = _raw(session)
    assert _STATE["not_ours"], "the branch must hold rows of others for the property to mean anything"
    records = _forge_records(_STATE["rows"], edits)
    if not records:
        return
    data = _sign(committee, _STATE["card"], records)
    before = _STATE["before"]
    try:
        with branch_a.database.immediate() as session:
            session.info["keep_versions"] = True
            opened = open_package(session, branch_a.keyring, data)
            planner = _planner(session, COMMITTEE)
            plans = planner.plan(opened.body)
            try:
                refused = bool(_outside_scope(session, COMMITTEE, plans))
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
                for table, uuid in _STATE["not_ours"]:
                    assert after[table].get(uuid) == before[table][uuid], (table, uuid, story)
                for table, by_uuid in after.items():
                    for uuid in by_uuid.keys() - before[table].keys():
                        if table not in ("unit", "rule", "calendar_day"):
                            assert _hangs_on_ours(after, table, uuid), (table, uuid, story)
            raise _RollBack
    except _RollBack:
        pass


def _hangs_on_ours(after, table: str, uuid: str, depth: int = 0) -> bool:
    """A new row is CB-A's own, or hangs (by its owning foreign key) on a row that was CB-A's."""
    from handbook_desktop.services.sync.tables import table_by_name

    tables = table_by_name()
    item = tables[table]
    if not item.unit_path or depth > 10:
        return False
    column, target = item.unit_path[0]
    values = dict(zip(item.table.c.keys(), after[table][uuid]))
    target_names = list(tables[target].table.c.keys())
    for target_uuid, target_values in after[target].items():
        mapped = dict(zip(target_names, target_values))
        if mapped["id"] != values[column]:
            continue
        if target == "unit":
            return mapped["code"] == BRANCH_A
        ours = _STATE["ours"]
        if target_uuid in ours[target]:  # an existing row: whose it was before the package
            units = {u: r["f"]["code"] for u, r in ours["unit"].items()}
            return _owner(ours, target, ours[target][target_uuid], units) == BRANCH_A
        return _hangs_on_ours(after, target, target_uuid, depth + 1)
    return False
