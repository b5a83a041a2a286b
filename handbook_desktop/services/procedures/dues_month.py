"""A month of the dues ledger made in the database (issue 18 §5): one INSERT … SELECT for a committee's
50,000 lines instead of an amount computed per member in Python.

The rules stay data and stay read in one place: ``domain.dues.dues_terms`` gives, per basis kind, the
factor in force (a rate of the salary or pension, or an amount) and the ledger's note; this module puts
those numbers into the statement as parameters. Each amount is the same exact decimal product as
``monthly_dues`` (factor × base × (100 − reduction) / 100, rounded half up to the đồng), done in integers:
a factor is an exact fraction n/d. What only Python can say is asked per *distinct* value, never per
member: the basis a record's «Đối tượng đảng phí» or occupation suggests (``guessed_basis``, per distinct
pair), and the party age of the few members with gaps in it who are old enough to be exempt.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import (
    BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, and_, case, cast, exists, false,
    func, insert, literal, null, or_, select, true,
)
from sqlalchemy.orm import Session

from handbook_desktop.domain.dues import (
    BASIS_LABELS, DuesBasisValue, age_exempt_text, check_reduction_allowed, dues_terms, exempt_party_age_years,
    reduction_text,
)
from handbook_desktop.domain.party_age import GAP_END_KINDS, GAP_KIND, GAP_START_KINDS, party_age_months
from handbook_desktop.store.base import new_uuid, utcnow
from handbook_desktop.store.models import DuesBasis, DuesMonth, Member, MemberEvent

GAP_KINDS = sorted(GAP_START_KINDS | GAP_END_KINDS | {GAP_KIND})
_GUESS = Table("tmp_dues_guess", MetaData(), Column("category", String, primary_key=True),
               Column("occupation", String, primary_key=True), Column("kind", String(20)),
               prefixes=["TEMPORARY"])


def _fraction(value: Decimal) -> tuple[int, int]:
    numerator, denominator = value.as_integer_ratio()
    return int(numerator), int(denominator)


def _age_cutoff(month: date, years: int) -> date:
    """The latest decision date whose party age (without gaps) reaches ``years`` on ``month``'s first day."""
    months = years * 12
    day = month.replace(year=month.year - years)
    while party_age_months(day + timedelta(days=1), month) >= months:
        day += timedelta(days=1)
    while party_age_months(day, month) < months:
        day -= timedelta(days=1)
    return day


def _gapped_old(session: Session, cutoff: date, month: date, years: int, members) -> tuple[list[int], list[int]]:
    """Members old enough by decision date whose history has gaps: (all of them, those still exempt
    once the gaps are taken off) — their party age is the domain's, member by member."""
    from handbook_desktop.domain.party_age import gaps_from_events

    rows = session.execute(members.with_only_columns(
        Member.id, MemberEvent.kind, MemberEvent.event_date, MemberEvent.end_date, Member.decision_date)
        .join(MemberEvent, MemberEvent.member_id == Member.id)
        .where(MemberEvent.kind.in_(GAP_KINDS), MemberEvent.deleted_at.is_(None), Member.decision_date <= cutoff)).all()
    events: dict[int, list] = {}
    decided: dict[int, date] = {}
    for member_id, kind, day, end, decision in rows:
        events.setdefault(member_id, []).append((kind, day, end))
        decided[member_id] = decision
    old = [member_id for member_id, found in events.items()
           if party_age_months(decided[member_id], month, gaps_from_events(found)) >= years * 12]
    return sorted(events), sorted(old)


def insert_month(session: Session, book, month: date, members) -> int:
    """Insert the lines of ``month`` for the members ``members`` selects (``select(Member.id)`` with
    its conditions), each by its latest basis in force from that month back, else the basis its record
    suggests. Returns the number of lines."""
    from handbook_desktop.services.procedures.dues import guessed_basis

    live = (DuesBasis.deleted_at.is_(None), DuesBasis.effective_from <= month)
    in_force = (DuesBasis.member_id == Member.id, *live)
    # Each member's latest basis in force, numbered in the database (a window, not a lookup per member)
    ranked = select(DuesBasis.member_id, DuesBasis.kind, DuesBasis.base_amount, DuesBasis.flat_amount,
                    DuesBasis.reduction_percent, DuesBasis.reduction_until, DuesBasis.exempt_reason,
                    func.row_number().over(partition_by=DuesBasis.member_id,
                                           order_by=(DuesBasis.effective_from.desc(), DuesBasis.id.desc()))
                    .label("n")).where(*live).subquery("ranked")
    latest = select(ranked).where(ranked.c.n == 1).subquery("b")
    # What only Python can say, per distinct value: the guessed basis of members with none entered.
    unentered = members.where(~exists().where(*in_force))
    pairs = session.execute(unentered.with_only_columns(
        func.coalesce(Member.dues_category, ""), func.coalesce(Member.occupation, "")).distinct()).all()
    bind = session.connection()
    _GUESS.drop(bind, checkfirst=True)
    _GUESS.create(bind)
    try:
        if pairs:
            session.execute(insert(_GUESS), [
                {"category": category, "occupation": occupation,
                 "kind": guessed_basis(_Record(category, occupation))[0].kind} for category, occupation in pairs])
        return _insert(session, book, month, members, latest)
    finally:
        _GUESS.drop(bind, checkfirst=True)


class _Record:
    def __init__(self, category: str, occupation: str):
        self.dues_category, self.occupation = category or None, occupation or None


def _insert(session: Session, book, month: date, members, latest) -> int:
    basis = latest
    guess = _GUESS.alias("g")
    source = Member.__table__.outerjoin(basis, basis.c.member_id == Member.id).outerjoin(guess, and_(
        guess.c.category == func.coalesce(Member.dues_category, ""),
        guess.c.occupation == func.coalesce(Member.occupation, "")))
    kind = func.coalesce(basis.c.kind, guess.c.kind)
    kinds = sorted({k for (k,) in session.execute(members.with_only_columns(kind).select_from(source).distinct())})
    for found in kinds:
        if found not in BASIS_LABELS:
            raise ValueError(f"unknown dues basis {found!r}")
    reducing = and_(basis.c.reduction_percent > 0,
                    or_(basis.c.reduction_until.is_(None), basis.c.reduction_until >= month))
    percent = case((reducing, basis.c.reduction_percent), else_=0)
    percents = sorted({p for (p,) in session.execute(
        members.with_only_columns(basis.c.reduction_percent).select_from(source).where(reducing).distinct())})
    for found in percents:
        check_reduction_allowed(book, found, month)

    years = exempt_party_age_years(book, month)
    if years:
        cutoff = _age_cutoff(month, years)
        gapped, old_gapped = _gapped_old(session, cutoff, month, years, members)
        old = and_(Member.decision_date.is_not(None), Member.decision_date <= cutoff,
                   or_(Member.id.not_in(gapped), Member.id.in_(old_gapped)) if gapped else true())
    else:
        old = false()

    amounts, notes = [], []
    for found in kinds:
        if found == "exempt":
            continue
        terms = dues_terms(book, found, month)
        numerator, denominator = _fraction(terms.factor)
        if terms.on_base:
            scaled = cast(func.coalesce(basis.c.base_amount, 0), BigInteger) * numerator
        elif terms.own_amount:
            scaled = case((basis.c.flat_amount.is_not(None), cast(basis.c.flat_amount, BigInteger) * denominator),
                          else_=literal(numerator, BigInteger))
        else:
            scaled = literal(numerator, BigInteger)
        # factor × (100 − p) / 100 rounded half up: ⌊(2·x·(100 − p) + 100·d) / (200·d)⌋, all positive integers
        value = (2 * scaled * (100 - percent) + 100 * denominator) // (200 * denominator)
        amounts.append((kind == found, value))
        notes.append((kind == found, literal(terms.text)))
    reduction = case(*((percent == p, literal(reduction_text(p))) for p in percents), else_="") if percents else literal("")
    exempt_note = literal("Miễn: ") + func.coalesce(func.nullif(basis.c.exempt_reason, ""), "theo đơn")
    amount = case((old, 0), (kind == "exempt", 0), *amounts, else_=None) if amounts else literal(0)
    note = case((old, age_exempt_text(years) if years else ""), (kind == "exempt", exempt_note),
                else_=(case(*notes, else_="") if notes else literal("")) + reduction)
    exempt = case((or_(old, kind == "exempt"), literal(True)), else_=literal(False))
    prefix = new_uuid()[:24]  # the month's lines: this call's random prefix, then the member's id (unique per line)
    if session.bind.dialect.name == "postgresql":
        uuid = literal(prefix) + func.lpad(func.to_hex(Member.id), 12, "0")
    else:
        uuid = literal(prefix) + func.printf("%012x", Member.id)
    chosen = (members.with_only_columns(
        Member.id, literal(month, Date), kind, basis.c.base_amount, cast(amount, Integer), cast(exempt, Boolean),
        literal(False, Boolean), cast(null(), Date), cast(null(), String(10)), literal(False, Boolean), note, uuid,
        Member.origin_unit, literal(1, Integer), literal(utcnow(), DateTime), cast(null(), DateTime))
        .select_from(source).order_by(Member.name_sort, Member.id))
    table = DuesMonth.__table__
    statement = insert(table).from_select(
        [table.c.member_id, table.c.month, table.c.basis_kind, table.c.base_amount, table.c.amount, table.c.exempt,
         table.c.paid, table.c.paid_on, table.c.method, table.c.excused, table.c.note, table.c.uuid,
         table.c.origin_unit, table.c.version, table.c.updated_at, table.c.deleted_at], chosen)
    counted = select(func.count()).select_from(DuesMonth).where(DuesMonth.month == month)
    before = session.scalar(counted)
    session.execute(statement)
    return session.scalar(counted) - before
