"""Ownership per unit: what a package from one branch may touch at its committee.

Every synced row has an owning unit: the unit its foreign keys lead to (a member's unit, a
meeting's unit, an attendance's meeting's unit …), or, for a table not tied to a unit, the unit
code written on the row (``Ownership.owner_code``). A package from branch U may create, change or
delete only rows owned by U or a unit under U, may point only at such rows, and may not touch the
committee's own records (events it issued, values only it decides, its tables of the whole
organisation; a value only the committee lifts is refused field by field in merge.py, like the
committee's other fields). One record outside that scope refuses the whole package: the committee is where
every branch's personal data meets, and a package that reaches for another branch's is not one
to take in part.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.sync.capture import UuidMaps, _chunks
from handbook_desktop.services.sync.merge import _LABEL_FIELDS, RecordPlan, _label
from handbook_desktop.services.sync.tables import TABLE_LABELS, table_by_name
from handbook_desktop.store.models import SyncPeer, Unit

_TOUCHING = {"new", "changed", "deleted", "conflict", "rejected"}


@dataclass
class Violation:
    table: str
    uuid: str
    label: str
    reason: str

    def plan(self) -> RecordPlan:
        return RecordPlan(self.table, self.uuid, 0, "rejected", label=self.label, reason=self.reason)


def _subtree_ids(top: int | None, children: dict[int, list[int]]) -> set[int]:
    """A unit and the units under it (a loop cannot run forever: seen ids stop)."""
    found: set[int] = set()
    stack = [top] if top is not None else []
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


class BranchScope:
    """The rows a child branch owns at this committee, asked row by row (answers are cached)."""

    def __init__(self, session: Session, peer: SyncPeer, home: Unit):
        self.session = session
        self.peer = peer
        self.home = home
        self.tables = table_by_name()
        units = list(session.execute(select(Unit.id, Unit.uuid, Unit.code, Unit.parent_id)))
        self.unit_code = {row.id: row.code for row in units}
        self.unit_id_of = {row.uuid: row.id for row in units}
        children: dict[int, list[int]] = {}
        for row in units:
            if row.parent_id is not None:
                children.setdefault(row.parent_id, []).append(row.id)
        self._children = children
        self.own_units = _subtree_ids(self.unit_id_of.get(peer.unit_uuid), children)
        self.own_codes = {self.unit_code[unit_id] for unit_id in self.own_units}
        self.unit_uuid_of = {row.id: row.uuid for row in units}
        self.parent_uuid_of = {row.uuid: self.unit_uuid_of.get(row.parent_id) for row in units}
        above, unit_id = set(), home.id
        while unit_id is not None and unit_id not in above:  # our unit and the units above it
            above.add(unit_id)
            unit_id = next((row.parent_id for row in units if row.id == unit_id), None)
        self.issuers_above = {self.unit_code[unit_id] for unit_id in above}
        self.maps = UuidMaps(session)
        self.incoming: dict[tuple[str, str], dict] = {}
        self._local: dict[tuple[str, str], dict | None] = {}

    # --- who owns a row ------------------------------------------------------------------------

    def _columns(self, item):
        table = item.table
        names = ["uuid", "version", "origin_unit", *item.fks, item.ownership.owner_code, *_LABEL_FIELDS,
                 *(name for name in table.c.keys() if name.endswith("date")),
                 *(name for name, _values in item.ownership.committee_values)]
        return [table.c[name] for name in dict.fromkeys(names) if name in table.c]

    def _as_fields(self, item, row) -> dict:
        values = {name: value.isoformat() if hasattr(value, "isoformat") else value
                  for name, value in row._mapping.items()}
        for name, target in item.fks.items():  # local ids as uuids, like a travelling record
            if values.get(name) is not None:
                values[name] = self.maps[target].get(values[name])
        return values

    def _preload(self, plans: list[RecordPlan]) -> None:
        wanted: dict[str, list[str]] = {}
        for plan in plans:
            if plan.table in self.tables and (plan.table, plan.uuid) not in self._local:
                wanted.setdefault(plan.table, []).append(plan.uuid)
        for name, uuids in wanted.items():
            item = self.tables[name]
            for chunk in _chunks(uuids):
                for row in self.session.execute(select(*self._columns(item)).where(item.table.c.uuid.in_(chunk))):
                    self._local[(name, row._mapping["uuid"])] = self._as_fields(item, row)
            for uuid in uuids:
                self._local.setdefault((name, uuid), None)

    def _local_row(self, table: str, uuid: str) -> dict | None:
        key = (table, uuid)
        if key not in self._local:
            item = self.tables[table]
            row = self.session.execute(select(*self._columns(item)).where(item.table.c.uuid == uuid)).first()
            self._local[key] = None if row is None else self._as_fields(item, row)
        return self._local[key]

    def plan_local(self, plan: RecordPlan) -> dict | None:
        """Our row a record lands on: by uuid, or the twin found by natural key (a unit's code)."""
        local = self._local_row(plan.table, plan.uuid)
        if local is None and plan.local_id is not None:
            item = self.tables[plan.table]
            row = self.session.execute(select(*self._columns(item)).where(item.table.c.id == plan.local_id)).first()
            local = None if row is None else self._as_fields(item, row)
        return local

    def unit_chain(self, uuid: str | None) -> list[str]:
        """A unit's uuid and the uuids above it as they will be after this package (stops at a loop)."""
        chain: list[str] = []
        while uuid is not None and uuid not in chain and len(chain) < 64:
            chain.append(uuid)
            incoming = self.incoming.get(("unit", uuid))
            uuid = incoming.get("parent_id") if incoming is not None else self.parent_uuid_of.get(uuid)
        return chain

    def owner(self, table: str, fields: dict | None, depth: int = 0) -> str | None:
        """Code of the unit owning a row with these travelling fields (None: nobody / unknown)."""
        if fields is None or depth > 20:
            return None
        item = self.tables[table]
        if table == "unit":
            unit_id = self.unit_id_of.get(fields.get("uuid"))
            return self.unit_code.get(unit_id) if unit_id is not None else fields.get("code")
        if not item.unit_path:
            return fields.get(item.ownership.owner_code) or None
        column, target = item.unit_path[0]
        value = fields.get(column)
        if value is None:
            return None
        if target == "unit":
            unit_id = self.unit_id_of.get(value)
            if unit_id is not None:
                return self.unit_code.get(unit_id)
            incoming = self.incoming.get(("unit", value))  # a unit arriving with the rows under it
            return incoming.get("code") if incoming is not None else None
        return self.owner(target, self.fields_of(target, value), depth + 1)

    def fields_of(self, table: str, uuid: str) -> dict | None:
        """The row as it will be after this package: its incoming merged fields, else ours."""
        incoming = self.incoming.get((table, uuid))
        if incoming is not None:
            return incoming
        return self._local_row(table, uuid)

    def owns(self, code: str | None) -> bool:
        return code is not None and code in self.own_codes

    # --- the check ------------------------------------------------------------------------------

    def check(self, plans: list[RecordPlan]) -> list[Violation]:
        self._preload(plans)
        for plan in plans:
            if plan.table in self.tables and plan.merged is not None:
                self.incoming[(plan.table, plan.uuid)] = {**plan.merged, "uuid": plan.uuid}
        for (table, uuid), fields in self.incoming.items():  # units the sender places under itself
            if table == "unit" and uuid != self.peer.unit_uuid and self.peer.unit_uuid in self.unit_chain(uuid):
                if uuid not in self.unit_id_of and isinstance(fields.get("code"), str):
                    self.own_codes.add(fields["code"])
        found = []
        for plan in plans:
            if plan.table not in self.tables or plan.theirs is None:
                continue  # refused on its own already (shape, unknown table)
            reason = self._reason(plan)
            if reason:
                local = self.plan_local(plan)
                label = plan.label if local is None else _label(local, self.tables[plan.table], plan.uuid)
                found.append(Violation(plan.table, plan.uuid, label, reason))
        return found

    def _sender(self) -> str:
        return f"chi bộ {self.peer.unit_code}" if self.peer.level == "chi-bo" else f"đơn vị {self.peer.unit_code}"

    def touching(self, plan: RecordPlan, local: dict | None) -> bool:
        # An "unchanged" record still writes when it carries a higher version: that is a touch too.
        touching = plan.outcome in _TOUCHING or (local is not None and plan.new_version != local.get("version"))
        return touching and plan.merged is not None  # else unchanged, or refused on its own

    def _unit_reason(self, plan: RecordPlan, label: str, sender: str) -> str | None:
        """Units go up only from a committee, and only those under it: it may add a branch under
        itself and rename or move one within its own tree, never touch its own place or anyone else's."""
        if self.peer.level == "chi-bo":
            return f"{label}: chỉ cấp ủy cấp trên gửi được, {sender} không được gửi lên"
        local = self.plan_local(plan)
        if not self.touching(plan, local):
            return None
        if local is not None:
            label = f"{TABLE_LABELS['unit']} {_label(local, self.tables['unit'], plan.uuid)}"
            local_id = self.unit_id_of.get(local.get("uuid"))
            if local_id not in self.own_units or local.get("uuid") == self.peer.unit_uuid:
                return f"{label}: do cấp trên đặt và quản lý, {sender} không được sửa"
        chain = self.unit_chain(plan.uuid)
        if plan.uuid == self.peer.unit_uuid or self.peer.unit_uuid not in chain[1:]:
            return f"{label}: {sender} chỉ được đặt đơn vị vào dưới chính mình"
        return None

    def _reason(self, plan: RecordPlan) -> str | None:
        item = self.tables[plan.table]
        label = f"{TABLE_LABELS.get(plan.table, plan.table)} {plan.label}".strip()
        sender = self._sender()
        if item.ownership.tree:
            return self._unit_reason(plan, label, sender)
        if item.ownership.down_only:
            return f"{label}: chỉ cấp ủy cấp trên gửi được, {sender} không được gửi lên"
        local = self._local_row(plan.table, plan.uuid)
        if not self.touching(plan, local):
            return None
        if local is not None:  # named as we know it, not as the package renames it
            label = f"{TABLE_LABELS.get(plan.table, plan.table)} {_label(local, item, plan.uuid)}".strip()
            was = self.owner(plan.table, local)
            if not self.owns(was):
                verb = "xóa" if plan.outcome == "deleted" else "sửa"
                return f"{label} ({was or 'cấp ủy'}): {sender} không được {verb}"
            if local.get("origin_unit") in self.issuers_above and item.ownership.issuer_owns_row:
                return f"{label} (do {local['origin_unit']} ban hành): {sender} không được sửa hay xóa"
        after = self.owner(plan.table, self.fields_of(plan.table, plan.uuid))
        if not self.owns(after):
            where = after or "không thuộc đơn vị nào"
            if local is None:
                return f"{label} ({where}): {sender} không được thêm vào đơn vị khác"
            return f"{label} ({where}): {sender} không được chuyển sang đơn vị khác"
        if local is None and plan.theirs.get("origin_unit") in self.issuers_above:
            return f"{label}: {sender} không được tạo bản ghi mang tên {plan.theirs['origin_unit']} ban hành"
        merged = self.fields_of(plan.table, plan.uuid) or {}
        for name, target in item.fks.items():
            value = merged.get(name)
            if value is None or target == "unit" or (item.unit_path and item.unit_path[0][0] == name):
                continue
            owner = self.owner(target, self.fields_of(target, value))
            if not self.owns(owner):
                return (f"{label}: trỏ tới {TABLE_LABELS.get(target, target).lower()} của đơn vị {owner or 'khác'}, "
                        f"ngoài phạm vi của {sender}")
        return None


def branch_scope(session: Session, sender: str) -> BranchScope | None:
    """The scope to check a package from ``sender`` against, or None when it comes from above."""
    peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == sender)).first()
    if peer is None or peer.relation != "child":
        return None
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
    return BranchScope(session, peer, home)


def unit_loop(session: Session, plans: list[RecordPlan]) -> str | None:
    """A sentence when the units of a package (from anyone) would make the tree a loop."""
    incoming = {plan.uuid: plan.merged for plan in plans if plan.table == "unit" and plan.merged is not None}
    if not incoming:
        return None
    parent_of: dict[str, str | None] = {}
    codes: dict[str, str] = {}
    by_id = {row.id: row for row in session.execute(select(Unit.id, Unit.uuid, Unit.code, Unit.parent_id))}
    for row in by_id.values():
        parent = by_id.get(row.parent_id)
        parent_of[row.uuid] = parent.uuid if parent is not None else None
        codes[row.uuid] = row.code
    for uuid, fields in incoming.items():
        parent_of[uuid] = fields.get("parent_id")
        codes[uuid] = fields.get("code") or codes.get(uuid, uuid[:8])
    for start in incoming:
        seen, uuid = set(), start
        while uuid is not None:
            if uuid in seen:
                return (f"Gói làm cây đơn vị thành vòng lặp (đơn vị {codes.get(start, start[:8])} nằm dưới chính nó); "
                        "không nhập.")
            seen.add(uuid)
            uuid = parent_of.get(uuid)
    return None
