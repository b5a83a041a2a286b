"""Which branch each unit's rows belong to, for reports that go branch by branch.

At a branch the answer is the branch itself. At a committee every unit in scope that holds members
is reported on its own line, named with its parent when it sits inside a đảng bộ bộ phận, so that
two branches called "Chi bộ 1" in different sub-committees can be told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from handbook_desktop.services.units import scope_unit_ids_query
from handbook_desktop.store.models import Unit


@dataclass(frozen=True)
class Branch:
    unit_id: int
    code: str
    name: str
    level: str


def scope_units(session) -> tuple[Unit, dict[int, Unit]]:
    scope = set(session.scalars(scope_unit_ids_query()))
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(scope), Unit.deleted_at.is_(None)))}
    home = next(u for u in units.values() if u.is_home)
    return home, units


def branches(session, unit_ids_with_rows: set[int] | None = None) -> tuple[Unit, list[Branch]]:
    """The home unit and the lines of a report: every unit of the tree with rows, branches first.

    ``unit_ids_with_rows`` limits the lines to units that hold something; the home unit of a
    branch installation is always its only line.
    """
    home, units = scope_units(session)
    if home.level == "chi-bo" or len(units) == 1:
        return home, [Branch(home.id, home.code, home.name, home.level)]
    lines = []
    for unit in units.values():
        if unit_ids_with_rows is not None and unit.id not in unit_ids_with_rows:
            continue
        if unit_ids_with_rows is None and unit.level != "chi-bo":
            continue
        name = unit.name
        parent = units.get(unit.parent_id) if unit.parent_id else None
        if parent is not None and parent.id != home.id:
            name = f"{unit.name} ({parent.name})"
        lines.append(Branch(unit.id, unit.code, name, unit.level))
    lines.sort(key=lambda b: (b.unit_id == home.id, natural_key(b.code)))
    return home, lines


def natural_key(code: str) -> tuple:
    """CB-2 before CB-10: digits compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))
