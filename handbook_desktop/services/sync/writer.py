"""Carrying out the merge's plans (merge.py) inside the caller's transaction: new rows inserted a
table at a time with the converters' values (core executemany), changed rows updated, and what the
sender now holds remembered as the base of the next merge."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from handbook_desktop.services.sync.capture import _chunks
from handbook_desktop.services.sync.tables import SyncedTable, from_json
from handbook_desktop.store.events import SHADOW_SOURCES, member_shadow_columns
from handbook_desktop.store.models import SyncConflict, SyncRow

if TYPE_CHECKING:
    from handbook_desktop.services.sync.merge import Planner, RecordPlan


class Writer:
    """Carries out a plan inside the caller's transaction."""

    def __init__(self, planner: "Planner", package_id: str):
        self.planner = planner
        self.session = planner.session
        self.package_id = package_id

    def _values(self, item: SyncedTable, merged: dict, whole: dict | None = None) -> dict:
        """Column values for the fields in ``merged``; ``whole`` is the full merged record, which the
        member's shadow columns are computed from when one of their sources is among the fields."""
        values = {}
        for name, value in merged.items():
            target = item.fks.get(name)
            if target is not None:
                values[name] = None if value is None else self.planner.uuid_index(target)[value]
            else:
                values[name] = from_json(item.table.c[name], value)
        whole = merged if whole is None else whole
        if "search_key" in item.table.c and SHADOW_SOURCES & merged.keys() and whole.get("full_name"):
            values.update(member_shadow_columns(whole["full_name"], whole.get("phone"), whole.get("party_card_number")))
        return values

    def _new_values(self, item: SyncedTable, plan: RecordPlan) -> dict:
        """A new row's column values: the Python values the planner's converters made, the foreign
        keys as our ids, the member's shadow columns."""
        if plan.values is None:
            return self._values(item, plan.merged)
        values, merged = dict(plan.values), plan.merged
        for name, target in item.fks.items():
            if name in merged:
                value = merged[name]
                values[name] = None if value is None else self.planner.uuid_index(target)[value]
        if "search_key" in item.table.c and SHADOW_SOURCES & merged.keys() and merged.get("full_name"):
            values.update(member_shadow_columns(merged["full_name"], merged.get("phone"), merged.get("party_card_number")))
        return values

    def apply(self, plans: list[RecordPlan]):
        """A generator: yields the number of records written after each table."""
        by_table: dict[str, list[RecordPlan]] = {}
        for plan in plans:
            # A record refused only for fields we own still moves on: our value must travel back.
            if plan.outcome != "rejected" or (plan.local_id is not None and plan.bumped):
                by_table.setdefault(plan.table, []).append(plan)
        done = 0
        for item in self.planner.tables.values():
            table_plans = by_table.get(item.name, [])
            if not table_plans:
                continue
            self._apply_table(item, table_plans)
            self._agree(item, table_plans)
            done += len(table_plans)
            yield done

    def _apply_table(self, item: SyncedTable, plans: list[RecordPlan]) -> None:
        table = item.table
        self_ref = item.name in item.fks.values()
        inserts = []
        for plan in plans:
            if plan.local_id is None and plan.merged is not None:
                if self_ref:
                    self._insert_one(item, plan)
                    continue
                values = self._new_values(item, plan)
                values.update(uuid=plan.uuid, version=plan.new_version)
                inserts.append(values)
        if inserts:
            groups: dict[tuple, list[dict]] = {}
            for values in inserts:  # one statement per set of columns: absent ones take their defaults
                groups.setdefault(tuple(sorted(values)), []).append(values)
            for group in groups.values():
                for chunk in _chunks(group, 1000):
                    self.session.execute(insert(table), chunk)
            index = self.planner.uuid_index(item.name)
            for chunk in _chunks([values["uuid"] for values in inserts]):
                for row_id, row_uuid in self.session.execute(
                        select(table.c.id, table.c.uuid).where(table.c.uuid.in_(chunk))):
                    index[row_uuid] = row_id
        for plan in plans:
            if plan.local_id is None:
                continue
            changed = {name: plan.merged[name] for name, _old, _new in plan.changes}
            if changed and "updated_at" in plan.merged:
                changed["updated_at"] = plan.merged["updated_at"]
            values = self._values(item, changed, plan.merged)
            values["version"] = plan.new_version
            if plan.adopt_uuid:
                values["uuid"] = plan.uuid
            self.session.execute(update(table).where(table.c.id == plan.local_id).values(**values))

    def _insert_one(self, item: SyncedTable, plan: RecordPlan) -> None:
        values = self._new_values(item, plan)
        values.update(uuid=plan.uuid, version=plan.new_version)
        row_id = self.session.execute(insert(item.table).values(**values).returning(item.table.c.id)).scalar_one()
        self.planner.uuid_index(item.name)[plan.uuid] = row_id

    def _agree(self, item: SyncedTable, plans: list[RecordPlan]) -> None:
        """Remember what the sender now holds: the base of the next merge with it."""
        peer = self.planner.peer_code
        existing = {}
        for chunk in _chunks([plan.uuid for plan in plans]):
            for state in self.session.scalars(select(SyncRow).where(SyncRow.peer_code == peer,
                                                                   SyncRow.row_uuid.in_(chunk))):
                existing[state.row_uuid] = state
        fresh = []
        for plan in plans:
            data = json.dumps(plan.theirs, ensure_ascii=False, sort_keys=True)
            agreed_version = plan.version if plan.bumped else plan.new_version
            state = existing.get(plan.uuid)
            if state is None:
                fresh.append({"peer_code": peer, "table_name": item.name, "row_uuid": plan.uuid,
                              "version": agreed_version, "data_json": data})
            else:
                state.version, state.data_json = agreed_version, data
            for name, base, ours, theirs in plan.conflicts:
                self._queue(item, plan, name, base, ours, theirs)
        if fresh:
            for chunk in _chunks(fresh, 1000):
                self.session.execute(insert(SyncRow.__table__), chunk)

    def _queue(self, item, plan, name, base, ours, theirs) -> None:
        dump = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731
        open_conflict = self.session.scalars(select(SyncConflict).where(
            SyncConflict.peer_code == self.planner.peer_code, SyncConflict.row_uuid == plan.uuid,
            SyncConflict.field == name, SyncConflict.resolved_at.is_(None))).first()
        if open_conflict is not None:
            open_conflict.theirs_json, open_conflict.package_id = dump(theirs), self.package_id
            return
        self.session.add(SyncConflict(peer_code=self.planner.peer_code, table_name=item.name, row_uuid=plan.uuid,
                                      field=name, base_json=dump(base), ours_json=dump(ours),
                                      theirs_json=dump(theirs), package_id=self.package_id))
