"""Change capture: which rows a package to one peer carries.

A row travels when its version differs from the version the peer last acknowledged (``sync_row``),
so a lost package's changes ride along in the next one until a receipt arrives. A full snapshot
carries every row in scope. Going up, a branch sends every row of the tables that travel up;
going down, a committee sends what belongs to that branch (rows leading to its unit by foreign
keys, their children, a row that has just left it), the units they point at, and the rules.
Rows with an open conflict wait until a person resolves it.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.sync.tables import BOOKKEEPING, SyncedTable, synced_tables, to_json
from handbook_desktop.store.models import SyncConflict, SyncPeer, SyncRow, Unit

CHUNK = 500
BATCH = 2000  # records serialised, sealed and remembered together (issue 18 §2)


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def serialise(item: SyncedTable, row, id_to_uuid: dict[str, dict[int, str]]) -> dict:
    """A row as travelling JSON: foreign keys as the referenced row's uuid."""
    table = item.table
    fields = {}
    for name in item.columns:
        if name in ("uuid", "version"):
            continue
        value = row._mapping[name]
        target = item.fks.get(name)
        if target is not None:
            fields[name] = None if value is None else id_to_uuid[target].get(value)
        else:
            fields[name] = to_json(table.c[name], value)
    return {"t": item.name, "u": row._mapping["uuid"], "v": row._mapping["version"], "f": fields}


class UuidMaps(dict):
    """id → uuid per table, loaded on first use."""

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def __missing__(self, name: str) -> dict[int, str]:
        table = {item.name: item for item in synced_tables()}[name].table
        mapping = dict(self.session.execute(select(table.c.id, table.c.uuid)).all())
        self[name] = mapping
        return mapping


class IdMap(dict):
    """id → uuid of one table, read from the database as asked (``load`` for many at once): an
    import asks for the rows it meets, not the whole table (issue 18 §2)."""

    def __init__(self, session: Session, table):
        super().__init__()
        self.session, self.table = session, table

    def load(self, ids) -> None:
        missing = [row_id for row_id in set(ids) if row_id is not None and not dict.__contains__(self, row_id)]
        for chunk in _chunks(missing):
            for row_id, row_uuid in self.session.execute(
                    select(self.table.c.id, self.table.c.uuid).where(self.table.c.id.in_(chunk))):
                dict.__setitem__(self, row_id, row_uuid)
        for row_id in missing:
            dict.setdefault(self, row_id, None)  # not there: asked once

    def get(self, row_id, default=None):
        if row_id is None:
            return default
        if not dict.__contains__(self, row_id):
            self.load([row_id])
        value = dict.get(self, row_id)
        return default if value is None else value

    def __missing__(self, row_id):
        raise KeyError(row_id)


class IdMaps(dict):
    """``UuidMaps`` for an import: each table's map holds only the ids asked for; ``forget`` lets
    them go after a run (but the units', which are few and asked for by every run)."""

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def __missing__(self, name: str) -> IdMap:
        table = {item.name: item for item in synced_tables()}[name].table
        mapping = self[name] = IdMap(self.session, table)
        return mapping

    def forget(self) -> None:
        for name in [name for name in self if name != "unit"]:
            del self[name]


def _was_theirs(state: SyncRow | None, column: str, unit_uuid: str) -> bool:
    """The peer last agreed (or was last sent) that this row is in its unit."""
    if state is None:
        return False
    for text in (state.data_json, state.sent_json):
        if text and json.loads(text).get(column) == unit_uuid:
            return True
    return False


def _subtree(session: Session, unit_uuid: str) -> tuple[set[int], set[str]]:
    """Ids and codes of a unit and the units under it (a loop stops at the first repeat)."""
    rows = list(session.execute(select(Unit.id, Unit.uuid, Unit.code, Unit.parent_id)))
    children: dict[int, list[int]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row.id)
    codes = {row.id: row.code for row in rows}
    stack = [row.id for row in rows if row.uuid == unit_uuid]
    ids: set[int] = set()
    while stack:
        unit_id = stack.pop()
        if unit_id not in ids:
            ids.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return ids, {codes[unit_id] for unit_id in ids}


def _scope_ids(session: Session, unit_uuid: str, states: dict[str, SyncRow] | None) -> dict[str, set[int] | None]:
    """Row ids per table that a child branch is entitled to (``None``: every row of the table).

    Its own rows (foreign keys lead to its unit) and their children; the rules and calendars of the
    whole organisation; and a row that has just left it (a member transferred away), once, until the
    branch acknowledges the move. Nothing else: a row does not enter a branch's scope because the
    branch once sent or mentioned it (the committee holds every branch's personal data).

    Going up (``states`` None) the same rule picks what a branch sends: only the rows its own unit
    owns, so a record it keeps of a member who moved away never reaches outside its scope."""
    unit_ids, unit_codes = _subtree(session, unit_uuid)
    scope: dict[str, set[int] | None] = {}
    for item in synced_tables():
        if item.name == "unit":
            continue
        table = item.table
        fk_columns = [name for name, target in item.fks.items() if target != item.name]
        if not item.unit_path and not any(item.fks[name] in scope for name in fk_columns):
            if item.ownership.down_only:
                scope[item.name] = None  # a table of the whole organisation (rules, calendar)
                continue
            # Not tied to a unit (a number register): the rows of the unit whose code it carries.
            owner = item.ownership.owner_code if item.ownership.owner_code in table.c else "origin_unit"
            scope[item.name] = set(session.scalars(select(table.c.id).where(table.c[owner].in_(unit_codes))))
            continue
        path_column = item.unit_path[0][0] if item.unit_path else None
        columns = [table.c.id, table.c.uuid] + [table.c[name] for name in fk_columns]
        ids: set[int] = set()
        for row in session.execute(select(*columns)):
            values = row._mapping
            for name in fk_columns:
                target = item.fks[name]
                value = values[name]
                if value is None or name != path_column:
                    continue
                if target == "unit":
                    if value in unit_ids or (states is not None
                                             and _was_theirs(states.get(values["uuid"]), name, unit_uuid)):
                        ids.add(values["id"])
                elif scope.get(target) is not None and value in scope[target]:
                    ids.add(values["id"])
        scope[item.name] = ids
    return scope


def _versions(session: Session, peer_code: str, uuids: list[str]) -> dict[str, int | None]:
    """The version the peer acknowledged for each of these rows (one batch, not the whole table)."""
    found: dict[str, int | None] = {}
    for chunk in _chunks(uuids):
        found.update(session.execute(select(SyncRow.row_uuid, SyncRow.version).where(
            SyncRow.peer_code == peer_code, SyncRow.row_uuid.in_(chunk))).all())
    return found


def _row_batches(session: Session, table, ids: set[int] | None, size: int) -> Iterable[list]:
    """The rows of a table (all, or those ids), a batch at a time, in id order."""
    query = select(table)
    if ids is not None:
        ordered = sorted(ids)
        for start in range(0, len(ordered), size):
            rows = []
            for chunk in _chunks(ordered[start:start + size]):
                rows.extend(session.execute(query.where(table.c.id.in_(chunk))))
            yield rows
        return
    last = None
    while True:  # keyset pages: no cursor held open across the batch's other statements
        page = query if last is None else query.where(table.c.id > last)
        rows = list(session.execute(page.order_by(table.c.id).limit(size)))
        if not rows:
            return
        yield rows
        last = rows[-1]._mapping["id"]


def capture_batches(session: Session, peer: SyncPeer, *, full: bool, size: int | None = None) -> Iterable[list[dict]]:
    """The records for ``peer``, a batch at a time, each with ``b`` (the version the peer last
    acknowledged). Going up (the big case: a committee's whole register to the city) nothing grows
    with the number of rows but the id sets of the scope; going down the units come first, so a
    branch's records are gathered before they are given out (a branch's scope is small)."""
    size = size or BATCH
    going_down = peer.relation == "child"
    states = ({row.row_uuid: row for row in session.scalars(select(SyncRow).where(
        SyncRow.peer_code == peer.unit_code))} if going_down else None)
    held = set(session.scalars(select(SyncConflict.row_uuid).where(
        SyncConflict.peer_code == peer.unit_code, SyncConflict.resolved_at.is_(None))))
    maps = UuidMaps(session)
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if going_down:
        scope = _scope_ids(session, peer.unit_uuid, states)
        issuers_above: set[str] = {peer.unit_code}
    else:
        scope = _scope_ids(session, home.uuid, None)
        issuers_above = _codes_above(session, home)
        # The units under ours first (parents before children), so the level above sees every branch.
        unit_states = {row.row_uuid: row for row in session.scalars(select(SyncRow).where(
            SyncRow.peer_code == peer.unit_code, SyncRow.table_name == "unit"))}
        units = _units_below(session, home, unit_states, maps, full)
        for record in units:
            state = unit_states.get(record["u"])
            record["b"] = state.version if state is not None else None
        if units:
            yield units
    waiting: list[dict] = []
    needed_units: set[int] = set()
    for item in synced_tables():
        if item.name == "unit":
            continue
        if item.ownership.down_only and not going_down:
            continue
        issued_above = item.ownership.issuer_owns_row and not going_down
        for rows in _row_batches(session, item.table, scope.get(item.name), size):
            rows = [row for row in rows if row._mapping["uuid"] not in held and not (
                issued_above and row._mapping["origin_unit"] in issuers_above)]  # a decision issued above stays theirs
            if states is not None:
                versions = {row._mapping["uuid"]: states[row._mapping["uuid"]].version for row in rows
                            if row._mapping["uuid"] in states}
            else:
                versions = _versions(session, peer.unit_code, [row._mapping["uuid"] for row in rows])
            records = []
            for row in rows:
                values = row._mapping
                version = versions.get(values["uuid"])
                if not full and values["uuid"] in versions and version == values["version"]:
                    continue
                record = serialise(item, row, maps)
                record["b"] = version
                records.append(record)
                for name, target in item.fks.items():
                    if target == "unit" and values[name] is not None:
                        needed_units.add(values[name])
            if going_down:
                waiting.extend(records)
            elif records:
                yield records
    if going_down:
        units = _units_for(session, peer, needed_units, states, maps, full)
        for record in units:
            state = states.get(record["u"])
            record["b"] = state.version if state is not None else None
        everything = units + waiting
        for start in range(0, len(everything), size):
            yield everything[start:start + size]


def capture(session: Session, peer: SyncPeer, *, full: bool) -> tuple[list[dict], dict[str, dict]]:
    """Every record for ``peer`` at once and the agreed states (tests and small callers)."""
    records = [record for batch in capture_batches(session, peer, full=full) for record in batch]
    states = {row.row_uuid: row for row in session.scalars(select(SyncRow).where(SyncRow.peer_code == peer.unit_code))}
    return records, states


def _units_for(session, peer, needed: set[int], states, maps, full: bool) -> list[dict]:
    """The branch's own unit, our home unit, the units its rows point at, and their parents."""
    item = {entry.name: entry for entry in synced_tables()}["unit"]
    table = item.table
    by_id = {row._mapping["id"]: row for row in session.execute(select(table))}
    wanted = set(needed)
    for row in by_id.values():
        if row._mapping["uuid"] == peer.unit_uuid or row._mapping["is_home"]:
            wanted.add(row._mapping["id"])
    chain = set()
    for unit_id in wanted:
        while unit_id is not None and unit_id not in chain:
            chain.add(unit_id)
            unit_id = by_id[unit_id]._mapping["parent_id"] if unit_id in by_id else None

    def depth(unit_id: int) -> int:
        count = 0
        while by_id[unit_id]._mapping["parent_id"] is not None and count < 50:
            unit_id = by_id[unit_id]._mapping["parent_id"]
            count += 1
        return count

    records = []
    for unit_id in sorted(chain, key=lambda value: (depth(value), value)):
        row = by_id[unit_id]
        state = states.get(row._mapping["uuid"])
        if not full and state is not None and state.version == row._mapping["version"]:
            continue
        records.append(serialise(item, row, maps))
    return records


def _codes_above(session: Session, home: Unit) -> set[str]:
    """Codes of the units above ours (a loop stops at the first repeat)."""
    parent_of = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    found: set[str] = set()
    unit_id, seen = parent_of.get(home.id), {home.id}
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        found.add(codes[unit_id])
        unit_id = parent_of.get(unit_id)
    return found


def _units_below(session: Session, home: Unit, states, maps, full: bool) -> list[dict]:
    """Going up: the units under ours (the branches a committee placed), parents first, so that the
    level above sees every branch the records point at. Our own unit stays: the level above placed it."""
    item = {entry.name: entry for entry in synced_tables()}["unit"]
    table = item.table
    rows = {row._mapping["id"]: row for row in session.execute(select(table))}
    children: dict[int, list[int]] = {}
    for row in rows.values():
        if row._mapping["parent_id"] is not None:
            children.setdefault(row._mapping["parent_id"], []).append(row._mapping["id"])
    records, seen, level = [], {home.id}, sorted(children.get(home.id, []))
    while level:  # breadth first: a parent always comes before the units under it
        following = []
        for unit_id in level:
            if unit_id in seen:
                continue
            seen.add(unit_id)
            row = rows[unit_id]
            state = states.get(row._mapping["uuid"])
            if full or state is None or state.version != row._mapping["version"]:
                records.append(serialise(item, row, maps))
            following.extend(sorted(children.get(unit_id, [])))
        level = following
    return records


def agreed_fields(state: SyncRow | None) -> dict | None:
    if state is None or state.data_json is None:
        return None
    return json.loads(state.data_json)


def field_names(item: SyncedTable) -> list[str]:
    return [name for name in item.columns if name not in BOOKKEEPING or name == "deleted_at"]
