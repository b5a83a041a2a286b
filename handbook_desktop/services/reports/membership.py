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

from sqlalchemy import select

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


def _age_years(born: date | None, on: date) -> int | None:
    """Completed years (the same as whole months // 12, without counting months)."""
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


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


@lru_cache(maxsize=65536)
def _profile_keys(status, gender, ethnicity, religion, education, level, degree, theory) -> tuple[str, ...]:
    """The counters one member adds to, apart from age and party age (few distinct profiles: cached)."""
    keys = ["headcount", "probationary" if status == PROBATIONARY else "official"]
    if status in SHOWN_APART:  # exempt and temporarily away are official members, shown apart too
        keys.append(status)
    if gender == "female":
        keys.append("female")
    if ethnicity and ethnicity.strip().lower() != "kinh":
        keys.append("minority")
    if religion and religion.strip().lower() not in ("không", "khong"):
        keys.append("religious")
    keys += [education_class(education), professional_class(level, degree), theory_class(theory)]
    return tuple(keys)


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


def membership(session, start: date, end: date) -> Report:
    on = end
    statuses = [s.value for s in HEADCOUNT_STATES] + [MemberStatus.VISITING.value]
    rows_query = (select(Member.id, Member.unit_id, Member.status, Member.gender, Member.date_of_birth, Member.ethnicity,
                         Member.religion, Member.general_education, Member.professional_level, Member.academic_degree,
                         Member.political_theory, Member.decision_date)
                  .where(Member.deleted_at.is_(None), Member.status.in_(statuses), in_scope(Member.unit_id)))
    data = session.execute(rows_query).all()
    gaps = _gaps(session, select(Member.id).where(Member.deleted_at.is_(None), Member.status.in_(statuses),
                                                  in_scope(Member.unit_id)))
    home, lines = branches(session, {row.unit_id for row in data})
    cols = columns()
    counts: dict[int, dict[str, int]] = {b.unit_id: defaultdict(int) for b in lines}
    pyramid = {label: [0, 0] for _, _, label in AGE_BANDS}
    age_keys = {label: f"age:{label}" for _, _, label in AGE_BANDS}
    party_keys = {label: f"party:{label}" for _, _, label in PARTY_AGE_BANDS}
    for member_id, unit_id, status, gender, born, ethnicity, religion, education, level, degree, theory, decided in data:
        c = counts.get(unit_id)
        if c is None:
            c = counts[unit_id] = defaultdict(int)
        if status == VISITING:
            c["visiting"] += 1
            continue
        for key in _profile_keys(status, gender, ethnicity, religion, education, level, degree, theory):
            c[key] += 1
        age = _age_years(born, on)
        if age is None:
            c["age:unknown"] += 1
        else:
            c["under_30"] += age < 30
            label = band(age, AGE_BANDS)
            c[age_keys[label]] += 1
            pyramid[label][gender == "female"] += 1
        member_gaps = gaps.get(member_id)
        years = (party_age_months(decided, on, member_gaps) // 12 if member_gaps else (_age_years(decided, on) or 0))
        c[party_keys[band(years, PARTY_AGE_BANDS)]] += 1
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
