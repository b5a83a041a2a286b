"""The conflict queue: the same field changed at both ends waits for a person.

Resolving sets the field (ours, theirs, or a value typed in), gives the row a new version and
closes the conflict; the row then travels in the next package, so the resolution reaches the peer.
"""

from __future__ import annotations

import json

from sqlalchemy import select, update

from handbook_desktop.services.audit import record
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.sync.merge import _label
from handbook_desktop.services.sync.tables import FIELD_LABELS, BadValue, display_value, from_json, table_by_name
from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import SyncConflict


def _shown(name: str, value):
    return display_value(name, value)


def _masked(name: str, value):
    from handbook_desktop.domain.text import mask_digits
    from handbook_desktop.services.sync.tables import SENSITIVE

    return mask_digits(str(value)) if name in SENSITIVE and value is not None else value


def list_conflicts(database, *, open_only: bool = True) -> list[dict]:
    tables = table_by_name()
    with database.read() as session:
        query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
        if open_only:
            query = query.where(SyncConflict.resolved_at.is_(None))
        result = []
        for conflict in session.scalars(query):
            item = tables.get(conflict.table_name)
            label = conflict.row_uuid[:8]
            if item is not None:
                row = session.execute(select(item.table).where(item.table.c.uuid == conflict.row_uuid)).first()
                if row is not None:
                    label = _label(dict(row._mapping), item, conflict.row_uuid)
            result.append({
                "id": conflict.id, "peer": conflict.peer_code, "table": conflict.table_name,
                "table_label": item.label if item else conflict.table_name, "uuid": conflict.row_uuid,
                "label": label, "field": conflict.field, "field_label": FIELD_LABELS.get(conflict.field, conflict.field),
                "base": _shown(conflict.field, json.loads(conflict.base_json or "null")),
                "ours": _shown(conflict.field, json.loads(conflict.ours_json or "null")),
                "theirs": _shown(conflict.field, json.loads(conflict.theirs_json or "null")),
                "created_at": conflict.created_at, "resolved_at": conflict.resolved_at,
                "resolution": conflict.resolution,
            })
        return result


def resolve_conflict(database, actor, conflict_id: int, choice: str, value: str | None = None) -> None:
    """``choice`` is 'ours', 'theirs' or 'edited' (then ``value`` is the text typed in)."""
    actor.require("write")
    if choice not in ("ours", "theirs", "edited"):
        raise UserError("Hãy chọn giữ giá trị của mình, nhận giá trị của đơn vị kia, hoặc nhập giá trị khác.")
    tables = table_by_name()
    with database.immediate() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.resolved_at is not None:
            raise UserError("Xung đột này không còn (đã được giải quyết).")
        item = tables[conflict.table_name]
        table = item.table
        row = session.execute(select(table).where(table.c.uuid == conflict.row_uuid)).first()
        if row is None:
            raise UserError("Không còn bản ghi của xung đột này.")
        chosen = json.loads((conflict.ours_json if choice == "ours" else conflict.theirs_json) or "null")
        if choice == "edited":
            chosen = value if value not in ("", None) else None
        target = item.fks.get(conflict.field)
        try:
            if target is not None:
                new = None
                if chosen is not None:
                    new = session.execute(select(tables[target].table.c.id).where(
                        tables[target].table.c.uuid == chosen)).scalar_one_or_none()
            else:
                new = from_json(table.c[conflict.field], chosen)
        except BadValue:
            raise UserError(f"Giá trị nhập cho trường {FIELD_LABELS.get(conflict.field, conflict.field)} "
                            "không hợp lệ.") from None
        old = row._mapping[conflict.field]
        # A new version either way: the chosen value must reach the other side.
        session.execute(update(table).where(table.c.id == row._mapping["id"]).values(
            {conflict.field: new, "version": row._mapping["version"] + 1, "updated_at": utcnow()}))
        conflict.resolved_at, conflict.resolved_by, conflict.resolution = utcnow(), actor.username, choice
        record(session, actor, "sync_resolve", entity=conflict.table_name, entity_uuid=conflict.row_uuid,
               field=conflict.field, old=_masked(conflict.field, old), new=_masked(conflict.field, new),
               detail={"choice": choice, "peer": conflict.peer_code})
