"""The dry run of each row of a member sheet: read, match, decide — in two passes so that the
records a sheet speaks of are loaded in a few queries, not one per row (issue 16 §7, issue 18 §3).

Pass one reads every row and finds the record it names (``matching`` holds every record's few
matching columns, read once); pass two loads the records matched, in chunks, then decides each
row: create, update (what changes), unchanged, rejected (why) or ask (which record).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.text import fold, mask_digits
from handbook_desktop.services.excel.gaps import GAP_COLUMNS, plan_gap, read_gap
from handbook_desktop.services.excel.matching import Known, MemberIndex, describe, find_match
from handbook_desktop.services.excel.plan import RowOutcome
from handbook_desktop.services.excel.status import row_status
from handbook_desktop.services.excel.values import RowReader
from handbook_desktop.services.members.fields import EDITABLE_KEYS, FIELD_BY_KEY
from handbook_desktop.services.members.validation import validate_member
from handbook_desktop.store.models import Member

NEW = "new"  # the answer "a new person" to a row that was asked about
_CHUNK = 500


def show(key: str, value) -> str:
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


class Context:
    def __init__(self, session, book, units, fallback_unit, index, answers, today):
        self.session, self.book, self.units, self.fallback_unit = session, book, units, fallback_unit
        self.index, self.answers, self.today = index, answers, today
        self.seen: dict[tuple, tuple[str, int]] = {}


class _Pending:
    """A row read and matched, waiting for its record to be loaded (pass two)."""

    __slots__ = ("layout", "body", "read", "outcome", "existing")

    def __init__(self, layout, body, read, outcome, existing):
        self.layout, self.body, self.read, self.outcome, self.existing = layout, body, read, outcome, existing


def plan_rows(ctx: Context, layouts) -> list[RowOutcome]:
    """Every body row of the layouts, decided, in sheet order."""
    outcomes: list[RowOutcome] = []
    pending: list[_Pending] = []
    read_rows = []
    for layout in layouts:
        reader = RowReader(layout.columns, layout.headings, ctx.today)
        has_gaps = any(key in GAP_COLUMNS for key in layout.columns.values())
        for body in layout.body:
            outcome, read = _read_row(ctx, layout, body, reader, has_gaps)
            outcomes.append(outcome)
            if read is not None:
                read.name_fold = fold(read.values["full_name"])
                read_rows.append((layout, body, read, outcome))
    if ctx.index is None:  # the register's records these rows may speak of: their keys, read at once
        ctx.index = MemberIndex(ctx.session, keys=(
            {read.values.get("party_card_number") for _, _, read, _ in read_rows} - {None, ""},
            {read.values.get("national_id") for _, _, read, _ in read_rows} - {None, ""},
            {read.name_fold for _, _, read, _ in read_rows}))
    for layout, body, read, outcome in read_rows:
        waiting = _match(ctx, layout, body, read, outcome)
        if waiting is not None:
            if waiting.existing is None:
                _decide(ctx, waiting, None)  # a new person: no record to load first
            else:
                pending.append(waiting)
    members = _load(ctx.session, {p.existing.id for p in pending})
    for waiting in pending:
        _decide(ctx, waiting, members.get(waiting.existing.id))
    return outcomes


def _load(session, ids: set[int]) -> dict[int, Member]:
    found: dict[int, Member] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        for member in session.scalars(select(Member).where(Member.id.in_(chunk))):
            found[member.id] = member
    return found


def _read_row(ctx: Context, layout, body, reader: RowReader, has_gaps: bool):
    """The row read and checked on its own: (outcome, what was read) — nothing read when refused."""
    cells = body.cells
    outcome = RowOutcome(body.index + 1, "rejected", sheet=layout.sheet.name, cells=cells, group=body.group)
    read = reader.read(cells)
    values = read.values
    outcome.values, outcome.birth_year = values, read.birth_year
    outcome.full_name = values.get("full_name") or ""
    if read.problems:
        outcome.reasons.extend(read.problems)
    if read.notes:
        outcome.warnings.extend(read.notes)
    if has_gaps:
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
        return outcome, None
    return outcome, read


def _match(ctx: Context, layout, body, read, outcome: RowOutcome):
    """The record the row speaks of, in sheet order (a row may repeat an earlier one of the file)."""
    values = read.values
    name_fold = read.name_fold
    if _same_as_earlier(ctx, outcome, values, read.birth_year, name_fold):
        return None
    match = find_match(ctx.index, values, read.birth_year, name_fold)
    answer = ctx.answers.get(outcome.key) if ctx.answers else None
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
            return None
    elif existing is not None and match.how.startswith("họ tên (") and answer != NEW:
        outcome.assumptions.append(f"là hồ sơ đã có {describe(existing)} (khớp theo họ tên)")
    elif answer == NEW:
        existing = None
    if existing is not None and existing.deleted_at is not None:
        outcome.reasons.append(f"Khớp với hồ sơ {existing.full_name} đang ở Thùng rác: hãy khôi phục hồ sơ đó trước.")
        return None
    return _Pending(layout, body, read, outcome, existing)


def _same_as_earlier(ctx: Context, outcome: RowOutcome, values: dict, birth_year: int | None, name_fold: str) -> bool:
    card, cccd, born = values.get("party_card_number"), values.get("national_id"), values.get("date_of_birth")
    keys = []
    if card:
        keys.append(("card", card))
    if cccd:
        keys.append(("cccd", cccd))
    if born:
        keys.append(("name", name_fold, born))
    elif birth_year is not None:
        keys.append(("name", name_fold, birth_year))
    seen = ctx.seen
    for key in keys:
        earlier = seen.get(key)
        if earlier is not None:
            outcome.reasons.append(f"Trùng với dòng {earlier[1]} (trang '{earlier[0]}') trong cùng tệp "
                                   "(cùng số thẻ, CCCD hoặc họ tên và ngày sinh).")
            return True
    here = (outcome.sheet, outcome.row_number)
    for key in keys:
        seen[key] = here
    return False


def _clashes(ctx: Context, values: dict, existing: Known | None) -> list[str]:
    """A CCCD or card number that belongs to another record than the one this row is."""
    found = []
    for key, table, label in (("national_id", ctx.index.by_cccd, "số CCCD"),
                              ("party_card_number", ctx.index.by_card, "số thẻ")):
        for other in table.get(values.get(key) or "", []):
            if existing is None or other.id != existing.id:
                found.append(f"cùng {label} với {describe(other)}")
    return found


def _decide(ctx: Context, waiting: _Pending, member: Member | None) -> None:
    layout, body, read, outcome, existing = waiting.layout, waiting.body, waiting.read, waiting.outcome, waiting.existing
    values = outcome.values
    status, said, source = row_status(values, read.status_from_notes, body.group, body.group_status,
                                      layout.sheet.name, layout.sheet_status, ctx.book, ctx.today)
    # A record already kept keeps its status unless the sheet says one (column, notes, group, sheet).
    if member is None or source != "dates":
        values["status"] = status
        if said:
            outcome.assumptions.append(said)
    if member is not None:
        merged = {key: getattr(member, key) for key in EDITABLE_KEYS}
        merged.update(values)
    else:
        merged = dict(values)
        merged.setdefault("party_position", "member")
    if outcome.gap:
        plan_gap(outcome, outcome.gap, merged, member)
    for issue in validate_member(merged, ctx.book, ctx.today):
        (outcome.reasons if issue.blocking else outcome.warnings).append(issue.message)
    clashes = _clashes(ctx, values, existing) if values.get("national_id") or values.get("party_card_number") else None
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
            outcome.changes.append((key, FIELD_BY_KEY[key].label, show(key, old), show(key, value)))
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
