"""Property: whatever a branch signs, no row outside its scope at the committee ever changes.

Random packages, signed with branch CB-A's real key and made by the program's own package code,
touch random rows anywhere in a committee database (the other branch's members, events the
committee issued, units, rules, new rows in any unit, foreign keys pointing anywhere). After each
is imported the committee is read back: every row not owned by CB-A (by an ownership computed
here independently of services/sync/scope.py) is exactly as it was, and no new row belongs to
anyone else. The committee carries its state from one example to the next, so later packages meet
what earlier ones left.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings

from scope_forge import PACKAGES, Exchange, committee_and_two_branches, new_row_owner, owner, rows, unit_codes
from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE

_STATE: dict = {}


def _world(templates, folder):
    """One committee with two branches' members, transfers, meetings, shared by every example."""
    if _STATE.get("templates") is templates:
        return _STATE["sites"]
    sites, a, b = committee_and_two_branches(templates, folder, ["Nguyễn Văn An", "Trần Thị Bình"],
                                             ["Nguyễn Thị B", "Lê Văn C", "Phạm Thị D"])
    from handbook_desktop.services.sync.committee import transfer_member

    committee = sites[COMMITTEE]
    transfer_member(committee.database, ACTOR, b[2], BRANCH_A, date(2026, 10, 1), decision_number="15-QĐ/ĐU")
    transfer_member(committee.database, ACTOR, a[1], BRANCH_B, date(2026, 10, 2), decision_number="16-QĐ/ĐU")
    _STATE.update(templates=templates, sites=sites)
    return sites


def _protected(rows) -> set[tuple[str, str]]:
    """Rows outside CB-A's scope: anyone else's, and what the committee issued about CB-A's members."""
    units = unit_codes(rows)
    out = set()
    for table, by_uuid in rows.items():
        for uuid, record in by_uuid.items():
            if owner(rows, table, record, units) != BRANCH_A or record["f"].get("origin_unit") == COMMITTEE:
                out.add((table, uuid))
    return out


@settings(max_examples=1000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=PACKAGES)
def test_no_row_outside_the_senders_scope_ever_changes(_sync_templates, tmp_path_factory, edits):
    """Each package goes through the importer's own steps inside one transaction that is then rolled
    back (scope_forge.Exchange.try_package)."""
    if "folder" not in _STATE:
        _STATE["folder"] = tmp_path_factory.mktemp("scope")
    sites = _world(_sync_templates, _STATE["folder"])
    if "rows" not in _STATE:
        _STATE["rows"] = rows(sites[COMMITTEE])
        _STATE["protected"] = _protected(_STATE["rows"])
        _STATE["exchange"] = Exchange(sites[BRANCH_A], BRANCH_A, sites[COMMITTEE], COMMITTEE, "changes")
    _STATE["exchange"].holds(_STATE["rows"], edits, _STATE["protected"],
                              lambda after, table, uuid: new_row_owner(after, table, uuid) == BRANCH_A)
