"""Importing members from a sheet: a dry run row by row, then all accepted rows in one transaction.

The layout (header, columns, groups, end of the table) comes from ``layout``, or from the mapping
the secretary set for the same layout before (``mappings``). Rows are matched to records by
``matching``, so importing the same file twice changes nothing; a row that could be one of several
records is asked about, never guessed. A cell that cannot be read rejects its row with the reason;
every assumption (status from dates, a group or the sheet; a year kept alone) is listed on the row.
"""

from __future__ import annotations

import gc
import json
import logging
import weakref
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import fold
from handbook_desktop.services import audit
from handbook_desktop.services.excel.basis import basis_of, still_holds
from handbook_desktop.services.excel.layout import Layout, apply_mapping, find_layout
from handbook_desktop.services.excel.limits import ExcelLimits
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.excel.gaps import GAP_LABELS
from handbook_desktop.services.excel.headings import UNIT_KEY
from handbook_desktop.services.excel.plan import ACTION_LABELS, ImportPlan, RowOutcome, SheetPlan
from handbook_desktop.services.excel.reader import read_workbook
from handbook_desktop.services.excel.rows import NEW, Context, plan_rows
from handbook_desktop.services.excel.store_rows import create_rows, update_rows
from handbook_desktop.services.members.fields import FIELD_BY_KEY
from handbook_desktop.services.rules import rule_book
from handbook_desktop.store.models import SheetLayout, Unit

log = logging.getLogger(__name__)

__all__ = ["ACTION_LABELS", "NEW", "ImportPlan", "RowOutcome", "apply_import", "plan_import", "remembered_mapping"]


_UNKNOWN = object()


class _RememberingBook:
    """The rule book with its answers kept for one import: a sheet of 20,000 rows asks the same
    few rules for the same days thousands of times (validation scans every version for days before
    the first one)."""

    def __init__(self, book):
        self._book = book
        self._values: dict = {}
        self._or_first: dict = {}
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
            # Raised afresh each time: re-raising the kept exception would chain every raise's
            # frames onto its traceback (20,000 rows' frames and locals kept alive, and collected
            # as cyclic garbage at the end: a third of a dry run once).
            raise found[1].with_traceback(None)
        return found[1]

    def value_or_first(self, key, on):
        """The rule in force on the day, or its first version for a day before it (what
        ``members.validation`` checks a record against), remembered without an exception per row."""
        found = self._or_first.get((key, on), _UNKNOWN)
        if found is _UNKNOWN:
            try:
                found = self._book.value(key, on)
            except LookupError:
                first = self._book.first(key)
                found = self._book.value(key, first) if first is not None else None
            self._or_first[(key, on)] = found
        return found

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
    """What importing the file would do, row by row; changes nothing. The plan keeps what it was
    made from (``basis``): the import writes it as it is while nothing of that has changed."""
    global _last_plan
    today = today or date.today()
    with paused_gc():
        made_from = basis_of(session, path, today, default_unit_id, sheets, mappings, answers)
        plan = _plan_import(session, path, today=today, default_unit_id=default_unit_id,
                            sheets=sheets, mappings=mappings, answers=answers)
    plan.basis = made_from
    _last_plan = weakref.ref(plan)
    return plan


# The last dry run, while its caller (the import dialog) still holds it: the import it confirms
# writes that plan instead of making it again.
_last_plan: weakref.ref | None = None


def _plan_import(session: Session, path, *, today: date, default_unit_id, sheets, mappings, answers) -> ImportPlan:
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
    context = Context(session, book, units, fallback_unit, None, answers or {}, today)  # index: rows.plan_rows
    for layout in layouts:
        _notes(plan, layout)
    plan.rows = plan_rows(context, layouts)
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
                 answers: dict[str, str] | None = None, plan: ImportPlan | None = None) -> ImportPlan:
    """Write every accepted row in one transaction (all or nothing), after a verified backup. The
    mappings the secretary set are remembered for the same layout next time.

    The dry run's plan (``plan``, else the last one made and still held) is written as it is when
    nothing it was made from has changed (``basis``: the file, the choices, the database's data
    version, checked inside the write transaction); otherwise the rows are planned again there."""
    actor.require("write")
    today = today or date.today()
    if plan is None and _last_plan is not None:
        plan = _last_plan()
    backup = _backup_before_import(database)
    with paused_gc(), database.immediate() as session:
        if plan is None or plan.applied or not still_holds(plan.basis, session, path, today, default_unit_id,
                                                           sheets, mappings, answers):
            plan = plan_import(session, path, today=today, default_unit_id=default_unit_id, sheets=sheets,
                               mappings=mappings, answers=answers)
        create_rows(session, actor, [row for row in plan.rows if row.action == "create"])
        update_rows(session, actor, [row for row in plan.rows if row.action == "update"])
        for sheet in plan.sheets:
            if mappings and sheet.name in mappings:
                remember_mapping(session, actor, sheet, mappings[sheet.name])
        audit.record(session, actor, "import", entity="member",
                     detail={"file": Path(path).name, **plan.counts(), "backup": backup.name if backup else None})
        plan.applied = True
    return plan


@contextmanager
def paused_gc():
    """No cyclic garbage collection while a sheet is planned or written: the rows make hundreds of
    thousands of small objects, none of them in a cycle that must go early, and CPython's collector
    walked all of them again and again (a 20,000-row dry run: 10.5 s with it, 2.9 s without,
    measured under load). The collector runs again as usual afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
