"""Admissions in progress: open cases per stage and per branch, and the stages past their deadline.

Overdue means, on the period's end: a ceremony not held within the rule's working days of the
decision (``admission.ceremony_within_working_days``), or a Party-awareness certificate past its
validity (``admission.awareness_certificate_valid_years``) before the committee decided.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from handbook_desktop.domain.admission import STAGE_CODES, STAGE_LABELS, ceremony_due
from handbook_desktop.domain.dates import add_months
from handbook_desktop.services.procedures.common import rules, work_calendar
from handbook_desktop.services.reports.branches import branches
from handbook_desktop.services.reports.model import Chart, Column, Report, Series, Table, total_row
from handbook_desktop.services.units import in_scope
from handbook_desktop.store.models import Candidate, Member


def admissions(session, start: date, end: date) -> Report:
    book, calendar = rules(session), work_calendar(session)
    valid_years = int(book.value("admission.awareness_certificate_valid_years", end))
    cases = session.execute(
        select(Member.unit_id, Candidate.stage, Candidate.decision_date, Candidate.decision_received_on,
               Candidate.ceremony_date, Candidate.course_certificate_date)
        .join(Member, Member.id == Candidate.member_id)
        .where(Candidate.closed.is_(False), Candidate.deleted_at.is_(None), Member.deleted_at.is_(None),
               in_scope(Member.unit_id))
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, stage, decided, received, ceremony, certificate in cases:
        c = counts[unit_id]
        c["open"] += 1
        c[f"stage:{stage}"] += 1
        if decided and not ceremony and ceremony_due(book, calendar, received or decided) < end:
            c["ceremony_overdue"] += 1
        if certificate and not decided and add_months(certificate, 12 * valid_years) < end:
            c["certificate_expired"] += 1
    home, lines = branches(session)
    if set(counts) - {b.unit_id for b in lines}:
        home, lines = branches(session, {b.unit_id for b in lines} | set(counts))
    cols = [Column("open", "Hồ sơ đang xét")]
    cols += [Column(f"stage:{code}", STAGE_LABELS[code], "Theo bước") for code in STAGE_CODES]
    cols += [Column("ceremony_overdue", "Quá hạn tổ chức lễ kết nạp", "Quá hạn"),
             Column("certificate_expired", "Giấy chứng nhận lớp nhận thức hết hạn", "Quá hạn")]
    rows = [{"label": b.name, "code": b.code, **{c.key: counts[b.unit_id][c.key] for c in cols}} for b in lines]
    total = total_row(rows, cols)
    table = Table("admissions", f"Công tác phát triển đảng viên đến ngày {end:%d/%m/%Y}", cols, rows, total)
    chart = Chart("stages", "Hồ sơ kết nạp đang xét theo bước", "bar", [STAGE_LABELS[c] for c in STAGE_CODES],
                  [Series("Hồ sơ", [total[f"stage:{c}"] for c in STAGE_CODES])], "hồ sơ")
    figures = {"open": total["open"], "ceremony_overdue": total["ceremony_overdue"],
               "certificate_expired": total["certificate_expired"]}
    return Report("admissions", "Báo cáo công tác phát triển đảng viên", home.name, start, end, [table], [chart],
                  figures=figures)
