"""Which units this installation answers for: the home unit and every unit below it.

A branch's database also holds rows of other units (its committee; after a transfer, the branch
that received a member): lists and counts show only the home unit's own tree.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import aliased

from handbook_desktop.store.models import Unit


def scope_unit_ids_query():
    """SELECT of the ids of the home unit and its descendants (a recursive CTE; SQLite and PostgreSQL)."""
    scope = select(Unit.id).where(Unit.is_home.is_(True)).cte("home_scope", recursive=True)
    child = aliased(Unit)
    # UNION, not UNION ALL: a loop left in an older database (issue 12) ends instead of running for ever.
    scope = scope.union(select(child.id).where(child.parent_id == scope.c.id))
    return select(scope.c.id)


def in_scope(unit_column) -> ColumnElement[bool]:
    return unit_column.in_(scope_unit_ids_query())


def foreign_member_unit_ids(session) -> list[int]:
    """Units outside our tree that nevertheless hold member rows (a member transferred away).

    Usually none, so list queries need no unit condition at all; when there are some, the list
    excludes those few units, which is cheaper per keystroke than joining the tree.
    """
    from handbook_desktop.store.models import Member

    scope = set(session.scalars(scope_unit_ids_query()))
    outside = set(session.scalars(select(Unit.id))) - scope
    if not outside:
        return []
    return sorted(session.scalars(select(Member.unit_id).where(Member.unit_id.in_(outside)).distinct()))


def member_branches(session, member_uuids) -> dict[str, tuple[int, str]]:
    """Member uuid → (unit id, branch name), for the branch column of a committee's lists (asked in
    chunks: a list holds a few thousand members at most)."""
    from handbook_desktop.store.models import Member

    wanted = sorted(set(member_uuids))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 900):
        found.update((uuid, (unit_id, name)) for uuid, unit_id, name in session.execute(
            select(Member.uuid, Member.unit_id, Unit.name).join(Unit, Unit.id == Member.unit_id)
            .where(Member.uuid.in_(wanted[start:start + 900]))))
    return found
