"""Checks on one travelling record before it is compared with anything, and outcome totals."""

from __future__ import annotations

OUTCOMES = ("new", "changed", "unchanged", "deleted", "conflict", "rejected")

_MAX_VERSION = 2 ** 62


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
