"""What an import would do (the dry run) and did: one outcome per row, the layout of each sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

ACTION_LABELS = {"create": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi", "rejected": "Không nhận",
                 "ask": "Cần chọn"}
_COUNT_NAMES = {"create": "created", "update": "updated", "unchanged": "unchanged", "rejected": "rejected",
                "ask": "asked"}


@dataclass
class RowOutcome:
    row_number: int  # as Excel numbers it
    action: str  # create | update | unchanged | rejected | ask
    full_name: str = ""
    sheet: str = ""
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)  # what was taken as read: status from dates or a group
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (field, label, old, new)
    values: dict = field(default_factory=dict)
    birth_year: int | None = None
    unit_id: int | None = None
    member_uuid: str | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (uuid, description) when asked
    group: str | None = None
    cells: list = field(default_factory=list)
    gap: dict = field(default_factory=dict)  # leaving the Party and re-admission (services.excel.gaps)

    @property
    def key(self) -> str:
        """Names the row for an answer to a question about it: "sheet!row"."""
        return f"{self.sheet}!{self.row_number}"

    @property
    def message(self) -> str:
        if self.reasons:  # a refused row: the reasons alone, so that they are read
            return " ".join(self.reasons)
        parts = []
        if self.changes:
            parts.append("; ".join(f"{label}: {old or '—'} → {new or '—'}" for _, label, old, new in self.changes))
        parts.extend(f"Lưu ý: {w}" for w in self.warnings)
        parts.extend(f"Hiểu là: {a}" for a in self.assumptions)
        return " ".join(parts)


@dataclass
class SheetPlan:
    """How one sheet was read: shown in the import dialog, changed there, remembered."""

    name: str
    header_rows: tuple[int, int]  # as Excel numbers them
    columns: dict[int, str]  # column index → field key ("" = not imported)
    headings: dict[int, str]  # column index → heading as written
    groups: list[tuple[int, str, str | None]]  # (Excel row, text, status it names)
    end: tuple[int, str] | None  # (Excel row, text) where the table ends
    skipped: list[tuple[int, str]]
    signature: str
    status: str | None = None  # a sheet of members who left
    remembered: bool = False
    width: int = 0


@dataclass
class ImportPlan:
    file: str
    sheet: str
    header_row: int  # as Excel numbers it (the first sheet's last header row)
    headings: list
    columns: dict[str, str]  # heading as written → field label
    ignored_columns: list[str]
    notes: list[str]
    rows: list[RowOutcome]
    sheets: list[SheetPlan] = field(default_factory=list)
    other_sheets: list[str] = field(default_factory=list)  # sheets with no member list on them, or left out
    applied: bool = False
    basis: object = field(default=None, repr=False, compare=False)  # what it was made from (excel.basis)

    def counts(self) -> dict[str, int]:
        result = {name: 0 for name in _COUNT_NAMES.values()}
        for row in self.rows:
            result[_COUNT_NAMES[row.action]] += 1
        return result

    def rejected(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.action == "rejected"]

    def to_json(self) -> dict:
        return {
            "file": self.file, "sheet": self.sheet, "header_row": self.header_row, "applied": self.applied,
            **self.counts(),
            "sheets": [{"name": s.name, "header_rows": list(s.header_rows), "status": s.status,
                        "remembered": s.remembered, "end": list(s.end) if s.end else None,
                        "groups": [{"row": r, "text": t, "status": st} for r, t, st in s.groups]}
                       for s in self.sheets],
            "columns": self.columns, "ignored_columns": self.ignored_columns, "notes": self.notes,
            "rejected_rows": [{"row": r.row_number, "sheet": r.sheet, "full_name": r.full_name,
                               "reason": " ".join(r.reasons)} for r in self.rejected()],
            "rows": [{"row": r.row_number, "sheet": r.sheet, "action": r.action, "full_name": r.full_name,
                      "member_uuid": r.member_uuid, "reasons": r.reasons, "warnings": r.warnings,
                      "assumptions": r.assumptions, "group": r.group,
                      "candidates": [{"uuid": u, "description": d} for u, d in r.candidates],
                      "changes": [{"field": f, "old": o, "new": n} for f, _, o, n in r.changes]}
                     for r in self.rows],
        }
