"""Writing the rows a dry run accepted, in bulk (issue 18 §3): new members in one multi-row
insert with one audit line each, changed members loaded in chunks and flushed once, each with one
audit line holding its changed fields.

The rows were validated by the dry run in the same transaction (``importer.apply_import`` plans
again inside it), so nothing is checked twice; what the per-record services do besides — the
shadow columns of a name, the origin unit, a committee's read-only fields — is done here the
same way.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select

from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.excel.gaps import apply_gap
from handbook_desktop.services.members.fields import EDITABLE_KEYS, FIELD_BY_KEY
from handbook_desktop.store.base import new_uuid, utcnow
from handbook_desktop.store import search_index
from handbook_desktop.store.events import member_shadow_columns
from handbook_desktop.store.models import AuditLog, Member, Unit

_CHUNK = 500
_EDITABLE = frozenset(EDITABLE_KEYS)
_LOGGED = [*EDITABLE_KEYS, "birth_year"]  # a new member's audit line: its fields, and a year of birth alone


def create_rows(session, actor, rows) -> None:
    """Insert the members of the rows to create (each row's ``member_uuid`` is set)."""
    if not rows:
        return
    codes = {unit_id: code for unit_id, code in session.execute(select(Unit.id, Unit.code))}
    details = {}  # one audit detail per unit, encoded once
    now = utcnow()
    members, lines = [], []
    blank = dict.fromkeys(EDITABLE_KEYS)
    for row in rows:
        given = row.values
        values = dict(blank)
        if given.keys() <= _EDITABLE:
            values.update(given)
        else:
            values.update((key, value) for key, value in given.items() if key in _EDITABLE)
        values["status"] = values["status"] or "official"
        values["party_position"] = values["party_position"] or "member"
        uuid = new_uuid()
        code = codes.get(row.unit_id, "")
        values.update(member_shadow_columns(values["full_name"], values["phone"], values["party_card_number"]))
        values.update(uuid=uuid, unit_id=row.unit_id, origin_unit=code, birth_year=row.birth_year, version=1,
                      updated_at=now, deleted_at=None)
        members.append(values)
        detail = details.get(code)
        if detail is None:
            detail = details[code] = json.dumps({"unit": code}, ensure_ascii=False, default=str)
        line = audit.audit_row(actor.username, "create", entity="member", entity_uuid=uuid, detail=detail)
        line["at"] = now
        line["changes"] = audit.created_json(values, _LOGGED if row.birth_year is not None else EDITABLE_KEYS)
        lines.append(line)
        row.member_uuid = uuid
    with search_index.bulk_insert(session.connection()):
        for start in range(0, len(members), _CHUNK):
            session.execute(insert(Member.__table__), members[start:start + _CHUNK])
    write_lines(session, lines)
    for row in rows:
        if row.gap.get("left_on"):
            apply_gap(session, actor, row.member_uuid, row.gap)


def write_lines(session, lines: list[dict]) -> None:
    for start in range(0, len(lines), _CHUNK):
        session.execute(insert(AuditLog.__table__), lines[start:start + _CHUNK])


def update_rows(session, actor, rows) -> None:
    """Apply the changes of the rows to update: one audit line per record, one flush."""
    if not rows:
        return
    home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    locked: set[str] = set()
    if home is not None and home.level != "chi-bo":
        from handbook_desktop.services.sync.tables import read_only_fields

        locked = read_only_fields("member", home.level)
    uuids = [row.member_uuid for row in rows]
    members: dict[str, Member] = {}
    for start in range(0, len(uuids), _CHUNK):
        chunk = uuids[start:start + _CHUNK]
        for member in session.scalars(select(Member).where(Member.uuid.in_(chunk))):
            members[member.uuid] = member
    for row in rows:
        member = members[row.member_uuid]
        keys = {key for key, *_ in row.changes}
        changed = {key: row.values[key] for key in keys if key in FIELD_BY_KEY}
        if locked and home is not None and member.unit_id != home.id:
            refused = sorted(key for key in changed if key in locked)
            if refused:
                labels = ", ".join(FIELD_BY_KEY[key].label for key in refused)
                raise UserError(f"{labels}: do chi bộ quản lý hồ sơ của {member.full_name}; hãy sửa ở chi bộ, thay đổi "
                                "sẽ lên qua gói đồng bộ.")
        for key, value in changed.items():
            setattr(member, key, value)
        if "unit" in keys and row.unit_id is not None:
            member.unit_id = row.unit_id
        if "birth_year" in keys:
            member.birth_year = row.birth_year
        audit.record_changes(session, actor, member, entity="member")
    session.flush()
    for row in rows:
        if any(key == "party_gap" for key, *_ in row.changes):
            apply_gap(session, actor, row.member_uuid, row.gap)
