"""Rule tables: shipped in ``resources/rules/*.toml``, loaded into the ``rule`` table, read as a RuleBook.

Rules sent down by the committee arrive as rows of the same table (they travel in packages).
A newer program brings its rule files into an existing database when it opens it
(``refresh_shipped_rules``): versions the database lacks are added, and a shipped version the
program has since corrected is corrected — but only where nobody changed it (the row still came
from the files: no origin unit, version 1). A rule the committee set is never overwritten.
"""

from __future__ import annotations

import copy
import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop import paths
from handbook_desktop.domain.rules import Rule, RuleBook
from handbook_desktop.store.models import RuleRow


_PARSED: dict[tuple, list[Rule]] = {}  # the files' (path, size, mtime) → their rules, parsed once


def shipped_rules(folder: Path | None = None) -> list[Rule]:
    """The rules shipped with the program (``resources/rules/*.toml``). Parsed once while the files stay
    as they are (the to-do asks for the rule book a dozen times: 13 ms of TOML each); each caller gets
    its own copy of list and dict values."""
    folder = folder or paths.resource("rules")
    files = sorted(folder.glob("*.toml"))
    key = tuple((str(file), file.stat().st_size, file.stat().st_mtime_ns) for file in files)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = []
        for file in files:
            with open(file, "rb") as handle:
                data = tomllib.load(handle)
            for entry in data.get("rule", []):
                effective = entry["effective_from"]
                if not isinstance(effective, date):
                    effective = date.fromisoformat(str(effective))
                parsed.append(Rule(entry["key"], entry["value"], effective, entry["source"], entry.get("note", "")))
        _PARSED.clear()
        _PARSED[key] = parsed
    return [Rule(r.key, copy.deepcopy(r.value), r.effective_from, r.source, r.note)
            if isinstance(r.value, (list, dict)) else r for r in parsed]


def install_shipped_rules(session: Session, origin_unit: str = "", rules: list[Rule] | None = None) -> int:
    """Add shipped rule versions missing from the database. Returns how many were added."""
    existing = {(row.key, row.effective_from) for row in session.scalars(select(RuleRow))}
    added = 0
    for rule in shipped_rules() if rules is None else rules:
        if (rule.key, rule.effective_from) in existing:
            continue
        session.add(
            RuleRow(
                key=rule.key,
                value_json=json.dumps(rule.value, ensure_ascii=False),
                effective_from=rule.effective_from,
                source=rule.source,
                note=rule.note or None,
                origin_unit=origin_unit,
            )
        )
        added += 1
    return added


@dataclass(frozen=True)
class RuleRefresh:
    added: int
    corrected: tuple[str, ...]  # "key from dd/mm/yyyy" of each corrected version


def refresh_shipped_rules(session: Session) -> RuleRefresh:
    """Bring the shipped rule files into this database (see the module's note); audited."""
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.auth import SYSTEM

    shipped = shipped_rules()
    rows = {(row.key, row.effective_from): row for row in session.scalars(select(RuleRow))}
    added = install_shipped_rules(session, rules=shipped)
    from handbook_desktop.services.calendar_days import refresh_shipped_days

    days_added, days_corrected = refresh_shipped_days(session)  # the published calendar travels the same way
    corrected = []
    for rule in shipped:
        row = rows.get((rule.key, rule.effective_from))
        if row is None or row.origin_unit or row.version != 1 or row.deleted_at is not None:
            continue
        value_json = json.dumps(rule.value, ensure_ascii=False)
        if (json.loads(row.value_json), row.source, row.note or "") == (rule.value, rule.source, rule.note or ""):
            continue
        row.value_json, row.source, row.note = value_json, rule.source, rule.note or None
        corrected.append(f"{rule.key} từ {rule.effective_from:%d/%m/%Y}")
    if days_added or days_corrected:
        _flush_as_shipped(session)
        record(session, SYSTEM, "calendar_update", entity="calendar_day",
               detail={"added": days_added, "corrected": days_corrected})
    if added or corrected:
        _flush_as_shipped(session)
        record(session, SYSTEM, "rules_update", entity="rule",
               detail={"added": added, "corrected": corrected})
    return RuleRefresh(added, tuple(corrected))


def _flush_as_shipped(session: Session) -> None:
    """Write the corrections with their version kept: still "as shipped" (version 1), so that a later
    correction of the files applies too."""
    keep = session.info.get("keep_versions", False)
    session.info["keep_versions"] = True
    try:
        session.flush()
    finally:
        session.info["keep_versions"] = keep


def rule_book(session: Session) -> RuleBook:
    rows = session.scalars(select(RuleRow).where(RuleRow.deleted_at.is_(None)))
    return RuleBook.of(
        Rule(row.key, json.loads(row.value_json), row.effective_from, row.source, row.note or "") for row in rows
    )


def load_rule_book(database) -> RuleBook:
    with database.read() as session:
        book = rule_book(session)
    return book if book.keys() else RuleBook.of(shipped_rules())


def _parse_value(text: str):
    """A rule value as typed: JSON (numbers, lists, objects, quoted text) or plain text."""
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()


def _same_shape(old, new) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return True
    return type(old) is type(new)


def add_rule(session: Session, actor, key: str, value, effective_from: date, source: str,
             note: str | None = None) -> RuleRow:
    """A new version of a rule written by this installation (the committee); it travels down in the
    next package. Only a version the committee wrote itself may be corrected in place; a shipped or
    received version stays, and a new version with a later date supersedes it. Audited."""
    from handbook_desktop.services.audit import record
    from handbook_desktop.services.errors import UserError

    actor.require("write")
    key = (key or "").strip()
    source = (source or "").strip()
    if isinstance(value, str):
        value = _parse_value(value)
    if not key:
        raise UserError("Cần tên (khóa) của quy tắc, ví dụ dues.amount.flat_default.")
    if not source:
        raise UserError("Cần ghi căn cứ của quy tắc (số và ngày văn bản), để ai đọc cũng biết nó từ đâu ra.")
    if not isinstance(effective_from, date):
        raise UserError("Cần ngày có hiệu lực theo dạng dd/mm/yyyy.")
    rows = list(session.scalars(select(RuleRow).where(RuleRow.key == key, RuleRow.deleted_at.is_(None))))
    known = {rule.key for rule in shipped_rules()} | {row.key for row in rows}
    if key not in known:
        raise UserError(f"Chương trình không đọc quy tắc '{key}': hãy kiểm tra lại tên (xem 'rules list').")
    sample = next((json.loads(r.value_json) for r in rows), None)
    if sample is None:
        sample = next(r.value for r in shipped_rules() if r.key == key)
    if not _same_shape(sample, value):
        raise UserError(f"Giá trị của quy tắc '{key}' phải cùng dạng với các phiên bản trước "
                        f"(ví dụ {json.dumps(sample, ensure_ascii=False)}).")
    home = _home_code(session)
    value_json = json.dumps(value, ensure_ascii=False)
    same_day = next((r for r in rows if r.effective_from == effective_from), None)
    if same_day is not None:
        if same_day.origin_unit != home:
            raise UserError(f"Đã có phiên bản của '{key}' từ ngày {effective_from:%d/%m/%Y} do "
                            f"{same_day.origin_unit or 'chương trình'} ban hành; không sửa được ở đây: hãy ghi "
                            "một phiên bản có hiệu lực từ ngày sau.")
        old = (same_day.value_json, same_day.source, same_day.note)
        same_day.value_json, same_day.source, same_day.note = value_json, source, (note or "").strip() or None
        session.flush()
        record(session, actor, "update", entity="rule", entity_uuid=same_day.uuid, field=key,
               old=f"{old[0]} ({old[1]})", new=f"{value_json} ({source})")
        return same_day
    row = RuleRow(key=key, value_json=value_json, effective_from=effective_from, source=source,
                  note=(note or "").strip() or None, origin_unit=home)
    session.add(row)
    session.flush()
    record(session, actor, "create", entity="rule", entity_uuid=row.uuid, field=key,
           new=f"{value_json} từ {effective_from:%d/%m/%Y} ({source})")
    return row


def _home_code(session: Session) -> str:
    from handbook_desktop.store.models import Unit

    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    return unit.code if unit is not None else ""


@dataclass(frozen=True)
class RuleVersion:
    key: str
    value: object
    effective_from: date
    source: str
    note: str
    origin: str  # "chương trình" (shipped), or the unit code that wrote it
    check: bool  # found only in secondary sources: to be checked against the text


def rule_versions(session: Session, key: str | None = None) -> list[RuleVersion]:
    """Every version with where it came from, by key then date."""
    query = select(RuleRow).where(RuleRow.deleted_at.is_(None)).order_by(RuleRow.key, RuleRow.effective_from)
    if key:
        query = query.where(RuleRow.key == key)
    return [RuleVersion(r.key, json.loads(r.value_json), r.effective_from, r.source, r.note or "",
                        r.origin_unit or "chương trình", "(check)" in r.source)
            for r in session.scalars(query)]
