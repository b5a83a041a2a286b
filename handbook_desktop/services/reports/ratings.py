"""Ratings per branch for the year of the period's end: members per level, the cap check, totals.

Members rated are those the ratings page rates (``services.procedures.ratings.RATED_STATES``); the
cap check is the rules' share of "xuất sắc" against "tốt" (DOMAIN.md §10, a warning, not a refusal),
per branch and for the whole organisation.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from handbook_desktop.domain.rating import LEVEL_LABELS, LEVEL_ORDER, excellent_ratio_warning
from handbook_desktop.services.procedures.common import rules
from handbook_desktop.services.procedures.ratings import RATED_STATES
from handbook_desktop.services.reports.branches import branches
from handbook_desktop.services.reports.model import Chart, Column, Report, Series, Table, percent, total_row
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.models import Member, Rating


def ratings(session, start: date, end: date) -> Report:
    year = end.year
    book = rules(session)
    members = dict(session.execute(
        select(Member.id, Member.unit_id).where(Member.deleted_at.is_(None), Member.status.in_(RATED_STATES),
                                                in_scope(Member.unit_id))).all())
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rated: set[int] = set()
    own_level: dict[int, str] = {}
    for member_id, unit_id, level in session.execute(
        select(Rating.member_id, Rating.unit_id, Rating.level)
        .where(Rating.year == year, Rating.deleted_at.is_(None), in_scope(Rating.unit_id))
    ):
        if member_id is None:
            own_level[unit_id] = level
        elif member_id in members and member_id not in rated:
            rated.add(member_id)
            counts[members[member_id]][level] += 1  # on the member's branch now, as the ratings page shows
    to_rate: dict[int, int] = defaultdict(int)
    for member_id, unit_id in members.items():
        to_rate[unit_id] += 1
    home, lines = branches(session)
    if set(to_rate) - {b.unit_id for b in lines}:
        home, lines = branches(session, {b.unit_id for b in lines} | set(to_rate))
    cols = [Column("to_rate", "Đảng viên phải xếp loại")]
    cols += [Column(level, LEVEL_LABELS[level], "Kết quả") for level in LEVEL_ORDER]
    cols += [Column("not_rated", "Chưa xếp loại"), Column("excellent_pct", "% xuất sắc / tốt", "", "percent"),
             Column("cap", "Kiểm tra tỉ lệ xuất sắc", "", "text"), Column("own", "Chi bộ tự xếp loại", "", "text")]
    rows = []
    for line in lines:
        c = counts.get(line.unit_id, {})
        row = {"label": line.name, "code": line.code, "to_rate": to_rate.get(line.unit_id, 0)}
        for level in LEVEL_ORDER:
            row[level] = c.get(level, 0)
        row["not_rated"] = row["to_rate"] - sum(row[level] for level in LEVEL_ORDER)
        rows.append(row)
    total = total_row(rows, cols)
    for row in rows + [total]:
        row["excellent_pct"] = percent(row["excellent"], row["good"])
        warning = excellent_ratio_warning(book, year, {level: row[level] for level in LEVEL_ORDER})
        row["cap"] = "Vượt tỉ lệ" if warning else "Đạt"
    for row, line in zip(rows, lines):
        row["own"] = LEVEL_LABELS.get(own_level.get(line.unit_id, ""), "Chưa xếp loại")
    total["own"] = LEVEL_LABELS.get(own_level.get(home.id, ""), "")
    table = Table("ratings", f"Kết quả xếp loại đảng viên năm {year}", cols, rows, total)
    chart = Chart("ratings", f"Kết quả xếp loại đảng viên năm {year}", "bar", [LEVEL_LABELS[l] for l in LEVEL_ORDER],
                  [Series("Đảng viên", [total[level] for level in LEVEL_ORDER])], "đảng viên")
    figures = {"year": year, "to_rate": total["to_rate"], "not_rated": total["not_rated"],
               **{level: total[level] for level in LEVEL_ORDER},
               "branches_over_cap": sum(1 for r in rows if r["cap"] != "Đạt")}
    return Report("ratings", "Báo cáo kết quả đánh giá, xếp loại đảng viên", home.name, start, end, [table], [chart],
                  figures=figures)
