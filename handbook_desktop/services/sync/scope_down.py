"""Ownership per unit going down: what a package from the committee above may touch here.

The level above is trusted for its decisions, not for everything: a package from committee Q may
touch only rows of the units under Q (its own scope: its branches, their members), the units on
its own path up (which it passes on from above), and the tables of the whole organisation (rules,
calendars, which it passes on too). One record outside that refuses the whole package, named in
Vietnamese, like a package from below (scope.py).

Inside Q's scope this installation keeps only what is its own (least data down, seen from the
receiving end): a record of another unit under Q — another branch's member, a row that was never
ours — is refused on its own and not written, and so is what hangs on it. A row that was ours and
moves to another unit of Q's (a member transferred away) is taken: that is the committee's
decision about our row. Fields the committee does not own are still refused field by field in
merge.py.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.services.sync.merge import RecordPlan, _label
from handbook_desktop.services.sync.scope import BranchScope, Violation, _subtree_ids
from handbook_desktop.services.sync.tables import TABLE_LABELS
from handbook_desktop.store.models import SyncPeer, Unit


class ParentScope(BranchScope):
    """``own_units`` / ``own_codes`` are the sender's (the committee above and the units under it);
    ``home_codes`` are ours, the rows we are entitled to keep."""

    def __init__(self, session: Session, peer: SyncPeer, home: Unit):
        super().__init__(session, peer, home)
        self.home_units = _subtree_ids(self.unit_id_of.get(home.uuid), self._children)
        self.home_codes = {self.unit_code[unit_id] for unit_id in self.home_units}
        self.not_entitled: list[Violation] = []

    def _sender(self) -> str:
        return f"cấp ủy {self.peer.unit_code}"

    def sender_path(self) -> set[str]:
        """Uuids of the sender's unit and the units above it, after this package."""
        return set(self.unit_chain(self.peer.unit_uuid))

    def check(self, plans: list[RecordPlan]) -> list[Violation]:
        found = super().check(plans)
        if not found:
            self._entitlement(plans)
        return found

    def _reason(self, plan: RecordPlan) -> str | None:
        item = self.tables[plan.table]
        if item.ownership.down_only and not item.ownership.tree:
            return None  # rules and calendars of the whole organisation, passed on from above
        local = self.plan_local(plan)
        if not self.touching(plan, local):
            return None
        label = f"{TABLE_LABELS.get(plan.table, plan.table)} {plan.label}".strip()
        if local is not None:
            label = f"{TABLE_LABELS.get(plan.table, plan.table)} {_label(local, item, plan.uuid)}".strip()
        sender = self._sender()
        if item.ownership.tree:
            return self._unit_reason_down(plan, local, label, sender)
        before = self.owner_before(plan.table, local if local is not None else plan.merged, local is not None)
        if before is not None and not self.owns(before):
            return f"{label} ({before}): ngoài phạm vi của {sender}, không được sửa hay xóa"
        after = self.owner(plan.table, self.fields_of(plan.table, plan.uuid))
        if not self.owns(after):
            return f"{label} ({after or 'không thuộc đơn vị nào'}): ngoài phạm vi của {sender}, không nhận"
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

    def _unit_reason_down(self, plan: RecordPlan, local: dict | None, label: str, sender: str) -> str | None:
        """A unit under the sender, or on the sender's path up; our own unit stays under the sender."""
        path = self.sender_path()
        if local is not None:
            local_id = self.unit_id_of.get(local.get("uuid"))
            was_path = set(self._local_chain(self.peer.unit_uuid))
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

    def _local_chain(self, uuid: str | None) -> list[str]:
        chain: list[str] = []
        while uuid is not None and uuid not in chain and len(chain) < 64:
            chain.append(uuid)
            uuid = self.parent_uuid_of.get(uuid)
        return chain

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
        return self.owner_before(target, self._local_row(target, value), True, depth + 1)

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


def parent_scope(session: Session, sender: str) -> ParentScope | None:
    peer = session.scalars(select(SyncPeer).where(SyncPeer.unit_code == sender)).first()
    if peer is None or peer.relation != "parent":
        return None
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
    return ParentScope(session, peer, home)
