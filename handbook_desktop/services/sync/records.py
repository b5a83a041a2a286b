"""Checks on one travelling record before it is compared with anything, how a person recognises
it, and outcome totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handbook_desktop.services.sync.tables import SyncedTable

OUTCOMES = ("new", "changed", "unchanged", "deleted", "conflict", "rejected")

_MAX_VERSION = 2 ** 62
_LABEL_FIELDS = ("full_name", "name", "topic", "title", "key", "code", "kind")


def _shape_problem(record) -> str | None:
    """A record a correct sender never makes: refused on its own, the others still go through."""
    if not isinstance(record, dict):
        return "Bản ghi không đúng định dạng."
    uuid, version, base = record.get("u"), record.get("v"), record.get("b")
    if not isinstance(record.get("t"), str) or not isinstance(record.get("f"), dict):
        return "Bản ghi không đúng định dạng."
    if not isinstance(uuid, str) or not 0 < len(uuid) <= 36:
        return "Bản ghi không có mã định danh hợp lệ."
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version < _MAX_VERSION:
        return "Bản ghi có số phiên bản không hợp lệ."
    if base is not None and (isinstance(base, bool) or not isinstance(base, int) or not 0 <= base < _MAX_VERSION):
        return "Bản ghi có số phiên bản không hợp lệ."
    return None


def totals(plans) -> dict[str, int]:
    counts = {outcome: 0 for outcome in OUTCOMES}
    for plan in plans:
        counts[plan.outcome] += 1
    counts["total"] = len(plans)
    return counts


def _kind_labels() -> dict[str, str]:
    try:  # the procedures area names the event kinds; without it the code is shown
        from handbook_desktop.services.procedures.common import EVENT_LABELS
    except ImportError:
        return {}
    return dict(EVENT_LABELS)


def _label(record_fields: dict, item: SyncedTable, uuid: str, names: dict[str, str] | None = None) -> str:
    """How a person recognises the record: a name, or whose it is, what and when."""
    for name in _LABEL_FIELDS:
        value = record_fields.get(name)
        if name != "kind" and isinstance(value, str) and value:
            return value
    parts = []
    for column, target in item.fks.items():
        value = record_fields.get(column)
        if target == "member" and names is not None and isinstance(value, str) and isinstance(names.get(value), str):
            parts.append(names[value])
            break
    kind = record_fields.get("kind")
    if isinstance(kind, str) and kind:
        parts.append(_kind_labels().get(kind, kind))
    for column in item.table.columns:
        value = record_fields.get(column.name)
        if column.name.endswith("date") and isinstance(value, str) and len(value) == 10:
            parts.append(f"{value[8:10]}/{value[5:7]}/{value[0:4]}")
            break
    return " — ".join(parts) if parts else f"{item.label} {uuid[:8]}"
