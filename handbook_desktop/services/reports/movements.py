"""Movements over a period: who came, who left, who was recognised, cards issued (DOMAIN.md §12b).

Each figure counts the dated events of the history (``member_event``) whose date falls within the
period, for members of the home unit's tree, on the line of the member's branch as recorded now.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from handbook_desktop.services.reports.branches import branches
from handbook_desktop.services.reports.model import Chart, Column, Report, Series, Table, total_row
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.models import Member, MemberEvent

# (column key, the event kinds it counts, heading)
MOVEMENTS = (
    ("admitted", ("admitted",), "Kết nạp"),
    ("readmitted", ("readmitted",), "Kết nạp lại"),
    ("official", ("official",), "Công nhận chính thức"),
    ("transfer_in_official", ("transfer_in_official",), "Chuyển đến chính thức"),
    ("transfer_out_official", ("transfer_out_official",), "Chuyển đi chính thức"),
    ("transfer_in_temporary", ("transfer_in_temporary",), "Tạm thời đến"),
    ("transfer_out_temporary", ("transfer_out_temporary",), "Tạm thời đi"),
    ("death", ("death",), "Từ trần"),
    ("removed", ("removed",), "Xóa tên"),
    ("expelled", ("expelled",), "Khai trừ"),
    # the branch decides an exemption and informs the committee (DOMAIN.md §7): the month's report says so
    ("exempted", ("exemption",), "Miễn công tác và sinh hoạt"),
    ("cards", ("card_issued", "card_reissued", "card_exchanged"), "Cấp, đổi thẻ"),
)


def movements(session, start: date, end: date) -> Report:
    kind_to_key = {kind: key for key, kinds, _ in MOVEMENTS for kind in kinds}
    data = session.execute(
        select(Member.unit_id, MemberEvent.kind)
        .join(Member, Member.id == MemberEvent.member_id)
        .where(MemberEvent.deleted_at.is_(None), Member.deleted_at.is_(None),
               MemberEvent.kind.in_(list(kind_to_key)), MemberEvent.event_date >= start,
               MemberEvent.event_date <= end, in_scope(Member.unit_id))
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, kind in data:
        counts[unit_id][kind_to_key[kind]] += 1
    home, lines = branches(session)
    extra = set(counts) - {b.unit_id for b in lines}
    if extra:  # members kept on a committee's own books, or a sub-committee's: their own lines
        home, lines = branches(session, {b.unit_id for b in lines} | extra)
    cols = [Column(key, label) for key, _, label in MOVEMENTS]
    rows = [{"label": b.name, "code": b.code, **{c.key: counts[b.unit_id][c.key] for c in cols}} for b in lines]
    total = total_row(rows, cols)
    table = Table("movements", f"Biến động đảng viên từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}", cols, rows, total)
    chart = Chart("movements", "Biến động đảng viên trong kỳ", "bar", [c.label for c in cols],
                  [Series("Số lượt", [total[c.key] for c in cols])], "lượt")
    figures = {key: total[key] for key, _, _ in MOVEMENTS}
    return Report("movements", "Báo cáo biến động đảng viên", home.name, start, end, [table], [chart], figures=figures)
