"""Importing members from a sheet: a dry run row by row, then all accepted rows in one transaction.

The layout (header, columns, groups, end of the table) comes from ``layout``, or from the mapping
the secretary set for the same layout before (``mappings``). Rows are matched to records by
``matching``, so importing the same file twice changes nothing; a row that could be one of several
records is asked about, never guessed. A cell that cannot be read rejects its row with the reason;
every assumption (status from dates, a group or the sheet; a year kept alone) is listed on the row.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import fold, mask_digits
from handbook_desktop.services import audit
from handbook_desktop.services.excel.layout import Layout, apply_mapping, find_layout
from handbook_desktop.services.excel.limits import ExcelLimits
from handbook_desktop.services.excel.matching import Known, MemberIndex, describe, find_match
from handbook_desktop.services.excel.plan import ACTION_LABELS, ImportPlan, RowOutcome, SheetPlan
from handbook_desktop.services.excel.reader import read_workbook
from handbook_desktop.services.excel.status import row_status
from handbook_desktop.services.excel.values import read_row
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.excel.gaps import GAP_LABELS, apply_gap, plan_gap, read_gap
from handbook_desktop.services.excel.headings import UNIT_KEY
from handbook_desktop.services.members.fields import FIELD_BY_KEY
from handbook_desktop.services.members.records import create_member, member_values, prepare_values, update_member
from handbook_desktop.services.members.validation import validate_member
from handbook_desktop.services.rules import rule_book
from handbook_desktop.store.models import Member, SheetLayout, Unit

log = logging.getLogger(__name__)
NEW = "new"  # the answer "a new person" to a row that was asked about

__all__ = ["ACTION_LABELS", "ImportPlan", "RowOutcome", "apply_import", "plan_import", "remembered_mapping"]


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


class _RememberingBook:
    """The rule book with its answers kept for one import: a sheet of 20,000 rows asks the same
    few rules for the same days thousands of times (validation scans every version for days before
    the first one)."""

    def __init__(self, book):
        self._book = book
        self._values: dict = {}
        self._all = None

    def value(self, key, on):
        found = self._values.get((key, on))
        if found is None:
            try:
                found = (True, self._book.value(key, on))
            except LookupError as missing:
                found = (False, missing)
            self._values[(key, on)] = found
        if not found[0]:
            raise found[1]
        return found[1]

    def all(self):
        if self._all is None:
            self._all = self._book.all()
        return self._all

    def __getattr__(self, name):
        return getattr(self._book, name)


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


def remembered_mapping(session: Session, signature: str) -> dict[int, str] | None:
    row = session.get(SheetLayout, signature)
    return {int(c): k for c, k in json.loads(row.mapping_json).items()} if row is not None else None


def remember_mapping(session: Session, actor, sheet: SheetPlan, mapping: dict[int, str]) -> None:
    row = session.get(SheetLayout, sheet.signature)
    text = json.dumps({str(c): k for c, k in sorted(mapping.items())}, ensure_ascii=False)
    if row is None:
        session.add(SheetLayout(signature=sheet.signature, sheet_name=sheet.name, mapping_json=text,
                                username=actor.username))
    else:
        row.mapping_json, row.sheet_name, row.username, row.updated_at = text, sheet.name, actor.username, datetime.now()


def _sheet_plan(layout: Layout) -> SheetPlan:
    return SheetPlan(
        name=layout.sheet.name, header_rows=(layout.header_rows[0] + 1, layout.header_rows[1] + 1),
        columns=dict(layout.columns), headings=dict(layout.headings),
        groups=[(r + 1, t, s) for r, t, s in layout.groups],
        end=(layout.end[0] + 1, layout.end[1]) if layout.end else None,
        skipped=[(r + 1, why) for r, why in layout.skipped], signature=layout.signature(),
        status=layout.sheet_status, remembered=layout.remembered, width=layout.sheet.width,
    )


def read_layouts(session: Session, path, *, today: date, sheets: list[str] | None = None,
                 mappings: dict[str, dict[int, str]] | None = None) -> tuple[list[Layout], list[str]]:
    """The layouts of the sheets to import (all that hold a member list, or those named) and the
    names of the others."""
    limits = ExcelLimits.from_book(rule_book(session), today)
    found, others = [], []
    for sheet in read_workbook(Path(path), limits):
        wanted = sheets is None and not sheet.hidden or sheets is not None and sheet.name in sheets
        layout = find_layout(sheet) if wanted else None
        if layout is None:
            others.append(sheet.name)
            continue
        mapping = (mappings or {}).get(sheet.name)
        if mapping is not None:
            apply_mapping(layout, mapping)
        else:
            mapping = remembered_mapping(session, layout.signature())
            if mapping is not None:
                apply_mapping(layout, mapping, remembered=True)
        found.append(layout)
    if not found:
        raise UserError(
            "Không tìm thấy bảng danh sách đảng viên: trong 30 dòng đầu của các trang không có dòng tiêu đề "
            "có cột 'Họ và tên' và một cột khác (ví dụ 'Ngày sinh'). Hãy dùng tệp mẫu nhập liệu."
        )
    return found, others


def plan_import(session: Session, path: str | Path, *, today: date | None = None,
                default_unit_id: int | None = None, sheets: list[str] | None = None,
                mappings: dict[str, dict[int, str]] | None = None,
                answers: dict[str, str] | None = None) -> ImportPlan:
    """What importing the file would do, row by row; changes nothing."""
    today = today or date.today()
    layouts, others = read_layouts(session, path, today=today, sheets=sheets, mappings=mappings)
    book = _RememberingBook(rule_book(session))
    units = _Units(session)
    fallback_unit = default_unit_id
    if fallback_unit is None and units.home is not None and units.home.level == "chi-bo":
        fallback_unit = units.home.id
    first = layouts[0]
    plan = ImportPlan(
        file=str(path), sheet=", ".join(layout.sheet.name for layout in layouts), header_row=first.header_row + 1,
        headings=list(first.sheet.rows[first.header_row]),
        columns={first.headings[c]: ("Chi bộ" if k == UNIT_KEY else GAP_LABELS.get(k) or FIELD_BY_KEY[k.split("@")[0]].label)
                 for c, k in first.columns.items()},
        ignored_columns=[h for layout in layouts for h in layout.ignored], notes=[], rows=[],
        sheets=[_sheet_plan(layout) for layout in layouts], other_sheets=others,
    )
    index = MemberIndex(session)
    seen: dict[tuple, int] = {}
    context = _Context(session, book, units, fallback_unit, index, seen, answers or {}, today)
    for layout in layouts:
        _notes(plan, layout)
        for body in layout.body:
            plan.rows.append(_plan_row(context, layout, body))
    return plan


def _notes(plan: ImportPlan, layout: Layout) -> None:
    name = layout.sheet.name
    if layout.ignored:
        plan.notes.append(f"Trang '{name}': các cột không nhận ra, không nhập: "
                          + ", ".join(f"'{h}'" for h in layout.ignored) + ".")
    for row, why in layout.skipped:
        plan.notes.append(f"Trang '{name}', dòng {row + 1}: {why}, bỏ qua.")
    for row, text, status in layout.groups:
        said = f" — trạng thái '{MemberStatus(status).label}' cho các dòng dưới" if status else ""
        plan.notes.append(f"Trang '{name}', dòng {row + 1}: nhóm '{text}'{said}.")
    if layout.end:
        plan.notes.append(f"Trang '{name}': bảng kết thúc ở dòng {layout.end[0] + 1} ('{layout.end[1][:40]}'); "
                          "các dòng từ đó trở xuống (tổng cộng, chữ ký) không phải đảng viên.")
    if layout.sheet_status:
        plan.notes.append(f"Trang '{name}' là danh sách '{MemberStatus(layout.sheet_status).label}'.")


class _Context:
    def __init__(self, session, book, units, fallback_unit, index, seen, answers, today):
        self.session, self.book, self.units, self.fallback_unit = session, book, units, fallback_unit
        self.index, self.seen, self.answers, self.today = index, seen, answers, today


def _plan_row(ctx: _Context, layout: Layout, body) -> RowOutcome:
    cells = body.cells
    outcome = RowOutcome(body.index + 1, "rejected", sheet=layout.sheet.name, cells=cells, group=body.group)
    read = read_row(cells, layout.columns, layout.headings, ctx.today)
    values = prepare_values(read.values)
    outcome.values, outcome.birth_year = values, read.birth_year
    outcome.full_name = values.get("full_name") or ""
    outcome.reasons.extend(read.problems)
    outcome.warnings.extend(read.notes)
    outcome.gap, gap_problems = read_gap(cells, layout.columns, layout.headings, ctx.today)
    outcome.reasons.extend(gap_problems)
    if body.group and not body.group_status:
        outcome.assumptions.append(f"thuộc nhóm '{body.group}'")
    if not values.get("full_name") and not read.problems:
        outcome.reasons.append("Thiếu họ và tên.")
    if read.unit_text:
        outcome.unit_id = ctx.units.find(read.unit_text)
        if outcome.unit_id is None:
            outcome.reasons.append(f"Không có chi bộ '{read.unit_text}' trong danh sách đơn vị.")
    else:
        outcome.unit_id = ctx.fallback_unit
        if outcome.unit_id is None:
            outcome.reasons.append("Chưa rõ chi bộ của người này: hãy thêm cột 'Chi bộ' hoặc chọn chi bộ khi nhập.")
    if outcome.reasons:
        return outcome
    if _same_as_earlier(ctx, outcome, values, read.birth_year):
        return outcome
    match = find_match(ctx.index, values, read.birth_year)
    answer = ctx.answers.get(outcome.key)
    existing = match.member
    if match.ambiguous or (answer and answer != NEW and existing is None):
        chosen = next((m for m in match.candidates if m.uuid == answer), None)
        if answer == NEW:
            existing = None
            outcome.candidates = [(m.uuid, describe(m)) for m in match.candidates]
        elif chosen is not None:
            existing = chosen
            outcome.candidates = [(m.uuid, describe(m)) for m in match.candidates]  # the choice stays changeable
            outcome.assumptions.append(f"là hồ sơ {describe(chosen)} (đã chọn)")
        else:
            outcome.action = "ask"
            outcome.candidates = [(m.uuid, describe(m)) for m in match.candidates]
            outcome.reasons.append(f"Có {len(match.candidates)} hồ sơ có thể là người này: "
                                   + "; ".join(describe(m) for m in match.candidates)
                                   + ". Hãy chọn đúng hồ sơ hoặc 'người mới' (hoặc thêm ngày sinh, số thẻ vào bảng).")
            return outcome
    elif existing is not None and match.how.startswith("họ tên (") and answer != NEW:
        outcome.assumptions.append(f"là hồ sơ đã có {describe(existing)} (khớp theo họ tên)")
    elif answer == NEW:
        existing = None
    if existing is not None and existing.deleted_at is not None:
        outcome.reasons.append(f"Khớp với hồ sơ {existing.full_name} đang ở Thùng rác: hãy khôi phục hồ sơ đó trước.")
        return outcome
    _decide(ctx, layout, body, read, outcome, values, existing)
    return outcome


def _same_as_earlier(ctx: _Context, outcome: RowOutcome, values: dict, birth_year: int | None) -> bool:
    keys = []
    if values.get("party_card_number"):
        keys.append(("card", values["party_card_number"]))
    if values.get("national_id"):
        keys.append(("cccd", values["national_id"]))
    if values.get("date_of_birth"):
        keys.append(("name", fold(values["full_name"]), values["date_of_birth"]))
    elif birth_year is not None:
        keys.append(("name", fold(values["full_name"]), birth_year))
    earlier = next((ctx.seen[key] for key in keys if key in ctx.seen), None)
    if earlier is not None:
        outcome.reasons.append(f"Trùng với dòng {earlier[1]} (trang '{earlier[0]}') trong cùng tệp "
                               "(cùng số thẻ, CCCD hoặc họ tên và ngày sinh).")
        return True
    for key in keys:
        ctx.seen[key] = (outcome.sheet, outcome.row_number)
    return False


def _clashes(ctx: _Context, values: dict, existing: Known | None) -> list[str]:
    """A CCCD or card number that belongs to another record than the one this row is."""
    found = []
    for key, table, label in (("national_id", ctx.index.by_cccd, "số CCCD"),
                              ("party_card_number", ctx.index.by_card, "số thẻ")):
        for other in table.get(values.get(key) or "", []):
            if existing is None or other.id != existing.id:
                found.append(f"cùng {label} với {describe(other)}")
    return found


def _decide(ctx, layout, body, read, outcome: RowOutcome, values: dict, existing: Known | None) -> None:
    member = ctx.session.get(Member, existing.id) if existing is not None else None
    status, said, source = row_status(values, read.status_from_notes, body.group, body.group_status,
                                      layout.sheet.name, layout.sheet_status, ctx.book, ctx.today)
    # A record already kept keeps its status unless the sheet says one (column, notes, group, sheet).
    if member is None or source != "dates":
        values["status"] = status
        if said:
            outcome.assumptions.append(said)
    if member is not None:
        merged = member_values(member)
        merged.update(values)
    else:
        merged = dict(values)
        merged.setdefault("party_position", "member")
    plan_gap(outcome, outcome.gap, merged, member)
    issues = validate_member(merged, ctx.book, ctx.today)
    outcome.reasons.extend(issue.message for issue in issues if issue.blocking)
    outcome.warnings.extend(issue.message for issue in issues if not issue.blocking)
    clashes = _clashes(ctx, values, existing)
    if clashes:
        outcome.reasons.append("Trùng hồ sơ khác: " + "; ".join(clashes) + ".")
    if outcome.reasons:
        return
    if member is None:
        outcome.action = "create"
        return
    outcome.member_uuid = member.uuid
    gap_change = [c for c in outcome.changes if c[0] == "party_gap"]
    outcome.changes = [c for c in outcome.changes if c[0] != "party_gap"]
    for key, value in values.items():
        old = getattr(member, key)
        if old != value:
            outcome.changes.append((key, FIELD_BY_KEY[key].label, _show(key, old), _show(key, value)))
    year = outcome.birth_year
    if year is not None and member.date_of_birth is None and member.birth_year != year:
        outcome.changes.append(("birth_year", "Năm sinh", str(member.birth_year or ""), str(year)))
    if outcome.unit_id is not None and read.unit_text and outcome.unit_id != member.unit_id:
        outcome.changes.append(("unit", "Chi bộ", ctx.units.names.get(member.unit_id, ""),
                                ctx.units.names.get(outcome.unit_id, "")))
    outcome.changes.extend(gap_change)
    outcome.action = "update" if outcome.changes else "unchanged"
    if outcome.action == "unchanged":
        # Warnings about fields the row does not change belong to the record, not to this import.
        outcome.warnings = [w for w in outcome.warnings if "cần bổ sung" in w and member.date_of_birth is None]
        outcome.assumptions.clear()


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
                 default_unit_id: int | None = None, sheets: list[str] | None = None,
                 mappings: dict[str, dict[int, str]] | None = None,
                 answers: dict[str, str] | None = None) -> ImportPlan:
    """Write every accepted row in one transaction (all or nothing), after a verified backup. The
    mappings the secretary set are remembered for the same layout next time."""
    actor.require("write")
    today = today or date.today()
    backup = _backup_before_import(database)
    with database.immediate() as session:
        plan = plan_import(session, path, today=today, default_unit_id=default_unit_id, sheets=sheets,
                           mappings=mappings, answers=answers)
        book = rule_book(session)
        for row in plan.rows:
            if row.action == "create":
                member, _ = create_member(session, actor, row.values, unit_id=row.unit_id, allow_duplicates=True,
                                          today=today, book=book)
                if row.birth_year is not None:
                    member.birth_year = row.birth_year
                    audit.record_changes(session, actor, member, entity="member")
                row.member_uuid = member.uuid
                if row.gap.get("left_on"):
                    apply_gap(session, actor, member.uuid, row.gap)
            elif row.action == "update":
                changed = {key: row.values[key] for key, *_ in row.changes if key in FIELD_BY_KEY}
                unit_id = row.unit_id if any(key == "unit" for key, *_ in row.changes) else None
                if changed or unit_id is not None:
                    update_member(session, actor, row.member_uuid, changed, unit_id=unit_id,
                                  allow_duplicates=True, today=today, book=book)
                if any(key == "birth_year" for key, *_ in row.changes):
                    member = session.scalars(select(Member).where(Member.uuid == row.member_uuid)).one()
                    member.birth_year = row.birth_year
                    audit.record_changes(session, actor, member, entity="member")
                if any(key == "party_gap" for key, *_ in row.changes):
                    apply_gap(session, actor, row.member_uuid, row.gap)
        for sheet in plan.sheets:
            if mappings and sheet.name in mappings:
                remember_mapping(session, actor, sheet, mappings[sheet.name])
        audit.record(session, actor, "import", entity="member",
                     detail={"file": Path(path).name, **plan.counts(), "backup": backup.name if backup else None})
        plan.applied = True
    return plan
