"""Membership by quantity and quality on a date (DOMAIN.md §12b; Hướng dẫn 11-HD/BTCTW columns).

Counts the register as it stands (each member's recorded status) with ages and party ages taken on
the report's date. The head count is the đảng số: official + probationary, exempt and temporarily
away included (DOMAIN.md §2) — the same set ``info`` counts, so the total equals its headcount.
Members temporarily attending from elsewhere are counted apart and never in the total.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from datetime import date

from sqlalchemy import case, func, select

from handbook_desktop.domain.party_age import GAP_END_KINDS, GAP_KIND, GAP_START_KINDS, gaps_from_events, party_age_months
from handbook_desktop.domain.states import HEADCOUNT_STATES, MemberStatus
from handbook_desktop.services.reports.branches import branches
from handbook_desktop.services.reports.model import Chart, Column, Report, Series, Table, percent, total_row
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.models import Member, MemberEvent

AGE_BANDS = ((0, 30, "Đến 30"), (31, 40, "31–40"), (41, 50, "41–50"), (51, 60, "51–60"), (61, 70, "61–70"),
             (71, 200, "Trên 70"))
PARTY_AGE_BANDS = ((0, 9, "Dưới 10 năm"), (10, 29, "10 – dưới 30"), (30, 39, "30 – dưới 40"),
                   (40, 49, "40 – dưới 50"), (50, 200, "Từ 50 năm"))
EDUCATION = (("primary", "Tiểu học"), ("lower_secondary", "Trung học cơ sở"), ("upper_secondary", "Trung học phổ thông"),
             ("education_unknown", "Chưa ghi"))
PROFESSIONAL = (("doctor", "Tiến sĩ"), ("master", "Thạc sĩ"), ("university", "Đại học"), ("college", "Cao đẳng"),
                ("vocational", "Trung cấp"), ("professional_none", "Chưa qua đào tạo / chưa ghi"))
THEORY = (("theory_bachelor", "Cử nhân"), ("theory_high", "Cao cấp"), ("theory_middle", "Trung cấp"),
          ("theory_basic", "Sơ cấp"), ("theory_none", "Chưa có / chưa ghi"))


@lru_cache(maxsize=4096)
def band(value: int | None, bands: tuple) -> str | None:
    if value is None:
        return None
    for low, high, label in bands:
        if low <= value <= high:
            return label
    return None


@lru_cache(maxsize=4096)
def education_class(value: str | None) -> str:
    """'12/12' and '10/10' finished upper secondary; '9/12' or '7/10' and up lower secondary."""
    if not value or "/" not in value:
        return "education_unknown"
    try:
        done, system = (int(part) for part in value.split("/", 1))
    except ValueError:
        return "education_unknown"
    if done >= system:
        return "upper_secondary"
    if (system == 12 and done >= 9) or (system == 10 and done >= 7) or (system == 9 and done >= 7):
        return "lower_secondary"
    return "primary"


@lru_cache(maxsize=4096)
def professional_class(level: str | None, degree: str | None) -> str:
    from handbook_desktop.domain.text import fold

    text = fold(f"{degree or ''} {level or ''}")
    for needle, key in (("tien si", "doctor"), ("thac si", "master"), ("dai hoc", "university"),
                        ("cu nhan", "university"), ("ky su", "university"), ("cao dang", "college"),
                        ("trung cap", "vocational")):
        if needle in text:
            return key
    return "professional_none"


@lru_cache(maxsize=4096)
def theory_class(value: str | None) -> str:
    from handbook_desktop.domain.text import fold

    text = fold(value)
    if "cu nhan" in text:
        return "theory_bachelor"
    for needle, key in (("cao cap", "theory_high"), ("trung cap", "theory_middle"), ("so cap", "theory_basic")):
        if needle in text:
            return key
    return "theory_none"


VISITING = MemberStatus.VISITING.value
PROBATIONARY = MemberStatus.PROBATIONARY.value
SHOWN_APART = (MemberStatus.EXEMPT.value, MemberStatus.TEMPORARILY_AWAY.value)


def columns() -> list[Column]:
    cols = [Column("headcount", "Tổng đảng số"), Column("official", "Chính thức", "Đảng số"),
            Column("probationary", "Dự bị", "Đảng số"), Column("exempt", "Miễn sinh hoạt", "Trong đó"),
            Column("temporarily_away", "Tạm thời đi", "Trong đó"), Column("visiting", "Tạm thời đến (ngoài đảng số)"),
            Column("female", "Nữ", "Thành phần"), Column("minority", "Dân tộc thiểu số", "Thành phần"),
            Column("religious", "Có đạo", "Thành phần"), Column("under_30", "Dưới 30 tuổi", "Thành phần")]
    cols += [Column(f"age:{label}", label, "Tuổi đời") for _, _, label in AGE_BANDS]
    cols += [Column("age:unknown", "Chưa ghi ngày sinh", "Tuổi đời")]
    cols += [Column(key, label, "Giáo dục phổ thông") for key, label in EDUCATION]
    cols += [Column(key, label, "Chuyên môn") for key, label in PROFESSIONAL]
    cols += [Column(key, label, "Lý luận chính trị") for key, label in THEORY]
    cols += [Column(f"party:{label}", label, "Tuổi đảng") for _, _, label in PARTY_AGE_BANDS]
    cols += [Column("party:unknown", "Chưa ghi ngày vào Đảng", "Tuổi đảng")]
    cols += [Column("female_pct", "% nữ", "Tỉ lệ", "percent"), Column("minority_pct", "% dân tộc thiểu số", "Tỉ lệ", "percent")]
    return cols


def _gaps(session, member_ids_query) -> dict[int, list]:
    kinds = GAP_START_KINDS | GAP_END_KINDS | {GAP_KIND}
    events: dict[int, list] = defaultdict(list)
    for member_id, kind, day, end in session.execute(
        select(MemberEvent.member_id, MemberEvent.kind, MemberEvent.event_date, MemberEvent.end_date)
        .where(MemberEvent.kind.in_(kinds), MemberEvent.deleted_at.is_(None), MemberEvent.member_id.in_(member_ids_query))
    ):
        events[member_id].append((kind, day, end))
    return {member_id: gaps_from_events(items) for member_id, items in events.items()}


def _years_before(on: date, years: int) -> date:
    """The day ``years`` years before ``on`` (29/02 falls back to 28/02)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _band_case(column, bands, on: date, prefix: str):
    """CASE giving a band's key from a date column: completed years ≥ N ⇔ date ≤ on − N years."""
    whens = [(column > _years_before(on, high + 1), f"{prefix}{label}") for low, high, label in bands[:-1]]
    return case((column.is_(None), f"{prefix}unknown"), *whens, else_=f"{prefix}{bands[-1][2]}")


def membership(session, start: date, end: date) -> Report:
    on = end
    statuses = [s.value for s in HEADCOUNT_STATES] + [MemberStatus.VISITING.value]
    where = (Member.deleted_at.is_(None), Member.status.in_(statuses), in_scope(Member.unit_id))
    gaps = _gaps(session, select(Member.id).where(*where))
    # Counted in the database, one GROUP BY per breakdown (unit, status and that breakdown's
    # columns): each a few hundred groups, where grouping by everything at once gives one group per
    # member. Ages are bands of the birth date against the report's day, party age likewise from the
    # decision date — except for the few members with gaps in their party age, counted one by one.
    age = _band_case(Member.date_of_birth, AGE_BANDS, on, "age:")
    party = _band_case(Member.decision_date, PARTY_AGE_BANDS, on, "party:")
    young = case((Member.date_of_birth > _years_before(on, 30), "under_30"), else_="")

    def grouped(*columns, exclude_gaps: bool = False):
        condition = (Member.id.not_in(list(gaps)),) if exclude_gaps and gaps else ()
        return session.execute(select(Member.unit_id, Member.status, *columns, func.count())
                               .where(*where, *condition).group_by(Member.unit_id, Member.status, *columns)).all()

    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pyramid = {label: [0, 0] for _, _, label in AGE_BANDS}
    for unit_id, status, n in grouped():
        c = counts[unit_id]
        if status == VISITING:
            c["visiting"] += n
            continue
        c["headcount"] += n
        c["probationary" if status == PROBATIONARY else "official"] += n
        if status in SHOWN_APART:  # exempt and temporarily away are official members, shown apart too
            c[status] += n
    breakdowns = (
        ((Member.gender,), lambda gender: ["female"] if gender == "female" else []),
        ((Member.ethnicity,), lambda e: ["minority"] if e and e.strip().lower() != "kinh" else []),
        ((Member.religion,), lambda r: ["religious"] if r and r.strip().lower() not in ("không", "khong") else []),
        ((Member.general_education,), lambda e: [education_class(e)]),
        ((Member.professional_level, Member.academic_degree), lambda lv, dg: [professional_class(lv, dg)]),
        ((Member.political_theory,), lambda t: [theory_class(t)]),
        ((young,), lambda key: [key] if key else []),
    )
    for columns_, keys_of in breakdowns:
        for unit_id, status, *values, n in grouped(*columns_):
            if status != VISITING:
                for key in keys_of(*values):
                    counts[unit_id][key] += n
    for unit_id, status, age_key, gender, n in grouped(age, Member.gender):
        if status != VISITING:
            counts[unit_id][age_key] += n
            if age_key != "age:unknown":
                pyramid[age_key[4:]][gender == "female"] += n
    for unit_id, status, party_key, n in grouped(party, exclude_gaps=True):
        if status != VISITING:
            counts[unit_id][party_key] += n
    if gaps:
        for unit_id, status, decided, member_id in session.execute(
                select(Member.unit_id, Member.status, Member.decision_date, Member.id).where(Member.id.in_(list(gaps)))):
            if status != VISITING:
                label = band(party_age_months(decided, on, gaps[member_id]) // 12, PARTY_AGE_BANDS) if decided else None
                counts[unit_id][f"party:{label}" if label else "party:unknown"] += 1
    home, lines = branches(session, set(counts))
    cols = columns()
    table_rows = []
    for line in lines:
        c = counts.get(line.unit_id, {})
        row = {"label": line.name, "code": line.code}
        for col in cols:
            if col.kind == "count":
                row[col.key] = int(c.get(col.key, 0))
        table_rows.append(row)
    total = total_row(table_rows, cols)
    for row in table_rows + [total]:
        row["female_pct"] = percent(row["female"], row["headcount"])
        row["minority_pct"] = percent(row["minority"], row["headcount"])
    table = Table("membership", f"Số lượng, chất lượng đảng viên đến ngày {on:%d/%m/%Y}", cols, table_rows, total,
                  note="Đảng số gồm đảng viên chính thức và dự bị (kể cả miễn sinh hoạt, tạm thời đi); "
                       "đảng viên sinh hoạt tạm thời đến tính riêng.")
    charts = [
        Chart("pyramid", "Tháp tuổi đảng viên (nam – nữ)", "pyramid", [label for _, _, label in AGE_BANDS],
              [Series("Nam", [pyramid[label][0] for _, _, label in AGE_BANDS]),
               Series("Nữ", [pyramid[label][1] for _, _, label in AGE_BANDS])], "đảng viên"),
        Chart("theory", "Trình độ lý luận chính trị", "bar", [label for _, label in THEORY],
              [Series("Đảng viên", [total[key] for key, _ in THEORY])], "đảng viên"),
        Chart("party_age", "Tuổi đảng", "bar", [label for _, _, label in PARTY_AGE_BANDS],
              [Series("Đảng viên", [total[f"party:{label}"] for _, _, label in PARTY_AGE_BANDS])], "đảng viên"),
    ]
    figures = {"headcount": total["headcount"], "official": total["official"], "probationary": total["probationary"],
               "female": total["female"], "minority": total["minority"], "under_30": total["under_30"],
               "visiting": total["visiting"], "branches": len(lines)}
    return Report("membership", "Báo cáo số lượng, chất lượng đảng viên", home.name, start, end, [table], charts,
                  figures=figures)
