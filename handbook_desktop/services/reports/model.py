"""What a report is: plain figures per branch and in total, and the charts drawn from them.

A report never holds a formula or a typed number: every cell is computed from the records by the
report's own function, and the tests recompute each one by a second path. Front ends (window,
Excel, Word, ``reports make --json``) only lay the same figures out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str = ""  # a parent heading shared by neighbouring columns ("Tuổi đời", "Lý luận chính trị")
    kind: str = "count"  # count | percent | money | text


@dataclass
class Table:
    """Rows of figures, one per branch (``label`` the branch's name) and a total row."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: dict[str, Any] | None = None
    note: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "note": self.note,
                "columns": [{"key": c.key, "label": c.label, "group": c.group, "kind": c.kind} for c in self.columns],
                "rows": self.rows, "total": self.total}


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


@dataclass(frozen=True)
class Chart:
    """A chart as data: bar (grouped bars per category), pyramid (two series back to back) or grid."""

    key: str
    title: str
    kind: str  # bar | pyramid | grid | line
    categories: list[str]
    series: list[Series]
    unit: str = ""  # what the values are ("đảng viên", "%", "đ")
    rows: list[str] = field(default_factory=list)  # grid: one row label per series

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "kind": self.kind, "unit": self.unit,
                "categories": self.categories, "rows": self.rows,
                "series": [{"name": s.name, "values": s.values} for s in self.series]}


@dataclass
class Report:
    key: str
    title: str
    unit_name: str
    start: date
    end: date
    tables: list[Table]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)  # headline numbers (totals) for JSON and tests

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "unit": self.unit_name,
                "from": self.start.isoformat(), "to": self.end.isoformat(), "figures": self.figures,
                "notes": self.notes, "tables": [t.as_json() for t in self.tables],
                "charts": [c.as_json() for c in self.charts]}


def total_row(rows: list[dict[str, Any]], columns: list[Column], label: str = "Tổng cộng") -> dict[str, Any]:
    """Counts and money add up; percentages are recomputed by the caller from the summed counts."""
    total: dict[str, Any] = {"label": label}
    for column in columns:
        if column.kind in ("count", "money"):
            total[column.key] = sum(int(row.get(column.key) or 0) for row in rows)
    return total


def percent(part: int, whole: int) -> float | None:
    """One decimal, of the whole; ``None`` when there is nothing to divide by (shown as a dash)."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def format_figure(value, kind: str = "count") -> str:
    """A figure as a Vietnamese reader expects it: 7.020.000 đ, 98,2 %, a dash for nothing."""
    if value is None or value == "":
        return "–" if kind in ("percent", "money", "count") else ""
    if kind == "text" or isinstance(value, str):
        return str(value)
    if kind == "percent":
        return f"{value:.1f}".replace(".", ",") + " %"
    text = f"{int(round(value)):,}".replace(",", ".")
    return f"{text} đ" if kind == "money" else text
