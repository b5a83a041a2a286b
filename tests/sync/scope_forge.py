"""What the three scope properties share (test_sync_scope_property, _down_property, _city_property).

Random edits of the receiver's or the sender's own rows (``PACKAGES``, ``forge_records``), sealed with
the sender's real key (``Exchange.sign``) and taken through the importer's own steps inside one
transaction that is rolled back (``Exchange.try_package``), so that hundreds of examples fit in CI
time; ``Exchange.holds`` checks one example: a refused package wrote nothing, no protected row
changed, and every new row is one the sender may make. Ownership is followed here by hand (``owner``, ``new_row_owner``),
independently of services/sync/scope*.py. A module name of its own, importable by the tests.
"""

from __future__ import annotations

import json
import uuid as _uuid
from datetime import date
from typing import Callable

from hypothesis import strategies as st
from sqlalchemy import select

from sync_sites import BRANCH_A, BRANCH_B, COMMITTEE, open_site
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


def committee_and_two_branches(templates, folder, names_a: list[str], names_b: list[str]):
    """The committee and branches CB-A, CB-B with these members and a meeting each, every branch's
    package taken in at the committee and its receipt back at the branch. Returns (sites, a, b)."""
    sites = {code: open_site(templates, code, folder) for code in (COMMITTEE, BRANCH_A, BRANCH_B)}
    committee, branch_a, branch_b = sites[COMMITTEE], sites[BRANCH_A], sites[BRANCH_B]
    a = add_members(branch_a, names_a)
    b = add_members(branch_b, names_b)
    meeting(branch_a, a)
    meeting(branch_b, b)
    for site in (branch_a, branch_b):
        site.receive(committee.receive(site.send(COMMITTEE)).receipts[0].data)
    return sites, a, b


def meeting(site, members):
    """A regular meeting of the site's home unit chaired by the first member, everyone present."""
    from handbook_desktop.store.models import Member, Unit
    from handbook_desktop.store.models.meetings import Meeting, MeetingAttendance

    with site.database.session() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        chair = session.scalars(select(Member).where(Member.uuid == members[0])).one()
        row = Meeting(unit_id=home.id, kind="regular", meeting_date=date(2026, 9, 5), topic="Thường kỳ",
                      chair_id=chair.id, origin_unit=site.code)
        session.add(row)
        session.flush()
        for uuid in members:
            member = session.scalars(select(Member).where(Member.uuid == uuid)).one()
            session.add(MeetingAttendance(meeting_id=row.id, member_id=member.id, origin_unit=site.code,
                                          member_status="official", attendance="present"))


def rows(site) -> dict[str, dict[str, dict]]:
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


def raw(session) -> dict[str, dict[str, tuple]]:
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


def unit_codes(rows) -> dict[str, str]:
    return {uuid: record["f"]["code"] for uuid, record in rows["unit"].items()}


def owner(rows, table: str, record: dict, units: dict[str, str], depth: int = 0) -> str | None:
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
    return None if parent is None else owner(rows, target, parent, units, depth + 1)


def new_row_owner(after, table: str, uuid: str, depth: int = 0) -> str | None:
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
            return new_row_owner(after, target, target_uuid, depth + 1)
    return None


def forge_records(rows, edits) -> list[dict]:
    """Travelling records made from ``rows`` with the edits drawn: a field changed (to text, a date, a
    status, a kind, or a foreign key pointing at any row), on a copy of an existing row or a new one."""
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


class _RollBack(Exception):
    pass


class Exchange:
    """Packages of one kind from ``sender`` to ``receiver``: the receiver's key card as the sender
    holds it, the schema, and every row the receiver held before the first package."""

    def __init__(self, sender, sender_code: str, receiver, receiver_code: str, kind: str) -> None:
        from handbook_desktop.services.sync.keys import latest_peer_key
        from handbook_desktop.store.migrate import head_revision

        self.sender, self.sender_code, self.receiver, self.receiver_code = sender, sender_code, receiver, receiver_code
        self.kind, self.sequence, self.schema = kind, 100, head_revision()
        with sender.database.read() as session:
            self.card = latest_peer_key(session, receiver_code)
            session.expunge(self.card)
        with receiver.database.read() as session:
            self.before = raw(session)

    def sign(self, records) -> bytes:
        """A package as export_package seals it (real keys, real encryption), without its bookkeeping."""
        from handbook_desktop.services.sync import package

        self.sequence += 1
        counts: dict[str, int] = {}
        for record in records:
            counts[record["t"]] = counts.get(record["t"], 0) + 1
        manifest = {"package_id": str(_uuid.uuid4()), "kind": self.kind, "sender": self.sender_code,
                    "recipient": self.receiver_code, "sender_key": self.sender.keyring.active_id,
                    "recipient_key": self.card.key_id, "sequence": self.sequence, "previous": None,
                    "acknowledged": 0, "schema": self.schema, "app_version": "test",
                    "created_at": "2026-11-01T00:00:00+00:00", "counts": counts}
        plain = "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records).encode("utf-8")
        return package.build(manifest, plain, self.sender.keyring, self.card.box_public)[0]

    def try_package(self, records) -> tuple[dict[str, dict[str, tuple]], bool]:
        """Sign ``records`` and take them through the importer's steps (open: signature, decryption,
        format; plan; scope; write) in a transaction that is rolled back. Returns every row as the
        transaction saw it after the write, and whether the package was refused whole; the sequence,
        the receipt and the backup around these steps are tested elsewhere."""
        from handbook_desktop.services.sync.importer import _outside_scope, _planner, open_package
        from handbook_desktop.services.sync.merge import Writer
        from handbook_desktop.services.sync.package import PackageRefused

        data = self.sign(records)
        try:
            with self.receiver.database.immediate() as session:
                session.info["keep_versions"] = True
                opened = open_package(session, self.receiver.keyring, data)
                planner = _planner(session, self.sender_code)
                plans = planner.plan(opened.body)
                try:
                    refused = bool(_outside_scope(session, self.sender_code, plans))
                except PackageRefused:
                    refused = True  # a loop of units: refused before anything is written
                if not refused:
                    for _done in Writer(planner, opened.manifest["package_id"]).apply(plans):
                        pass
                    session.flush()
                after = raw(session)
                raise _RollBack
        except _RollBack:
            pass
        return after, refused

    def holds(self, rows, edits, protected, new_row_fits: Callable[[dict, str, str], bool]) -> None:
        """The property for one example: the records forged from ``rows`` with ``edits`` (none made: nothing
        to check), tried as a package; a refused package wrote nothing; otherwise no ``protected`` (table,
        uuid) changed and every new row passes ``new_row_fits(after, table, uuid)``."""
        records = forge_records(rows, edits)
        if not records:
            return
        after, refused = self.try_package(records)
        story = json.dumps(records, ensure_ascii=False)[:600]
        if refused:
            assert after == self.before, "a refused package wrote something: " + story
            return
        for table, uuid in protected:
            assert after[table].get(uuid) == self.before[table][uuid], (table, uuid, story)
        for table, by_uuid in after.items():
            for uuid in by_uuid.keys() - self.before[table].keys():
                assert new_row_fits(after, table, uuid), (table, uuid, story)
