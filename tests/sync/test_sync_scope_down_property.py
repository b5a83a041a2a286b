"""Property, the other way (issue 12): whatever the committee signs, a branch keeps only its own.

Random packages signed with the committee's real key, made from the committee's rows (the other
branch's members in full, events, units, meetings, attendance) with random edits, are imported at
branch CB-A, which holds some rows that are not its own (the copy of a member transferred away,
the committee's unit). After each: no row CB-A does not own (ownership followed here by hand,
independently of scope.py) changed, and every new row belongs to CB-A or hangs on a row that
was CB-A's (a member the committee moves away takes the record of the move with it).
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from scope_forge import PACKAGES, Exchange, committee_and_two_branches, owner, rows, unit_codes
from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE

_STATE: dict = {}
COMMITTEES_OWN = ("unit", "rule", "calendar_day")  # units and rules are the committee's to change


def _world(templates, folder):
    if _STATE.get("templates") is templates:
        return _STATE["sites"]
    sites, a, _b = committee_and_two_branches(templates, folder, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"],
                                              ["Nguyễn Thị B", "Lê Văn C", "Phạm Thị D"])
    from handbook_desktop.services.sync.committee import transfer_member

    committee, branch_a = sites[COMMITTEE], sites[BRANCH_A]
    transfer_member(committee.database, ACTOR, a[2], BRANCH_B, date(2026, 10, 2), decision_number="16-QĐ/ĐU")
    committee.receive(branch_a.receive(committee.send(BRANCH_A)).receipts[0].data)  # CB-A keeps the old copy
    _STATE.update(templates=templates, sites=sites)
    return sites


def _not_ours(rows) -> set[tuple[str, str]]:
    """Rows at CB-A owned by anyone else."""
    units = unit_codes(rows)
    return {(table, uuid) for table, by_uuid in rows.items() if table not in COMMITTEES_OWN
            for uuid, record in by_uuid.items() if owner(rows, table, record, units) != BRANCH_A}


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=PACKAGES)
def test_a_branch_keeps_only_its_own_whatever_the_committee_signs(_sync_templates, tmp_path_factory, edits):
    if "folder" not in _STATE:
        _STATE["folder"] = tmp_path_factory.mktemp("scope_down")
    sites = _world(_sync_templates, _STATE["folder"])
    if "rows" not in _STATE:
        _STATE["rows"] = rows(sites[COMMITTEE])  # what the committee can copy: everything it holds
        _STATE["ours"] = rows(sites[BRANCH_A])
        _STATE["not_ours"] = _not_ours(_STATE["ours"])
        _STATE["exchange"] = Exchange(sites[COMMITTEE], COMMITTEE, sites[BRANCH_A], BRANCH_A, "decisions")
    assert _STATE["not_ours"], "the branch must hold rows of others for the property to mean anything"
    _STATE["exchange"].holds(_STATE["rows"], edits, _STATE["not_ours"],
                              lambda after, table, uuid: table in COMMITTEES_OWN or _hangs_on_ours(after, table, uuid))


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
            return owner(ours, target, ours[target][target_uuid], unit_codes(ours)) == BRANCH_A
        return _hangs_on_ours(after, target, target_uuid, depth + 1)
    return False
