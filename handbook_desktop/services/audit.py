"""The audit trail: who changed what, when, and every export, import, restore and login."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

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


def record(
    session: Session,
    actor,
    action: str,
    *,
    entity: str | None = None,
    entity_uuid: str | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    detail: str | dict | None = None,
) -> None:
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, default=str)
    session.add(
        AuditLog(
            username=actor.username,
            action=action,
            entity=entity,
            entity_uuid=entity_uuid,
            field=field,
            old_value=_text(old),
            new_value=_text(new),
            detail=detail,
        )
    )


def record_changes(session: Session, actor, obj, *, entity: str) -> int:
    """One audit entry per changed column of ``obj`` (call before flush). Returns the count."""
    state = inspect(obj)
    count = 0
    for attr in state.mapper.column_attrs:
        if attr.key in {"version", "updated_at", "name_fold", "name_sort", "search_key"}:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if attr.key in SENSITIVE_FIELDS:
            from handbook_desktop.domain.text import mask_digits

            old, new = mask_digits(_text(old)), mask_digits(_text(new))
        record(session, actor, "update", entity=entity, entity_uuid=obj.uuid, field=attr.key, old=old, new=new)
        count += 1
    return count
