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

import json
import uuid as _uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync_sites import ACTOR, BRANCH_A, BRANCH_B, COMMITTEE, open_site
from test_sync_roundtrip import add_members

TABLES = ("member", "member_event", "unit", "rule", "meeting", "attendance")
FIELDS = {
    "member": ["full_name", "phone", "national_id", "status", "notes", "deleted_at", "unit_id",
               "party_card_number"],
    "member_event": ["event_date", "note", "deleted_at", "member_id", "kind"],
    "unit": ["name", "parent_id", "deleted_at"],
    "rule": ["note", "deleted_at"],
    "meeting": ["topic", "unit_id", "chair_id", "deleted_at"],
    "attendance": ["member_id", "meeting_id", "deleted_at"],
}
TEXT = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy 0123456789", min_size=1, max_size=12)
EDIT = st.tuples(st.sampled_from(TABLES), st.integers(0, 10_000), st.integers(0, 100), TEXT,
                 st.integers(0, 10_000), st.booleans())
PACKAGES = st.lists(EDIT, min_size=1, max_size=6)

_STATE: dict = {}


def _world(templates, folder):
    """One committee with two branches' members, transfers, meetings, shared by every example."""
    if _STATE.get("templates") is templates:
        return _STATE["sites"]
    sites = {code: open_site(templates, code, folder) for code in (COMMITTEE, BRANCH_A, BRANCH_B)}
    committee, branch_a, branch_b = sites[COMMITTEE], sites[BRANCH_A], sites[BRANCH_B]
    a = add_members(branch_a, ["Nguyễn Văn An", "Trần Thị Bình"])
    b = add_members(branch_b, ["Nguyễn Thị B", "Lê Văn C", "Phạm Thị D"])
    _meeting(branch_a, a)
    _meeting(branch_b, b)
    for site in (branch_a, branch_b):
        site.receive(committee.receive(site.send(COMMITTEE)).receipts[0].data)
    from handbook_desktop.services.sync.committee import transfer_member

    transfer_member(committee.database, ACTOR, b[2], BRANCH_A, date(2026, 10, 1), decision_number="15-QĐ/ĐU")
    transfer_member(committee.database, ACTOR, a[1], BRANCH_B, date(2026, 10, 2), decision_number="16-QĐ/ĐU")
    _STATE.update(templates=templates, sites=sites)
    return sites


def _meeting(site, members):
    from handbook_desktop.store.models import Member, Unit
    from handbook_desktop.store.models.meetings import Meeting, MeetingAttendance

    with site.database.session() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        chair = session.scalars(select(Member).where(Member.uuid == members[0])).one()
        meeting = Meeting(unit_id=home.id, kind="regular", meeting_date=date(2026, 9, 5), topic="Thường kỳ",
                          chair_id=chair.id, origin_unit=site.code)
        session.add(meeting)
        session.flush()
        for uuid in members:
            member = session.scalars(select(Member).where(Member.uuid == uuid)).one()
            session.add(MeetingAttendance(meeting_id=meeting.id, member_id=member.id, origin_unit=site.code,
                                          member_status="official", attendance="present"))


def _rows(site) -> dict[str, dict[str, dict]]:
    """Every synced row as travelling JSON, by table and uuid (read once: the examples roll back)."""
    from handbook_desktop.services.sync.capture import UuidMaps, serialise
    from handbook_desktop.services.sync.tables import synced_tables

    result = {}
    with site.database.read() as session:
        maps = UuidMaps(session)
        for item in synced_tables():
            result[item.name] = {row._mapping["uuid"]: serialise(item, row, maps)
                                 for row in session.execute(select(item.table))}
    return result


def _raw(session) -> dict[str, dict[str, tuple]]:
    """Every column of every synced row, by table and uuid, inside the importing transaction."""
    from handbook_desktop.services.sync.tables import synced_tables

    result = {}
    connection = session.connection()
    for item in synced_tables():
        at = list(item.table.c.keys()).index("uuid")
        columns = ", ".join(f'"{name}"' for name in item.table.c.keys())
        result[item.name] = {row[at]: tuple(row) for row in connection.exec_driver_sql(
            f'SELECT {columns} FROM "{item.name}"')}
    return result


def _owner(rows, table: str, record: dict, units: dict[str, str], depth: int = 0) -> str | None:
    """The owning unit's code, followed here by hand: member → unit; event → member; attendance →
    meeting → unit; a unit owns itself; rules belong to nobody below."""
    from handbook_desktop.services.sync.tables import table_by_name

    item = table_by_name()[table]
    if table == "unit":
        return record["f"].get("code")
    if not item.unit_path or depth > 10:
        return None
    column, target = item.unit_path[0]
    value = record["f"].get(column)
    if target == "unit":
        return units.get(value)
    parent = rows[target].get(value)
    return None if parent is None else _owner(rows, target, parent, units, depth + 1)


def _protected(rows) -> set[tuple[str, str]]:
    """Rows outside CB-A's scope: anyone else's, and what the committee issued about CB-A's members."""
    units = {uuid: record["f"]["code"] for uuid, record in rows["unit"].items()}
    out = set()
    for table, by_uuid in rows.items():
        for uuid, record in by_uuid.items():
            owner = _owner(rows, table, record, units)
            if owner != BRANCH_A or record["f"].get("origin_unit") == COMMITTEE:
                out.add((table, uuid))
    return out


def _forge_records(rows, edits) -> list[dict]:
    records, seen = [], set()
    for table, pick, field_pick, text, target_pick, new in edits:
        by_uuid = rows[table]
        if not by_uuid:
            continue
        template = list(by_uuid.values())[pick % len(by_uuid)]
        if new:
            record = {"t": table, "u": str(_uuid.uuid4()), "v": 1, "b": None, "f": dict(template["f"])}
        else:
            if template["u"] in seen:
                continue
            record = {"t": table, "u": template["u"], "v": template["v"] + 1, "b": template["v"],
                      "f": dict(template["f"])}
        seen.add(record["u"])
        names = FIELDS[table]
        name = names[field_pick % len(names)]
        if name == "deleted_at":
            record["f"][name] = "2026-11-01T00:00:00+00:00"
        elif name in ("unit_id", "parent_id"):
            choices = sorted(rows["unit"])
            record["f"][name] = choices[target_pick % len(choices)]
        elif name in ("member_id", "chair_id"):
            choices = sorted(rows["member"])
            record["f"][name] = choices[target_pick % len(choices)]
        elif name == "meeting_id":
            choices = sorted(rows["meeting"])
            record["f"][name] = choices[target_pick % len(choices)]
        elif name == "status":
            record["f"][name] = ["official", "expelled", "removed", "probationary"][target_pick % 4]
        elif name == "event_date":
            record["f"][name] = "2020-01-0" + str(1 + target_pick % 9)
        elif name == "kind":
            record["f"][name] = ["admitted", "transfer_in_official", "expelled"][target_pick % 3]
        else:
            record["f"][name] = text
        records.append(record)
    return records


def _sign(branch, committee_card, records) -> bytes:
    """A package as export_package seals it (real keys, real encryption), without its bookkeeping."""
    from handbook_desktop.services.sync import package

    _STATE["sequence"] = _STATE.get("sequence", 100) + 1
    counts: dict[str, int] = {}
    for record in records:
        counts[record["t"]] = counts.get(record["t"], 0) + 1
    manifest = {"package_id": str(_uuid.uuid4()), "kind": "changes", "sender": BRANCH_A, "recipient": COMMITTEE,
                "sender_key": branch.keyring.active_id, "recipient_key": committee_card.key_id,
                "sequence": _STATE["sequence"], "previous": None, "acknowledged": 0, "schema": _STATE["schema"],
                "app_version": "test", "created_at": "2026-11-01T00:00:00+00:00", "counts": counts}
    plain = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records).encode("utf-8")
    return package.build(manifest, plain, branch.keyring, committee_card.box_public)[0]


class _RollBack(Exception):
    pass


@settings(max_examples=1000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=PACKAGES)
def test_no_row_outside_the_senders_scope_ever_changes(_sync_templates, tmp_path_factory, edits):
    """Each package goes through the importer's own steps (open: signature, decryption, format;
    plan; scope; write) inside one transaction that is then rolled back, so that 1,000 examples
    fit in CI time; the sequence, the receipt and the backup around them are tested elsewhere."""
    from handbook_desktop.services.sync.importer import _outside_scope, _planner, open_package
    from handbook_desktop.services.sync.keys import latest_peer_key
    from handbook_desktop.services.sync.merge import Writer
    from handbook_desktop.services.sync.package import PackageRefused

    if "folder" not in _STATE:
        _STATE["folder"] = tmp_path_factory.mktemp("scope")
    sites = _world(_sync_templates, _STATE["folder"])
    committee, branch_a = sites[COMMITTEE], sites[BRANCH_A]
    if "rows" not in _STATE:
        from handbook_desktop.store.migrate import head_revision

        _STATE["rows"] = _rows(committee)
        _STATE["protected"] = _protected(_STATE["rows"])
        _STATE["schema"] = head_revision()
        with branch_a.database.read() as session:
            _STATE["card"] = latest_peer_key(session, COMMITTEE)
            session.expunge(_STATE["card"])
        with committee.database.read() as session:
            _STATE["before"] = _raw(session)
    rows, protected, before = _STATE["rows"], _STATE["protected"], _STATE["before"]
    records = _forge_records(rows, edits)
    if not records:
        return
    data = _sign(branch_a, _STATE["card"], records)
    try:
        with committee.database.immediate() as session:
            session.info["keep_versions"] = True
            opened = open_package(session, committee.keyring, data)
            planner = _planner(session, BRANCH_A)
            plans = planner.plan(opened.body)
            try:
                refused = bool(_outside_scope(session, BRANCH_A, plans))
            except PackageRefused:
                refused = True  # a loop of units: refused before anything is written
            if not refused:
                for _done in Writer(planner, opened.manifest["package_id"]).apply(plans):
                    pass
                session.flush()
            after = _raw(session)
            _check(before, after, protected, records, refused)
            raise _RollBack
    except _RollBack:
        pass


def _check(before, after, protected, records, refused) -> None:
    story = json.dumps(records, ensure_ascii=False)[:600]
    if refused:
        assert after == before, "a refused package wrote something: " + story
        return
    for table, uuid in protected:
        assert after[table].get(uuid) == before[table][uuid], (table, uuid, story)
    for table, by_uuid in after.items():
        for uuid in by_uuid.keys() - before[table].keys():
            assert _new_row_owner(after, table, uuid) == BRANCH_A, (table, uuid, story)


def _new_row_owner(after, table: str, uuid: str, depth: int = 0) -> str | None:
    """Owner of a row written by the package, followed by column values (ids) inside the transaction."""
    from handbook_desktop.services.sync.tables import table_by_name

    tables = table_by_name()
    item = tables[table]
    if table == "unit" or not item.unit_path or depth > 10:
        return None
    column, target = item.unit_path[0]
    names = list(item.table.c.keys())
    values = dict(zip(names, after[table][uuid]))
    target_names = list(tables[target].table.c.keys())
    for target_uuid, target_values in after[target].items():
        mapped = dict(zip(target_names, target_values))
        if mapped["id"] == values[column]:
            if target == "unit":
                return mapped["code"]
            return _new_row_owner(after, target, target_uuid, depth + 1)
    return None
