"""Rule tables: shipped in ``resources/rules/*.toml``, loaded into the ``rule`` table, read as a RuleBook.

Rules sent down by the committee arrive as rows of the same table (they travel in packages).
A newer program brings its rule files into an existing database when it opens it
(``refresh_shipped_rules``): versions the database lacks are added, and a shipped version the
program has since corrected is corrected — but only where nobody changed it (the row still came
from the files: no origin unit, version 1). A rule the committee set is never overwritten.
"""

from __future__ import annotations

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


def shipped_rules(folder: Path | None = None) -> list[Rule]:
    folder = folder or paths.resource("rules")
    rules: list[Rule] = []
    for file in sorted(folder.glob("*.toml")):
        with open(file, "rb") as handle:
            data = tomllib.load(handle)
        for entry in data.get("rule", []):
            effective = entry["effective_from"]
            if not isinstance(effective, date):
                effective = date.fromisoformat(str(effective))
            rules.append(Rule(entry["key"], entry["value"], effective, entry["source"], entry.get("note", "")))
    return rules


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
        keep = session.info.get("keep_versions", False)
        session.info["keep_versions"] = True
        try:
            session.flush()
        finally:
            session.info["keep_versions"] = keep
        record(session, SYSTEM, "calendar_update", entity="calendar_day",
               detail={"added": days_added, "corrected": days_corrected})
    if added or corrected:
        # Still "as shipped" (version 1), so that a later correction of the files applies too.
        keep = session.info.get("keep_versions", False)
        session.info["keep_versions"] = True
        try:
            session.flush()
        finally:
            session.info["keep_versions"] = keep
        record(session, SYSTEM, "rules_update", entity="rule",
               detail={"added": added, "corrected": corrected})
    return RuleRefresh(added, tuple(corrected))


def rule_book(session: Session) -> RuleBook:
    rows = session.scalars(select(RuleRow).where(RuleRow.deleted_at.is_(None)))
    return RuleBook.of(
        Rule(row.key, json.loads(row.value_json), row.effective_from, row.source, row.note or "") for row in rows
    )


def load_rule_book(database) -> RuleBook:
    with database.read() as session:
        book = rule_book(session)
    return book if book.keys() else RuleBook.of(shipped_rules())
