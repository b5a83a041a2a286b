"""The audit trail: who changed what, when, and every export, import, restore and login."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from handbook_desktop.store.base import utcnow
from handbook_desktop.store.models import AuditLog

# Never written in clear to the audit log (they are shown masked in the History tab anyway).
SENSITIVE_FIELDS = {"national_id", "phone", "permanent_address", "temporary_address", "photo"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} byte>"
    return str(value)


def masked(key: str, value: Any) -> str | None:
    """A value as the log keeps it: text, sensitive fields masked."""
    if key in SENSITIVE_FIELDS and value is not None:
        from handbook_desktop.domain.text import mask_digits

        return mask_digits(_text(value))
    return _text(value)


def changes_json(changes: dict[str, tuple[Any, Any]]) -> str:
    """``{"field": [old, new], …}`` with the values as the log keeps them."""
    kept = {}
    for key, (old, new) in changes.items():
        if key in SENSITIVE_FIELDS:
            kept[key] = [masked(key, old), masked(key, new)]
        else:  # text and nothing, the usual values, without a call each (an import writes 20,000 lines)
            kept[key] = [old if old is None or old.__class__ is str else _text(old),
                         new if new is None or new.__class__ is str else _text(new)]
    return _ENCODE(kept)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False), made once


def created_json(values: dict[str, Any], keys) -> str:
    """``changes_json`` of a new record: each of ``keys`` that has a value, from nothing (the same
    text, without the pairs made first: a sheet's import writes 20,000 of these)."""
    kept = {}
    for key in keys:
        value = values[key]
        if value is None:
            continue
        if key in SENSITIVE_FIELDS:
            kept[key] = [None, masked(key, value)]
        else:
            kept[key] = [None, value if value.__class__ is str else _text(value)]
    return _ENCODE(kept)


def read_changes(entry) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) of one line, whichever way it was written (one per record or, before
    migration 0018, one per field)."""
    if getattr(entry, "changes", None):
        try:
            data = json.loads(entry.changes)
        except ValueError:
            return []
        return [(key, pair[0], pair[1]) for key, pair in data.items()]
    if entry.field:
        return [(entry.field, entry.old_value, entry.new_value)]
    return []


def audit_row(
    username: str,
    action: str,
    *,
    entity: str | None = None,
    entity_uuid: str | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    detail: str | dict | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> dict:
    """One audit line as column values (for ``record`` and for bulk inserts); writes nothing."""
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, default=str)
    return {
        "at": utcnow(), "username": username, "action": action, "entity": entity, "entity_uuid": entity_uuid,
        "field": field, "old_value": _text(old), "new_value": _text(new), "detail": detail,
        "changes": changes_json(changes) if changes else None,
    }


def record(session: Session, actor, action: str, **fields: Any) -> None:
    """Add one audit line by ``actor`` to ``session``; ``fields`` are ``audit_row``'s keywords (entity,
    entity_uuid, field, old, new, detail, changes), checked there."""
    session.add(AuditLog(**audit_row(actor.username, action, **fields)))


SKIPPED = {"version", "updated_at", "name_fold", "name_sort", "search_key"}


def pending_changes(obj) -> dict[str, tuple[Any, Any]]:
    """The columns of ``obj`` changed since it was loaded (or set on a new object): field -> (old, new)."""
    state = inspect(obj)
    found: dict[str, tuple[Any, Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        found[attr.key] = (old, new)
    return found


def record_changes(session: Session, actor, obj, *, entity: str, action: str = "update",
                   detail: str | dict | None = None) -> int:
    """One audit line for ``obj`` holding every changed column (call before flush); none when
    nothing changed. Returns the number of fields changed."""
    changes = pending_changes(obj)
    if changes or action != "update":
        record(session, actor, action, entity=entity, entity_uuid=obj.uuid, detail=detail, changes=changes or None)
    return len(changes)
