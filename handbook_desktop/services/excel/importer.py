"""Importing members from Excel: a dry run row by row, then all accepted rows in one transaction.

Rows are matched to records by card number, then CCCD, then name and birth date, so importing
the same file twice changes nothing. A cell that cannot be read rejects its row with the reason;
nothing is guessed, nothing is dropped without saying so.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import fold, mask_digits
from handbook_desktop.services import audit
from handbook_desktop.services.excel.cells import (
    CellProblem, from_tcvn3, legacy_encoding, parse_date_cell, text_cell,
)
from handbook_desktop.services.excel.gaps import GAP_COLUMNS, GAP_LABELS, apply_gap, plan_gap, read_gap
from handbook_desktop.services.excel.reader import UNIT_KEY, find_layout, is_column_numbers, read_workbook
from handbook_desktop.services.members.fields import FIELD_BY_KEY, enum_code
from handbook_desktop.services.members.records import (
    create_member, find_duplicates, member_values, prepare_values, update_member,
)
from handbook_desktop.services.members.validation import validate_member
from handbook_desktop.services.rules import rule_book
from handbook_desktop.store.models import Member, Unit

log = logging.getLogger(__name__)

ACTION_LABELS = {"create": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi", "rejected": "Không nhận"}


@dataclass
class RowOutcome:
    row_number: int  # as Excel numbers it
    action: str  # create | update | unchanged | rejected
    full_name: str = ""
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (field, label, old, new)
    values: dict = field(default_factory=dict)
    unit_id: int | None = None
    member_uuid: str | None = None
    cells: list = field(default_factory=list)
    gap: dict = field(default_factory=dict)  # leaving the Party and re-admission (services.excel.gaps)

    @property
    def message(self) -> str:
        if self.reasons:  # a refused row: the reasons alone, so that they are read
            return " ".join(self.reasons)
        parts = []
        if self.changes:
            parts.append("; ".join(f"{label}: {old or '—'} → {new or '—'}" for _, label, old, new in self.changes))
        parts.extend(f"Lưu ý: {w}" for w in self.warnings)
        return " ".join(parts)


@dataclass
class ImportPlan:
    file: str
    sheet: str
    header_row: int  # as Excel numbers it
    headings: list
    columns: dict[str, str]  # heading as written → field label
    ignored_columns: list[str]
    notes: list[str]
    rows: list[RowOutcome]
    applied: bool = False

    def counts(self) -> dict[str, int]:
        result = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        names = {"create": "created", "update": "updated", "unchanged": "unchanged", "rejected": "rejected"}
        for row in self.rows:
            result[names[row.action]] += 1
        return result

    def rejected(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.action == "rejected"]

    def to_json(self) -> dict:
        return {
            "file": self.file, "sheet": self.sheet, "header_row": self.header_row, "applied": self.applied,
            **self.counts(),
            "columns": self.columns, "ignored_columns": self.ignored_columns, "notes": self.notes,
            "rejected_rows": [{"row": r.row_number, "full_name": r.full_name, "reason": " ".join(r.reasons)}
                              for r in self.rejected()],
            "rows": [{"row": r.row_number, "action": r.action, "full_name": r.full_name, "member_uuid": r.member_uuid,
                      "reasons": r.reasons, "warnings": r.warnings,
                      "changes": [{"field": f, "old": o, "new": n} for f, _, o, n in r.changes]}
                     for r in self.rows],
        }


def _show(key: str, value) -> str:
    spec = FIELD_BY_KEY.get(key)
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date(value)
    if spec is not None and spec.kind == "enum":
        return spec.label_of(value)
    if spec is not None and spec.sensitive and key in ("national_id", "phone"):
        return mask_digits(str(value))
    return str(value)


class _Units:
    def __init__(self, session: Session):
        self.by_key: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for unit in session.scalars(select(Unit).where(Unit.deleted_at.is_(None))):
            self.by_key.setdefault(fold(unit.code), unit.id)
            self.by_key.setdefault(fold(unit.name), unit.id)
            self.names[unit.id] = unit.name
        self.home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()

    def find(self, text: str) -> int | None:
        return self.by_key.get(fold(text))


def _read_row(cells: list, columns: dict[int, str], headings: dict[int, str], today: date):
    values: dict = {}
    unit_text = None
    problems: list[str] = []
    notes: list[str] = []  # what was done to a cell that the user should know (a font converted)
    for column, key in columns.items():
        raw = cells[column] if column < len(cells) else None
        heading = headings[column]
        if key == UNIT_KEY:
            unit_text = text_cell(raw)
            continue
        if key in GAP_COLUMNS:  # read by read_gap
            continue
        spec = FIELD_BY_KEY[key]
        if spec.kind == "date":
            try:
                value = parse_date_cell(raw, today)
            except CellProblem as problem:
                problems.append(f"Cột '{heading}': {problem}")
                continue
            if value is not None:
                values[key] = value
            continue
        text = text_cell(raw)
        if text is None:
            continue
        encoding = legacy_encoding(text)
        converted = from_tcvn3(text) if encoding == "TCVN3" else None
        if converted is not None:
            if key == "full_name":  # .VnTime has no toned capitals: "¸nh" was typed for "Ánh"
                converted = " ".join(word[:1].upper() + word[1:] for word in converted.split(" "))
            notes.append(f"Cột '{heading}': chữ phông TCVN3 '{text[:30]}' đã chuyển sang Unicode: '{converted[:30]}'.")
            text, encoding = converted, None
        if encoding:
            problems.append(
                f"Cột '{heading}' có chữ gõ bằng phông cũ {encoding} ('{text[:30]}'): hãy chuyển bảng sang "
                "Unicode (Unikey → Công cụ chuyển mã) rồi nhập lại."
            )
            continue
        if spec.kind == "enum":
            code = enum_code(spec, text)
            if code is None:
                choices = ", ".join(label for _, label in spec.choices)
                problems.append(f"Cột '{heading}': '{text}' không có trong danh mục ({choices}).")
                continue
            values[key] = code
            continue
        values[key] = text
    return values, unit_text, problems, notes


def _match(session: Session, values: dict) -> Member | None:
    """The existing record a row speaks of: by card number, then CCCD, then name and birth date."""
    if values.get("party_card_number"):
        member = session.scalars(select(Member).where(Member.party_card_number == values["party_card_number"])
                                 .order_by(Member.deleted_at.is_not(None), Member.id)).first()
        if member is not None:
            return member
    if values.get("national_id"):
        member = session.scalars(select(Member).where(Member.national_id == values["national_id"])
                                 .order_by(Member.deleted_at.is_not(None), Member.id)).first()
        if member is not None:
            return member
    if values.get("full_name") and values.get("date_of_birth"):
        return session.scalars(
            select(Member).where(Member.name_fold == fold(values["full_name"]),
                                 Member.date_of_birth == values["date_of_birth"])
            .order_by(Member.deleted_at.is_not(None), Member.id)
        ).first()
    return None


def _derived_status(values: dict) -> MemberStatus:
    if values.get("official_date"):
        return MemberStatus.OFFICIAL
    if values.get("decision_date") or values.get("ceremony_date"):
        return MemberStatus.PROBATIONARY
    return MemberStatus.OFFICIAL


NO_STATUS_COLUMN = ("Bảng không có cột Trạng thái: người có ngày chính thức ghi là chính thức, người chỉ có "
                    "ngày kết nạp ghi là dự bị, người không có ngày nào ghi là chính thức.")


def plan_import(session: Session, path: str | Path, *, today: date | None = None,
                default_unit_id: int | None = None) -> ImportPlan:
    """What importing the file would do, row by row; changes nothing."""
    today = today or date.today()
    sheets = read_workbook(Path(path))
    sheet, layout = find_layout(sheets)
    book = rule_book(session)
    units = _Units(session)
    fallback_unit = default_unit_id
    if fallback_unit is None and units.home is not None and units.home.level == "chi-bo":
        fallback_unit = units.home.id
    header_cells = list(sheet.rows[layout.header_row])
    plan = ImportPlan(
        file=str(path), sheet=sheet.name, header_row=layout.header_row + 1, headings=header_cells,
        columns={layout.headings[c]: ("Chi bộ" if k == UNIT_KEY else GAP_LABELS.get(k) or FIELD_BY_KEY[k].label)
                 for c, k in layout.columns.items()},
        ignored_columns=layout.ignored, notes=[], rows=[],
    )
    has_status = "status" in layout.columns.values()
    if not has_status:
        plan.notes.append(NO_STATUS_COLUMN)
    name_columns = [c for c, k in layout.columns.items() if k == "full_name"]
    if layout.ignored:
        plan.notes.append("Các cột không nhận ra, không nhập: " + ", ".join(f"'{h}'" for h in layout.ignored) + ".")
    seen: dict[tuple, int] = {}
    for index in range(layout.header_row + 1, len(sheet.rows)):
        cells = list(sheet.rows[index])
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells):
            continue
        if index == layout.header_row + 1 and is_column_numbers(cells):
            plan.notes.append(f"Dòng {index + 1} là dòng đánh số cột, bỏ qua.")
            continue
        if any(sheet.merged_origin.get((index, c), (index, c))[0] <= layout.header_row for c in layout.columns):
            # Still part of a heading merged down from above.
            continue
        outcome = RowOutcome(index + 1, "rejected", cells=cells)
        plan.rows.append(outcome)
        values, unit_text, problems, notes = _read_row(cells, layout.columns, layout.headings, today)
        values = prepare_values(values)
        raw_name = cells[name_columns[0]] if name_columns and name_columns[0] < len(cells) else None
        outcome.full_name = values.get("full_name") or text_cell(raw_name) or ""
        outcome.values = values
        outcome.reasons.extend(problems)
        outcome.warnings.extend(notes)
        outcome.gap, gap_problems = read_gap(cells, layout.columns, layout.headings, today)
        outcome.reasons.extend(gap_problems)
        if not values.get("full_name") and not problems:
            outcome.reasons.append("Thiếu họ và tên.")
        unit_id = None
        if unit_text:
            unit_id = units.find(unit_text)
            if unit_id is None:
                outcome.reasons.append(f"Không có chi bộ '{unit_text}' trong danh sách đơn vị.")
        else:
            unit_id = fallback_unit
            if unit_id is None:
                outcome.reasons.append("Chưa rõ chi bộ của người này: hãy thêm cột 'Chi bộ' hoặc chọn chi bộ khi nhập.")
        outcome.unit_id = unit_id
        if outcome.reasons:
            continue
        keys = []
        if values.get("party_card_number"):
            keys.append(("card", values["party_card_number"]))
        if values.get("national_id"):
            keys.append(("cccd", values["national_id"]))
        if values.get("date_of_birth"):
            keys.append(("name", fold(values["full_name"]), values["date_of_birth"]))
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None:
            outcome.reasons.append(f"Trùng với dòng {earlier} trong cùng tệp (cùng số thẻ, CCCD hoặc họ tên và ngày sinh).")
            continue
        for key in keys:
            seen[key] = outcome.row_number
        existing = _match(session, values)
        if existing is not None and existing.deleted_at is not None:
            outcome.reasons.append(f"Khớp với hồ sơ {existing.full_name} đang ở Thùng rác: hãy khôi phục hồ sơ đó trước.")
            continue
        if existing is not None:
            merged = member_values(existing)
            merged.update(values)
            exclude = existing.id
        else:
            merged = dict(values)
            if "status" not in merged:
                status = _derived_status(merged)
                merged["status"] = values["status"] = status.value
                if has_status:  # the column is there but this cell is empty: say what was chosen
                    outcome.warnings.append(f"Ô Trạng thái để trống: ghi là '{status.label}' theo các ngày đã có.")
            merged.setdefault("party_position", "member")
            exclude = None
        plan_gap(outcome, outcome.gap, merged, existing)
        issues = validate_member(merged, book, today)
        outcome.reasons.extend(issue.message for issue in issues if issue.blocking)
        outcome.warnings.extend(issue.message for issue in issues if not issue.blocking)
        if outcome.reasons:
            continue
        duplicates = find_duplicates(session, merged, exclude_id=exclude)
        if duplicates:
            outcome.reasons.append("Trùng hồ sơ khác: " + "; ".join(d.describe() for d in duplicates) + ".")
            continue
        if existing is None:
            outcome.action = "create"
            continue
        outcome.member_uuid = existing.uuid
        gap_change = [c for c in outcome.changes if c[0] == "party_gap"]
        outcome.changes = [c for c in outcome.changes if c[0] != "party_gap"]
        for key, value in values.items():
            old = getattr(existing, key)
            if old != value:
                outcome.changes.append((key, FIELD_BY_KEY[key].label, _show(key, old), _show(key, value)))
        if unit_text and unit_id != existing.unit_id:
            outcome.changes.append(("unit", "Chi bộ", units.names.get(existing.unit_id, ""), units.names.get(unit_id, "")))
        outcome.changes.extend(gap_change)
        outcome.action = "update" if outcome.changes else "unchanged"
        # Warnings about fields the row does not change belong to the record, not to this import.
        if outcome.action == "unchanged":
            outcome.warnings.clear()
    return plan


def _backup_before_import(database) -> Path | None:
    if database.file is None:
        return None
    from handbook_desktop import paths
    from handbook_desktop.store.snapshot import snapshot

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = paths.backups_dir() / f"truoc-nhap-excel-{stamp}.sqlite3"
    snapshot(database.file, target)
    return target


def apply_import(database, actor, path: str | Path, *, today: date | None = None,
                 default_unit_id: int | None = None) -> ImportPlan:
    """Write every accepted row in one transaction (all or nothing), after a verified backup."""
    actor.require("write")
    today = today or date.today()
    backup = _backup_before_import(database)
    with database.immediate() as session:
        plan = plan_import(session, path, today=today, default_unit_id=default_unit_id)
        book = rule_book(session)
        for row in plan.rows:
            if row.action == "create":
                member, _ = create_member(session, actor, row.values, unit_id=row.unit_id, allow_duplicates=True,
                                          today=today, book=book)
                row.member_uuid = member.uuid
                if row.gap.get("left_on"):
                    apply_gap(session, actor, member.uuid, row.gap)
            elif row.action == "update":
                changed = {key: row.values[key] for key, *_ in row.changes if key not in ("unit", "party_gap")}
                unit_id = row.unit_id if any(key == "unit" for key, *_ in row.changes) else None
                if changed or unit_id is not None:
                    update_member(session, actor, row.member_uuid, changed, unit_id=unit_id, allow_duplicates=True,
                                  today=today, book=book)
                if any(key == "party_gap" for key, *_ in row.changes):
                    apply_gap(session, actor, row.member_uuid, row.gap)
        audit.record(session, actor, "import", entity="member",
                     detail={"file": Path(path).name, **plan.counts(), "backup": backup.name if backup else None})
        plan.applied = True
    return plan


def plan_outline(plan: ImportPlan) -> list[dict]:
    return [asdict(row) for row in plan.rows]
