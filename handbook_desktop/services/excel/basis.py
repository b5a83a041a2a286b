"""What a dry run was made from, so that the import writes the plan the secretary saw instead of
making it again (issue 18 §3: the plan inside the import was ~40 % of its time) — and only when
nothing the plan read has changed since: the file (size, time, a hash of its bytes), the choices
(sheets, mappings, answers, unit, day) and the database.

The database's part is a few aggregates per table the plan reads — rows, highest id, the sum of
the record versions (every change through the program raises one), the latest change and the
latest audit line — read in the dry run's own transaction *before* anything else, and again
inside the import's write transaction. A change between the two (another window, a sync package,
a restore) shows in at least one of them; the import then plans again inside its transaction,
as it always did. Cheap: one statement, no row leaves the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from handbook_desktop.store.models import AuditLog, Member, MemberEvent, RuleRow, SheetLayout, Unit

_SYNCED = (Member, Unit, MemberEvent, RuleRow)


@dataclass(frozen=True)
class Basis:
    database: str
    choices: str
    file: tuple
    data: tuple


def data_version(session) -> tuple:
    """The aggregates of the tables a plan reads (see the module's note), in one statement."""
    columns = []
    for model in _SYNCED:
        columns.extend(select(aggregate).scalar_subquery() for aggregate in (
            func.count(model.id), func.max(model.id), func.sum(model.version), func.max(model.updated_at)))
    columns.append(select(func.count()).select_from(SheetLayout).scalar_subquery())
    columns.append(select(func.max(SheetLayout.updated_at)).scalar_subquery())
    columns.append(select(func.max(AuditLog.id)).scalar_subquery())
    return tuple(session.execute(select(*columns)).one())


def file_state(path) -> tuple:
    path = Path(path)
    stat = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns, digest.hexdigest()


def choices_key(today: date, default_unit_id, sheets, mappings, answers) -> str:
    return json.dumps([today.isoformat(), default_unit_id, sheets,
                       {name: sorted((int(c), k) for c, k in mapping.items()) for name, mapping in (mappings or {}).items()},
                       sorted((answers or {}).items())], ensure_ascii=False, sort_keys=True)


def basis_of(session, path, today: date, default_unit_id, sheets, mappings, answers) -> Basis:
    """Taken first in the dry run's transaction (a change after it makes the import plan again)."""
    return Basis(str(session.get_bind().url), choices_key(today, default_unit_id, sheets, mappings, answers),
                 file_state(path), data_version(session))


def still_holds(basis: Basis | None, session, path, today: date, default_unit_id, sheets, mappings,
                answers) -> bool:
    """Nothing the plan read has changed: the same database, file, choices and data."""
    if basis is None:
        return False
    return (basis.database == str(session.get_bind().url)
            and basis.choices == choices_key(today, default_unit_id, sheets, mappings, answers)
            and basis.file == file_state(path) and basis.data == data_version(session))
