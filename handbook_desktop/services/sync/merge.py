"""Compare a package's records with this database (the dry run) and write them (the apply).

For each record: a new row is inserted; a row we have not changed since the sender's base is
brought up to the sender's version; otherwise a three-way merge against the state both sides
last agreed on: fields changed on one side merge, the same field changed on both sides goes to the
conflict queue. A sender may not change fields the other side owns (those are rejected, and our
value travels back). Versions are kept equal whenever the contents are equal, so nothing echoes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Index, UniqueConstraint, select
from sqlalchemy.orm import Session

from handbook_desktop.services.sync.capture import IdMaps, _chunks, serialise
from handbook_desktop.services.sync.convert import codec
from handbook_desktop.services.sync.tables import (
    BRANCH, COMMITTEE, FIELD_LABELS, RELAY, SENSITIVE, SHARED, BadValue, display_value, SyncedTable, from_json,
    table_by_name,
)
from handbook_desktop.services.sync.writer import Writer  # noqa: F401 (re-exported)
from handbook_desktop.services.sync.records import (  # noqa: F401 (re-exported)
    _LABEL_FIELDS, OUTCOMES, _label, _shape_problem, totals,
)
from handbook_desktop.store.models import SyncRow

OUTCOME_LABELS = {"new": "Mới", "changed": "Thay đổi", "unchanged": "Không đổi", "deleted": "Xóa",
                  "conflict": "Xung đột", "rejected": "Từ chối"}
_NOT_COMPARED = {"updated_at", "origin_unit"}


@dataclass
class RecordPlan:
    table: str
    uuid: str
    version: int
    outcome: str
    label: str = ""
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    conflicts: list[tuple[str, object, object, object]] = field(default_factory=list)
    reason: str | None = None
    merged: dict | None = None  # travelling JSON fields to write
    theirs: dict | None = None
    local_id: int | None = None
    adopt_uuid: bool = False
    new_version: int | None = None
    bumped: bool = False
    values: dict | None = None  # the columns of ``theirs`` as Python values (not foreign keys), for the writer

    def public(self, *, reveal: bool = False) -> dict:
        """For the preview and the JSON output: labels for codes, dd/mm/yyyy dates, masked numbers
        (``reveal``: CCCD and phone in full, asked for and audited by the caller)."""
        def shown(name, value):
            return display_value(name, value, reveal=reveal)

        return {
            "table": self.table, "uuid": self.uuid, "outcome": self.outcome,
            "outcome_label": OUTCOME_LABELS[self.outcome], "label": self.label, "reason": self.reason,
            "changes": [{"field": name, "field_label": FIELD_LABELS.get(name, name),
                         "old": shown(name, old), "new": shown(name, new)}
                        for name, old, new in self.changes],
            "conflicts": [{"field": name, "field_label": FIELD_LABELS.get(name, name),
                           "base": shown(name, base), "ours": shown(name, ours),
                           "theirs": shown(name, theirs)} for name, base, ours, theirs in self.conflicts],
            "sensitive": any(name in SENSITIVE for name, *_rest in (*self.changes, *self.conflicts)),
        }


_UNIQUE: dict[int, tuple[SyncedTable, list[tuple[str, ...]]]] = {}


def _unique_sets(item: SyncedTable) -> list[tuple[str, ...]]:
    found = _UNIQUE.get(id(item))
    if found is None:
        found = _UNIQUE[id(item)] = (item, _find_unique_sets(item))
    return found[1]


def _find_unique_sets(item: SyncedTable) -> list[tuple[str, ...]]:
    sets = []
    for constraint in item.table.constraints:
        if isinstance(constraint, UniqueConstraint):
            sets.append(tuple(column.name for column in constraint.columns))
    for index in item.table.indexes:
        if isinstance(index, Index) and index.unique:
            sets.append(tuple(column.name for column in index.columns))
    for column in item.table.columns:
        if column.unique:
            sets.append((column.name,))
    return [names for names in dict.fromkeys(sets) if names != ("uuid",)]


class Planner:
    def __init__(self, session: Session, peer_code: str, sender_side: str):
        self.session = session
        self.peer_code = peer_code
        self.sender_side = sender_side
        self.tables = table_by_name()
        self.maps = IdMaps(session)
        self.incoming: dict[str, set[str]] = {}
        self.member_names: dict[str, str] = {}
        self.refused: set[str] = set()  # incoming rows refused: their children cannot follow

    def allowed(self, item: SyncedTable, name: str, ours=None) -> bool:
        owner = item.ownership.owner if name == "deleted_at" else item.ownership.owner_of(name)
        if self.sender_side == BRANCH and ours in dict(item.ownership.committee_values).get(name, ()):
            return False  # a decision only the committee lifts (expulsion, removal, official transfer out)
        if self.sender_side == RELAY or (item.ownership.tree and self.sender_side != COMMITTEE):
            return True  # scope.py has checked that the row is under the sender
        return owner == SHARED or owner == self.sender_side

    def owned_by_sender(self, item: SyncedTable, name: str) -> bool:
        owner = item.ownership.owner if name == "deleted_at" else item.ownership.owner_of(name)
        if self.sender_side == RELAY:
            return owner == BRANCH  # forwarded from the branch that owns it; its decisions meet ours
        return owner == self.sender_side

    def plan(self, records: list[dict]) -> list[RecordPlan]:
        by_table: dict[str, list[dict]] = {}
        plans: list[RecordPlan] = []
        seen: set[str] = set()
        for record in records:
            problem = _shape_problem(record)
            if problem is None and record["u"] in seen:
                problem = "Bản ghi lặp lại trong cùng một gói."
            if problem is not None:
                table = record.get("t") if isinstance(record, dict) else None
                uuid = record.get("u") if isinstance(record, dict) else None
                plans.append(RecordPlan(str(table)[:60], str(uuid)[:36], 0, "rejected", reason=problem))
                continue
            seen.add(record["u"])
            by_table.setdefault(record["t"], []).append(record)
            if record["t"] in self.tables:
                self.incoming.setdefault(record["t"], set()).add(record["u"])
        self.member_names = {r["u"]: r["f"]["full_name"] for r in by_table.get("member", [])
                             if isinstance(r["f"].get("full_name"), str)}
        self._local_member_names(records)
        for name, items in by_table.items():
            if name not in self.tables:
                plans.extend(RecordPlan(str(name), str(r.get("u")), 0, "rejected",
                                        reason="Loại dữ liệu không có ở phiên bản chương trình này.") for r in items)
        for item in self.tables.values():
            if item.name in by_table:
                plans.extend(self._plan_table(item, by_table[item.name]))
        return plans

    def _local_member_names(self, records: list[dict]) -> None:
        wanted = {value for r in records if isinstance(r.get("f"), dict) and r.get("t") != "member"
                  for key, value in r["f"].items() if key.startswith("member") and isinstance(value, str)}
        wanted -= set(self.member_names)
        member = self.tables.get("member")
        if member is None:
            return
        table = member.table
        for chunk in _chunks(sorted(wanted)):
            for row_uuid, full_name in self.session.execute(
                    select(table.c.uuid, table.c.full_name).where(table.c.uuid.in_(chunk))):
                self.member_names[row_uuid] = full_name

    def _plan_table(self, item: SyncedTable, records: list[dict]) -> list[RecordPlan]:
        table = item.table
        uuids = [record.get("u") for record in records]
        local = {}
        for chunk in _chunks(uuids):
            for row in self.session.execute(select(table).where(table.c.uuid.in_(chunk))):
                local[row._mapping["uuid"]] = row
        for name, target in item.fks.items():  # our rows' references as uuids, read together
            self.maps[target].load(row._mapping[name] for row in local.values())
        states = {}
        for chunk in _chunks(uuids):
            for state in self.session.scalars(select(SyncRow).where(
                    SyncRow.peer_code == self.peer_code, SyncRow.row_uuid.in_(chunk))):
                states[state.row_uuid] = state
        self._preload_fks(item, records)
        normalised = []  # every record converted once, so the unique keys of the run are looked up together
        convert = codec(item)
        for record in records:
            try:
                normalised.append(convert.normalise(record["f"]) if isinstance(record.get("f"), dict) else None)
            except BadValue as error:
                normalised.append(error)
        self._prefetch_unique(item, [pair[0] for pair in normalised if isinstance(pair, tuple)])
        plans = []
        for record, pair in zip(records, normalised):
            plan = self._plan_one(item, record, local.get(record.get("u")), states.get(record.get("u")), pair)
            if plan.outcome == "rejected" and plan.local_id is None:
                self.refused.add(plan.uuid)
            plans.append(plan)
        return plans

    def _preload_fks(self, item: SyncedTable, records: list[dict]) -> None:
        for name, target in item.fks.items():
            self.resolve(target, {r["f"].get(name) for r in records if isinstance(r["f"].get(name), str)})

    def resolve(self, target: str, uuids: set[str]) -> None:
        index = self.uuid_index(target)
        missing = [value for value in uuids if value not in index and isinstance(value, str)]
        table = self.tables[target].table
        for chunk in _chunks(missing):
            for row_id, row_uuid in self.session.execute(select(table.c.id, table.c.uuid).where(table.c.uuid.in_(chunk))):
                index[row_uuid] = row_id

    def uuid_index(self, target: str) -> dict[str, int]:
        key = "_uuid_" + target
        if key not in self.__dict__:
            self.__dict__[key] = {}
        return self.__dict__[key]

    def _normalise(self, item: SyncedTable, fields: dict) -> dict:
        """Incoming JSON checked against the column types and brought to our canonical form."""
        return codec(item).normalise(fields)[0]

    def _prefetch_unique(self, item: SyncedTable, rows: list[dict]) -> None:
        """The rows already holding the unique keys these records bring, one query per key and
        chunk instead of one per record (``_unique_clash`` asks this set)."""
        known = self.__dict__.setdefault("_known_keys", {})
        table = item.table
        for names in _unique_sets(item):
            key_values = set()
            for theirs in rows:
                values = self._key_values(item, names, theirs)
                if values is not None:
                    key_values.add(values[0])
            found = set()
            columns = [table.c[name] for name in names]
            for chunk in _chunks(list(key_values)):
                found.update(tuple(row) for row in self.session.execute(select(*columns).where(columns[0].in_(chunk))))
            known[(item.name, names)] = found

    def _key_values(self, item: SyncedTable, names: tuple[str, ...], theirs: dict) -> tuple | None:
        """A unique key's values as stored (our ids for foreign keys); None when one is missing."""
        values = []
        for name in names:
            value = theirs.get(name)
            if name in item.fks:
                value = self.uuid_index(item.fks[name]).get(value)
            elif value is not None:
                value = from_json(item.table.c[name], value)
            if value is None:
                return None
            values.append(value)
        return tuple(values)

    def _plan_one(self, item: SyncedTable, record: dict, row, state: SyncRow | None, normalised=None) -> RecordPlan:
        uuid, version = record.get("u"), record.get("v")
        if not isinstance(uuid, str) or not isinstance(version, int) or not isinstance(record.get("f"), dict):
            return RecordPlan(item.name, str(uuid), 0, "rejected", reason="Bản ghi không đúng định dạng.")
        plan = RecordPlan(item.name, uuid, version, "unchanged")
        try:
            if isinstance(normalised, BadValue):
                raise normalised
            theirs, values = normalised if normalised is not None else codec(item).normalise(record["f"])
        except BadValue as error:
            plan.outcome, plan.reason = "rejected", f"Giá trị không hợp lệ ở trường {FIELD_LABELS.get(str(error), str(error))}."
            return plan
        plan.theirs = theirs
        plan.label = _label(theirs, item, uuid, self.member_names)
        if item.ownership.down_only and not item.ownership.tree and self.sender_side != COMMITTEE:
            plan.outcome, plan.reason = "rejected", f"Chỉ cấp ủy cấp trên mới gửi được {item.label.lower()}."
            return plan
        missing = self._missing_references(item, theirs)
        if missing:
            plan.outcome = "rejected"
            plan.reason = f"Thiếu bản ghi liên quan ({', '.join(FIELD_LABELS.get(n, n) for n in missing)}) ở máy nhận."
            return plan
        if row is None:
            row = self._adopt(item, theirs)
            plan.adopt_uuid = row is not None
            if row is not None:
                self.uuid_index(item.name)[uuid] = row._mapping["id"]
        if row is None:
            clash = self._unique_clash(item, theirs)
            if clash:
                plan.outcome, plan.reason = "rejected", f"Trùng với một bản ghi đã có ({clash})."
                return plan
            absent = codec(item).absent(theirs)
            if absent:
                plan.outcome, plan.reason = "rejected", f"Thiếu trường bắt buộc: {', '.join(absent)}."
                return plan
            plan.outcome = "deleted" if theirs.get("deleted_at") else "new"
            plan.merged, plan.new_version, plan.values = dict(theirs), version, values
            return plan
        return self._plan_existing(item, record, row, state, plan)

    def _missing_references(self, item: SyncedTable, fields: dict) -> list[str]:
        missing = []
        for name, target in item.fks.items():
            value = fields.get(name)
            if value is None:
                continue
            if value in self.uuid_index(target):
                continue
            if value not in self.incoming.get(target, ()) or value in self.refused:
                missing.append(name)
        return missing

    def _adopt(self, item: SyncedTable, theirs: dict):
        keys = item.ownership.natural_key
        if not keys or any(theirs.get(name) is None for name in keys):
            return None
        table = item.table
        condition = [table.c[name] == from_json(table.c[name], theirs[name]) for name in keys]
        return self.session.execute(select(table).where(*condition)).first()

    def _unique_clash(self, item: SyncedTable, theirs: dict, exclude_id: int | None = None) -> str | None:
        """A unique set of columns already held by another row, here or earlier in this package."""
        table = item.table
        claimed = self.__dict__.setdefault("_claimed", set())
        known = self.__dict__.get("_known_keys", {})
        for names in _unique_sets(item):
            values = self._key_values(item, names, theirs)
            if values is None:
                continue
            key = (item.name, names, tuple(str(theirs.get(name)) for name in names))
            if key in claimed:
                return ", ".join(FIELD_LABELS.get(name, name) for name in names)
            if exclude_id is None and (item.name, names) in known:
                held = values in known[(item.name, names)]
            else:
                condition = [table.c[name] == value for name, value in zip(names, values)]
                if exclude_id is not None:
                    condition.append(table.c.id != exclude_id)
                held = self.session.execute(select(table.c.id).where(*condition)).first() is not None
            if held:
                return ", ".join(FIELD_LABELS.get(name, name) for name in names)
            claimed.add(key)
        return None

    def _plan_existing(self, item, record, row, state, plan: RecordPlan) -> RecordPlan:
        ours = serialise(item, row, self.maps)["f"]
        local_version = row._mapping["version"]
        plan.local_id = row._mapping["id"]
        theirs = plan.theirs
        base_version = record.get("b")
        # A twin found by natural key (shipped rules, a unit set up at both ends) takes the sender's copy.
        ours_unchanged = plan.adopt_uuid or (base_version is not None and base_version == local_version) or (
            state is not None and state.version == local_version)
        base = None
        if not ours_unchanged:
            if state is not None and state.data_json is not None:
                base = json.loads(state.data_json)
            elif state is not None and state.sent_json is not None and state.sent_version == base_version:
                base = json.loads(state.sent_json)
        merged = dict(ours)
        rejected = []
        for name, value in theirs.items():
            if name in _NOT_COMPARED or value == ours.get(name):
                continue
            if ours_unchanged:
                take, conflict = True, False
            elif base is None:
                take, conflict = False, True
            else:
                they_changed = value != base.get(name)
                we_changed = ours.get(name) != base.get(name)
                if not they_changed:
                    continue
                take, conflict = not we_changed, we_changed
            if not self.allowed(item, name, ours.get(name)):
                rejected.append(name)
                continue
            if conflict and self.owned_by_sender(item, name):
                # Ownership decides: the owner's value wins, shown in the preview as a change.
                conflict, take = False, True
            if conflict:
                plan.conflicts.append((name, None if base is None else base.get(name), ours.get(name), value))
            elif take:
                merged[name] = value
                plan.changes.append((name, ours.get(name), value))
        changed = {name for name, _old, _new in plan.changes}
        clash = changed and any(changed & set(names) for names in _unique_sets(item)) and self._unique_clash(
            item, merged, exclude_id=plan.local_id)
        if clash:  # taking the change would break a unique rule: nothing of this record is written
            plan.changes, plan.conflicts, plan.outcome = [], [], "rejected"
            plan.reason, plan.merged, plan.bumped = f"Trùng với một bản ghi đã có ({clash}).", None, False
            return plan
        if plan.changes:
            merged["updated_at"] = theirs.get("updated_at") or ours.get("updated_at")
        plan.merged = merged
        if rejected:
            labels = ", ".join(FIELD_LABELS.get(name, name) for name in rejected)
            side = "chi bộ" if self.sender_side == COMMITTEE else "cấp ủy"
            plan.reason = f"Không nhận thay đổi ở trường do {side} quản lý: {labels}."
        if plan.conflicts:
            plan.outcome = "conflict"
        elif plan.changes:
            plan.outcome = "deleted" if theirs.get("deleted_at") and not ours.get("deleted_at") else "changed"
        elif rejected:
            plan.outcome = "rejected"
        else:
            plan.outcome = "unchanged"
        # Equal contents keep equal versions; anything of ours the sender lacks gets a newer one.
        differs = any(merged.get(name) != value for name, value in theirs.items() if name not in _NOT_COMPARED)
        plan.bumped = bool(plan.conflicts or rejected or differs)
        plan.new_version = max(local_version, plan.version) + (1 if plan.bumped else 0)
        return plan
