"""The dues ledger (DOMAIN.md §8): a line per member and month, branch totals, the Excel dues book.

Each line keeps the amount computed when it was made, by the rules in force in that month; a
later regulation never rewrites a past month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from handbook_desktop.domain.dues import (
    BASIS_LABELS, ENTERED, FROM_OCCUPATION, FROM_RECORD, METHOD_LABELS, DuesBasisValue, basis_text, category_kind,
    check_reduction, month_start,
)
from handbook_desktop.domain.states import HEADCOUNT_CODES
from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.progress import Progress, ProgressGen
from handbook_desktop.services.procedures.common import member_by_uuid, rules
from handbook_desktop.store.models import DuesBasis, DuesMonth, Member

PAYING_STATES = HEADCOUNT_CODES


def guessed_basis(member) -> tuple[DuesBasisValue, str]:
    """When no basis was entered on Đảng phí: what the record's «Đối tượng đảng phí» names, else a guess
    from the occupation, to be confirmed; with where it came from."""
    kind = category_kind(getattr(member, "dues_category", None))
    if kind is not None and kind != "exempt":  # an exemption needs its letter: entered on Đảng phí
        return DuesBasisValue(kind), FROM_RECORD
    occupation = (member.occupation or "").lower()
    if "hưu" in occupation:
        return DuesBasisValue("pension", base_amount=None), FROM_OCCUPATION
    if "sinh viên" in occupation or "học sinh" in occupation:
        return DuesBasisValue("student"), FROM_OCCUPATION
    return DuesBasisValue("flat"), FROM_OCCUPATION


def default_basis(member) -> DuesBasisValue:
    return guessed_basis(member)[0]


def member_basis(session: Session, member: Member, month: date) -> tuple[DuesBasisValue, str]:
    """The basis in force for ``month`` and where it comes from (entered, the record, the occupation)."""
    row = session.scalars(select(DuesBasis).where(DuesBasis.member_id == member.id, DuesBasis.deleted_at.is_(None),
                                                  DuesBasis.effective_from <= month_start(month))
                          .order_by(DuesBasis.effective_from.desc(), DuesBasis.id.desc())).first()
    if row is None:
        return guessed_basis(member)
    return DuesBasisValue(row.kind, row.base_amount, row.flat_amount, row.reduction_percent, row.reduction_until,
                          row.exempt_reason), ENTERED


def basis_on(session: Session, member: Member, month: date) -> DuesBasisValue:
    return member_basis(session, member, month)[0]


def basis_summary(session: Session, member: Member, month: date) -> str:
    """What the member record and Đảng phí both say of the member's dues (``domain.dues.basis_text``)."""
    return basis_text(*member_basis(session, member, month))


def has_entered_basis(session: Session, member: Member) -> bool:
    return session.scalars(select(DuesBasis.id).where(DuesBasis.member_id == member.id,
                                                      DuesBasis.deleted_at.is_(None))).first() is not None


def set_basis(session: Session, actor, member_uuid: str, *, effective_from: date, kind: str,
              base_amount: int | None = None, flat_amount: int | None = None, reduction_percent: int = 0,
              reduction_until: date | None = None, exempt_reason: str | None = None) -> DuesBasis:
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    if kind not in BASIS_LABELS:
        raise UserError("Đối tượng đóng đảng phí không hợp lệ.")
    if kind in ("insured_salary", "pension") and not base_amount:
        raise UserError("Cần nhập mức lương hoặc lương hưu làm căn cứ tính đảng phí.")
    if base_amount is not None and base_amount < 0:
        raise UserError("Mức lương không thể âm.")
    if reduction_percent:
        problem = check_reduction(rules(session), reduction_percent, effective_from,
                                  reduction_until or effective_from)
        if reduction_until is None:
            problem = problem or "Cần ngày kết thúc giảm đảng phí."
        if problem:
            raise UserError(problem)
    row = DuesBasis(member_id=member.id, effective_from=month_start(effective_from), kind=kind,
                    base_amount=base_amount, flat_amount=flat_amount, reduction_percent=reduction_percent or 0,
                    reduction_until=reduction_until, exempt_reason=exempt_reason, origin_unit=member.origin_unit)
    latest = session.scalars(select(DuesBasis.effective_from).where(
        DuesBasis.member_id == member.id, DuesBasis.deleted_at.is_(None)).order_by(
        DuesBasis.effective_from.desc())).first()
    session.add(row)
    if latest is None or row.effective_from >= latest:
        # the record's «Đối tượng đảng phí» says what Đảng phí computes by (and what the forms print)
        member.dues_category = BASIS_LABELS[kind]
        audit.record_changes(session, actor, member, entity="member")
    session.flush()
    audit.record(session, actor, "create", entity="dues_basis", entity_uuid=row.uuid,
                 detail={"member": member.uuid, "kind": kind, "from": row.effective_from})
    return row


def generate_month(session: Session, actor, month: date, *, unit_ids: list[int] | None = None) -> int:
    """Make the ledger lines of a month for every member in the headcount (existing lines are kept),
    or only for the members of ``unit_ids`` (a branch's book inside a committee's database). The lines
    are computed and written by the database in one statement (``dues_month.insert_month``), each by
    the rules in force in the month, as ``domain.dues.monthly_dues`` computes one."""
    from handbook_desktop.services.procedures.dues_month import insert_month

    actor.require("write")
    month = month_start(month)
    conditions = [Member.deleted_at.is_(None), Member.status.in_(PAYING_STATES),
                  or_(Member.ceremony_date.is_(None), Member.ceremony_date <= month.replace(day=28)),
                  ~exists().where(DuesMonth.member_id == Member.id, DuesMonth.month == month)]
    if unit_ids is not None:
        conditions.append(Member.unit_id.in_(unit_ids))
    added = insert_month(session, rules(session), month, select(Member.id).where(*conditions))
    audit.record(session, actor, "create", entity="dues_month", detail={"month": month, "lines": added})
    return added


def mark_paid(session: Session, actor, member_uuid: str, month: date, *, paid_on: date | None,
              method: str = "cash", paid: bool = True) -> DuesMonth:
    actor.require("write")
    member = member_by_uuid(session, member_uuid)
    line = session.scalars(select(DuesMonth).where(DuesMonth.member_id == member.id,
                                                   DuesMonth.month == month_start(month))).one_or_none()
    if line is None:
        raise UserError("Chưa có dòng đảng phí của tháng này: hãy lập sổ tháng trước.")
    if paid and method not in METHOD_LABELS:
        raise UserError("Hình thức nộp chỉ là tiền mặt hoặc cổng dịch vụ công.")
    if paid and paid_on is None:
        raise UserError("Cần ngày nộp đảng phí.")
    line.paid, line.paid_on, line.method = paid, paid_on if paid else None, method if paid else None
    audit.record_changes(session, actor, line, entity="dues_month")
    return line


@dataclass(frozen=True)
class LedgerLine:
    member_uuid: str
    name: str
    basis: str
    base_amount: int | None
    amount: int
    exempt: bool
    paid: bool
    paid_on: date | None
    method: str | None
    note: str
    unit_id: int | None = None
    branch: str = ""  # the member's branch (a committee's book holds every branch's lines)
    born: date | None = None  # tells two namesakes of one branch apart on the page


def _in_unit(query, unit_id: int | None):
    """Lines of one branch's members (a committee looking at one branch), or every line."""
    if unit_id is None:
        return query
    return query.where(DuesMonth.member_id.in_(select(Member.id).where(Member.unit_id == unit_id)))


def ledger(session: Session, month: date, unit_id: int | None = None) -> list[LedgerLine]:
    from handbook_desktop.store.models import Unit

    query = (select(DuesMonth, Member, Unit.name).join(Member, DuesMonth.member_id == Member.id)
             .join(Unit, Unit.id == Member.unit_id, isouter=True)
             .where(DuesMonth.month == month_start(month), DuesMonth.deleted_at.is_(None)))
    if unit_id is not None:
        query = query.where(Member.unit_id == unit_id)
    rows = session.execute(query.order_by(Member.name_sort)).all()
    return [LedgerLine(m.uuid, m.full_name, BASIS_LABELS.get(d.basis_kind, d.basis_kind), d.base_amount, d.amount,
                       d.exempt, d.paid, d.paid_on, d.method, d.note or "", m.unit_id, branch or "", m.date_of_birth)
            for d, m, branch in rows]


def month_totals(session: Session, year: int, unit_id: int | None = None) -> list[dict]:
    """Per month of the year: lines, amount due, amount paid, unpaid lines — summed in the database
    (a committee's year is half a million lines)."""
    paid_amount = func.sum(case((DuesMonth.paid.is_(True), DuesMonth.amount), else_=0))
    unpaid = func.sum(case((and_(DuesMonth.paid.is_(False), DuesMonth.amount > 0), 1), else_=0))
    query = _in_unit(select(DuesMonth.month, func.count(), func.sum(DuesMonth.amount), paid_amount, unpaid)
                     .where(DuesMonth.month >= date(year, 1, 1), DuesMonth.month <= date(year, 12, 1),
                            DuesMonth.deleted_at.is_(None)), unit_id)
    return [{"month": month, "lines": int(lines), "due": int(due or 0), "paid": int(paid or 0),
             "unpaid_lines": int(owing or 0)}
            for month, lines, due, paid, owing in session.execute(query.group_by(DuesMonth.month)
                                                                   .order_by(DuesMonth.month))]


def paid_through(session: Session, member_id: int) -> tuple[bool, date | None]:
    """(the ledger has lines for the member, the last month up to which every line is settled: paid,
    exempt or nothing owed; an unpaid month excused is still not paid). ``None`` when the first line
    is not settled. What a transfer letter prints as "đã đóng đảng phí đến hết": taken from the
    ledger the Đảng phí page shows, not typed."""
    settled = or_(DuesMonth.paid.is_(True), DuesMonth.exempt.is_(True), DuesMonth.amount <= 0)
    rows = session.execute(select(DuesMonth.month, settled).where(
        DuesMonth.member_id == member_id, DuesMonth.deleted_at.is_(None)).order_by(DuesMonth.month)).all()
    last = None
    for month, is_settled in rows:
        if not is_settled:
            break
        last = month
    return bool(rows), last


def unpaid_conditions(year: int, before: date) -> tuple:
    """Lines of ``year`` before ``before``'s month with dues owed, unpaid, no accepted reason."""
    return (DuesMonth.month >= date(year, 1, 1), DuesMonth.month < month_start(before), DuesMonth.amount > 0,
            DuesMonth.paid.is_(False), DuesMonth.excused.is_(False), DuesMonth.deleted_at.is_(None))


def unpaid_months(session: Session, year: int, before: date, unit_id: int | None = None) -> dict[int, list[date]]:
    """Member id → months of ``year`` before ``before``'s month with dues owed, unpaid, no accepted reason."""
    rows = session.execute(_in_unit(select(DuesMonth.member_id, DuesMonth.month).where(
        *unpaid_conditions(year, before)), unit_id)).all()
    result: dict[int, list[date]] = {}
    for member_id, month in rows:
        result.setdefault(member_id, []).append(month)
    return result


def export_dues_book(session: Session, year: int, out_path: Path) -> ProgressGen:
    """The dues book of a year as Excel: one row per member, a column per month, totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    lines = session.execute(select(DuesMonth, Member).join(Member, DuesMonth.member_id == Member.id)
                            .where(DuesMonth.month >= date(year, 1, 1), DuesMonth.month <= date(year, 12, 1),
                                   DuesMonth.deleted_at.is_(None)).order_by(Member.name_sort)).all()
    people: dict[str, dict] = {}
    for line, member in lines:
        row = people.setdefault(member.uuid, {"name": member.full_name, "months": {}})
        row["months"][line.month.month] = line
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Sổ đảng phí {year}"
    sheet.append([f"SỔ THU ĐẢNG PHÍ NĂM {year}"])
    sheet["A1"].font = Font(bold=True, size=14)
    header = ["STT", "Họ và tên"] + [f"T{m}" for m in range(1, 13)] + ["Cộng đã nộp", "Tháng chưa nộp"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    total = len(people)
    column_totals = [0] * 12
    for index, person in enumerate(people.values(), start=1):
        values, paid_sum, unpaid = [], 0, []
        for m in range(1, 13):
            line = person["months"].get(m)
            if line is None:
                values.append(None)
            elif line.exempt:
                values.append("Miễn")
            elif line.paid:
                values.append(line.amount)
                paid_sum += line.amount
                column_totals[m - 1] += line.amount
            else:
                values.append("Chưa nộp")
                unpaid.append(str(m))
        sheet.append([index, person["name"], *values, paid_sum, ", ".join(unpaid)])
        if index % 200 == 0:
            yield Progress(index, total, f"Đã ghi {index}/{total} đảng viên")
    sheet.append(["", "Cộng", *column_totals, sum(column_totals), ""])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 28
    for row in sheet.iter_rows(min_row=3, min_col=3, max_col=15):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    workbook.save(out_path)
    yield Progress(total, total, "Xong")
    return out_path
