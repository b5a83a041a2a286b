"""Dues per branch and month: what was due, what was collected, and who is three months behind.

Counts the ledger lines (``dues_month``) the branch generated; an exempt line owes nothing. The
members behind are those with at least the removal rule's number of unpaid months without an
accepted reason in one calendar year (DOMAIN.md §7–8; rule ``removal.unpaid_dues_months_in_year``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from handbook_desktop.services.procedures.common import rules
from handbook_desktop.services.reports.branches import branches
from handbook_desktop.services.reports.model import Chart, Column, Report, Series, Table, percent, total_row
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.models import DuesMonth, Member


def dues(session, start: date, end: date) -> Report:
    first = date(start.year, start.month, 1)
    data = session.execute(
        select(Member.unit_id, DuesMonth.member_id, DuesMonth.month, DuesMonth.amount, DuesMonth.paid,
               DuesMonth.exempt, DuesMonth.excused)
        .join(Member, Member.id == DuesMonth.member_id)
        .where(DuesMonth.deleted_at.is_(None), DuesMonth.month >= first, DuesMonth.month <= end,
               in_scope(Member.unit_id))
    ).all()
    threshold = int(rules(session).value("removal.unpaid_dues_months_in_year", end))
    per_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_month_due: dict[str, int] = defaultdict(int)
    per_month_paid: dict[str, int] = defaultdict(int)
    unpaid: dict[tuple[int, int, int], int] = defaultdict(int)  # (unit, member, year) → months
    for unit_id, member_id, month, amount, paid, exempt, excused in data:
        c = per_unit[unit_id]
        c["lines"] += 1
        key = f"{month.month:02d}/{month.year}"
        if exempt or amount <= 0:
            c["exempt_lines"] += 1
            continue
        c["due"] += amount
        per_month_due[key] += amount
        if paid:
            c["paid"] += amount
            per_month_paid[key] += amount
        else:
            c["unpaid_lines"] += 1
            if not excused:
                unpaid[(unit_id, member_id, month.year)] += 1
    behind: dict[int, int] = defaultdict(int)
    for (unit_id, _member, _year), months in unpaid.items():
        if months >= threshold:
            behind[unit_id] += 1
    home, lines = branches(session)
    if set(per_unit) - {b.unit_id for b in lines}:
        home, lines = branches(session, {b.unit_id for b in lines} | set(per_unit))
    cols = [Column("lines", "Số lượt phải ghi"), Column("exempt_lines", "Lượt miễn"), Column("due", "Phải thu", "", "money"),
            Column("paid", "Đã thu", "", "money"), Column("unpaid_lines", "Lượt chưa nộp"),
            Column("paid_pct", "Tỉ lệ đã thu", "", "percent"),
            Column("behind", f"Đảng viên chưa nộp từ {threshold} tháng trong năm")]
    rows = []
    for line in lines:
        c = per_unit.get(line.unit_id, {})
        rows.append({"label": line.name, "code": line.code, "lines": c.get("lines", 0),
                     "exempt_lines": c.get("exempt_lines", 0), "due": c.get("due", 0), "paid": c.get("paid", 0),
                     "unpaid_lines": c.get("unpaid_lines", 0), "behind": behind.get(line.unit_id, 0)})
    total = total_row(rows, cols)
    for row in rows + [total]:
        row["paid_pct"] = percent(row["paid"], row["due"])
    months = sorted(per_month_due, key=lambda k: (k[3:], k[:2]))
    table = Table("dues", f"Đảng phí từ tháng {first:%m/%Y} đến tháng {end:%m/%Y}", cols, rows, total,
                  note="Tiền tính bằng đồng; lượt miễn không phải nộp.")
    chart = Chart("dues", "Đảng phí phải thu và đã thu theo tháng", "bar", months,
                  [Series("Phải thu", [per_month_due[m] for m in months]),
                   Series("Đã thu", [per_month_paid[m] for m in months])], "đ")
    figures = {"due": total["due"], "paid": total["paid"], "unpaid_lines": total["unpaid_lines"],
               "members_behind": total["behind"], "threshold_months": threshold}
    return Report("dues", "Báo cáo thu, nộp đảng phí", home.name, start, end, [table], [chart], figures=figures)
