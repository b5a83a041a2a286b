"""Ownership per unit, both ways: what a package from a unit below (up) or from the committee above
(down) may touch here. One mechanism, the direction a parameter: who owns a row is found the same
way (its foreign keys lead to a unit, or the unit code written on it), a record outside what its
sender may touch refuses the whole package, named in Vietnamese; what differs is the sender's
scope and a few rules of each direction.

Up (from a child):
Every synced row has an owning unit: the unit its foreign keys lead to (a member's unit, a
meeting's unit, an attendance's meeting's unit …), or, for a table not tied to a unit, the unit
code written on the row (``Ownership.owner_code``). A package from branch U may create, change or
delete only rows owned by U or a unit under U, may point only at such rows, and may not touch the
committee's own records (events it issued, values only it decides, its tables of the whole
organisation; a value only the committee lifts is refused field by field in merge.py, like the
committee's other fields). One record outside that scope refuses the whole package: the committee is where
every branch's personal data meets, and a package that reaches for another branch's is not one
to take in part.

Down (from the parent): the level above is trusted for its decisions, not for everything: a package
from committee Q may touch only rows of the units under Q (its own scope: its branches, their
members), the units on its own path up (which it passes on from above), and the tables of the
whole organisation (rules, calendars, which it passes on too). Inside Q's scope this installation
keeps only what is its own (least data down, seen from the receiving end): a record of another unit
under Q — another branch's member, a row that was never ours — is refused on its own and not
written, and so is what hangs on it. A row that was ours and moves to another unit of Q's (a member
transferred away) is taken: that is the committee's decision about our row. Fields the committee
does not own are still refused field by field in merge.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.sync.capture import IdMaps, _chunks
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


UP, DOWN = "up", "down"


class Scope:
    """The rows a peer may touch here, asked row by row (answers are cached). ``direction`` is UP
    for a child's package (``own_*``: the child's subtree), DOWN for the parent's (``own_*``: the
    sender's subtree; ``home_*``: ours, the rows we are entitled to keep)."""

    def __init__(self, session: Session, peer: SyncPeer, home: Unit, direction: str):
        self.session = session
        self.peer = peer
        self.home = home
        self.direction = direction
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
        parent_of = {row.id: row.parent_id for row in units}
        while unit_id is not None and unit_id not in above:  # our unit and the units above it
            above.add(unit_id)
            unit_id = parent_of.get(unit_id)
        self.issuers_above = {self.unit_code[unit_id] for unit_id in above}
        self.home_units = _subtree_ids(self.unit_id_of.get(home.uuid), children)
        self.home_codes = {self.unit_code[unit_id] for unit_id in self.home_units}
        self.maps = IdMaps(session)
        self.incoming: dict[tuple[str, str], dict] = {}
        self._local: dict[tuple[str, str], dict | None] = {}
        self.not_entitled: list[Violation] = []  # down: records of another unit under the sender, this check
        self.before = None  # a streamed package: rows its earlier runs wrote, as they were (stream.Before)

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
        """Our rows these records land on, and the rows they point at, read a table at a time."""
        wanted: dict[str, set[str]] = {}
        for plan in plans:
            if plan.table in self.tables:
                wanted.setdefault(plan.table, set()).add(plan.uuid)
                for name, target in self.tables[plan.table].fks.items():
                    value = (plan.merged or {}).get(name)
                    if isinstance(value, str) and target != "unit":
                        wanted.setdefault(target, set()).add(value)
        for name, uuids in wanted.items():
            item = self.tables[name]
            uuids = [uuid for uuid in uuids if (name, uuid) not in self._local]
            rows = []
            for chunk in _chunks(uuids):
                rows.extend(self.session.execute(select(*self._columns(item)).where(item.table.c.uuid.in_(chunk))))
            for column, target in item.fks.items():
                self.maps[target].load(row._mapping[column] for row in rows if column in row._mapping)
            for row in rows:
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

    def unit_chain(self, uuid: str | None, *, after: bool = True) -> list[str]:
        """A unit's uuid and the uuids above it, as they will be after this package (``after``) or
        as they are here (stops at a loop)."""
        chain: list[str] = []
        while uuid is not None and uuid not in chain and len(chain) < 64:
            chain.append(uuid)
            incoming = self.incoming.get(("unit", uuid)) if after else None
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

    def owner_before(self, table: str, fields: dict | None, is_local: bool, depth: int = 0) -> str | None:
        """Whose the row is here before this package: ours as stored, or for a new row the owner of
        the row of ours it hangs on (None: it hangs on nothing we hold)."""
        if fields is None or depth > 20:
            return None
        item = self.tables[table]
        if not item.unit_path:
            return fields.get(item.ownership.owner_code) if is_local else None
        column, target = item.unit_path[0]
        value = fields.get(column)
        if value is None:
            return None
        if target == "unit":
            unit_id = self.unit_id_of.get(value)
            return self.unit_code.get(unit_id) if unit_id is not None else None
        return self.owner_before(target, self._before_row(target, value), True, depth + 1)

    def _before_row(self, table: str, uuid: str) -> dict | None:
        """Our row as it was before this package (a streamed package has written its earlier runs)."""
        if self.before is not None:
            known, fields = self.before.get(table, uuid)
            if known:
                return fields
        return self._local_row(table, uuid)

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
        """The records outside the sender's scope (any one refuses the package); down, when there
        is none, ``not_entitled`` lists this check's records that are another unit's."""
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
        self.not_entitled = []
        if self.direction == DOWN and not found:
            self._entitlement(plans)
        return found

    def _sender(self) -> str:
        if self.direction == DOWN:
            return f"cấp ủy {self.peer.unit_code}"
        return f"chi bộ {self.peer.unit_code}" if self.peer.level == "chi-bo" else f"đơn vị {self.peer.unit_code}"

    def touching(self, plan: RecordPlan, local: dict | None) -> bool:
        # An "unchanged" record still writes when it carries a higher version, and a twin found by
        # natural key takes the record's uuid (the row is rewritten): both are touches too.
        touching = plan.outcome in _TOUCHING or plan.adopt_uuid or (
            local is not None and plan.new_version != local.get("version"))
        return touching and plan.merged is not None  # else unchanged, or refused on its own

    def _reason(self, plan: RecordPlan) -> str | None:
        item = self.tables[plan.table]
        label = f"{TABLE_LABELS.get(plan.table, plan.table)} {plan.label}".strip()
        sender = self._sender()
        if item.ownership.down_only and (self.direction == DOWN or not item.ownership.tree):
            if self.direction == DOWN and not item.ownership.tree:
                return None  # rules and calendars of the whole organisation, passed on from above
            if self.direction == UP:
                return f"{label}: chỉ cấp ủy cấp trên gửi được, {sender} không được gửi lên"
        if item.ownership.tree and self.direction == UP and self.peer.level == "chi-bo":
            return f"{label}: chỉ cấp ủy cấp trên gửi được, {sender} không được gửi lên"
        local = self.plan_local(plan)
        if not self.touching(plan, local):
            return None
        if local is not None:  # named as we know it, not as the package renames it
            label = f"{TABLE_LABELS.get(plan.table, plan.table)} {_label(local, item, plan.uuid)}".strip()
        if item.ownership.tree:
            return (self._unit_reason_up if self.direction == UP else self._unit_reason_down)(plan, local, label,
                                                                                              sender)
        reason = (self._owner_reason_up if self.direction == UP else self._owner_reason_down)(plan, item, local,
                                                                                              label, sender)
        return reason or self._points_outside(plan, item, label, sender)

    def _points_outside(self, plan: RecordPlan, item, label: str, sender: str) -> str | None:
        """A row may point only at rows in the sender's scope (its unit path aside)."""
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

    # --- up: a child's rows --------------------------------------------------------------------

    def _owner_reason_up(self, plan: RecordPlan, item, local: dict | None, label: str, sender: str) -> str | None:
        if local is not None:
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
        return None

    def _unit_reason_up(self, plan: RecordPlan, local: dict | None, label: str, sender: str) -> str | None:
        """Units go up only from a committee, and only those under it: it may add a branch under
        itself and rename or move one within its own tree, never touch its own place or anyone else's."""
        if local is not None:
            local_id = self.unit_id_of.get(local.get("uuid"))
            if local_id not in self.own_units or local.get("uuid") == self.peer.unit_uuid:
                return f"{label}: do cấp trên đặt và quản lý, {sender} không được sửa"
        chain = self.unit_chain(plan.uuid)
        if plan.uuid == self.peer.unit_uuid or self.peer.unit_uuid not in chain[1:]:
            return f"{label}: {sender} chỉ được đặt đơn vị vào dưới chính mình"
        return None

    # --- down: the parent's rows ---------------------------------------------------------------

    def _owner_reason_down(self, plan: RecordPlan, item, local: dict | None, label: str, sender: str) -> str | None:
        before = self.owner_before(plan.table, local if local is not None else plan.merged, local is not None)
        if before is not None and not self.owns(before):
            return f"{label} ({before}): ngoài phạm vi của {sender}, không được sửa hay xóa"
        after = self.owner(plan.table, self.fields_of(plan.table, plan.uuid))
        if not self.owns(after):
            return f"{label} ({after or 'không thuộc đơn vị nào'}): ngoài phạm vi của {sender}, không nhận"
        return None

    def _unit_reason_down(self, plan: RecordPlan, local: dict | None, label: str, sender: str) -> str | None:
        """A unit under the sender, or on the sender's path up; our own unit stays under the sender."""
        path = set(self.unit_chain(self.peer.unit_uuid))
        if local is not None:
            local_id = self.unit_id_of.get(local.get("uuid"))
            was_path = set(self.unit_chain(self.peer.unit_uuid, after=False))
            if local_id not in self.own_units and local.get("uuid") not in was_path:
                return f"{label}: ngoài phạm vi của {sender}, không được sửa"
        chain = self.unit_chain(plan.uuid)
        if self.peer.unit_uuid not in chain and plan.uuid not in path:
            return f"{label}: {sender} không được đặt đơn vị ra ngoài phạm vi của mình"
        named = (local or {}).get("uuid") in (self.home.uuid, self.peer.unit_uuid)
        if named and local.get("code") != (plan.merged or {}).get("code", local.get("code")):
            return (f"{label}: {sender} không được đổi mã của {local.get('code')} (gói và thẻ định danh gọi đơn vị "
                    "theo mã)")
        ours = (local or {}).get("uuid") == self.home.uuid or plan.uuid == self.home.uuid
        if ours and (plan.uuid == self.peer.unit_uuid or self.peer.unit_uuid not in chain[1:]):
            return f"{label}: {sender} không được chuyển đơn vị này ra khỏi phạm vi của mình"
        return None

    def _entitlement(self, plans: list[RecordPlan]) -> None:
        """Records of another unit under the sender: not written here (least data down)."""
        refused: set[str] = set()
        named: set[tuple[str, str]] = set()
        for plan in plans:
            item = self.tables.get(plan.table)
            if item is None or item.ownership.down_only or plan.merged is None:
                continue
            local = self.plan_local(plan)
            if not self.touching(plan, local):
                continue
            before = self.owner_before(plan.table, local if local is not None else plan.merged, local is not None)
            owner = before if before is not None else self.owner(plan.table, self.fields_of(plan.table, plan.uuid))
            if owner not in self.home_codes:
                named.add((plan.table, plan.uuid))
                if local is None:
                    refused.add(plan.uuid)
                self.not_entitled.append(Violation(plan.table, plan.uuid, plan.label,
                                                   f"Bản ghi của đơn vị {owner or 'khác'}, không thuộc {self.home.code}: "
                                                   "không nhận (mỗi đơn vị chỉ giữ dữ liệu của mình)."))
        changed = True
        while changed:  # what points at a new record refused here cannot be written either
            changed = False
            for plan in plans:
                item = self.tables.get(plan.table)
                if item is None or (plan.table, plan.uuid) in named or plan.merged is None:
                    continue
                if any(plan.merged.get(name) in refused for name in item.fks):
                    refused.add(plan.uuid)  # (new or not: it would point at a row never written)
                    named.add((plan.table, plan.uuid))
                    changed = True
                    self.not_entitled.append(Violation(plan.table, plan.uuid, plan.label,
                                                       "Thiếu bản ghi liên quan (bản ghi không được nhận) ở máy nhận."))


def scope_for(session: Session, sender: str) -> Scope | None:
    """The scope to check a package from ``sender`` against: up from a child, down from the parent
    (None: a peer that is neither)."""
    peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == sender)).first()
    if peer is None or peer.relation not in ("child", "parent"):
        return None
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
    return Scope(session, peer, home, UP if peer.relation == "child" else DOWN)


def outside_scope(scope: Scope | None, plans: list[RecordPlan]) -> list[RecordPlan]:
    """The records outside the sender's scope; when there is none, each record another unit's
    (down) is refused on its own here and not written."""
    if scope is None:
        return []
    outside = [violation.plan() for violation in scope.check(plans)]
    if not outside:
        reasons = {(item.table, item.uuid): item.reason for item in scope.not_entitled}
        for plan in plans:
            reason = reasons.get((plan.table, plan.uuid))
            if reason:
                plan.outcome, plan.reason, plan.merged, plan.bumped = "rejected", reason, None, False
                plan.changes, plan.conflicts = [], []
    return outside


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
