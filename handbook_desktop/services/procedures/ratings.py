"""Annual rating of members and of the branch (DOMAIN.md §10)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.rating import (
    LEVEL_LABELS, LEVEL_ORDER, excellent_ratio_warning, level_for_score, rating_day,
)
from handbook_desktop.domain.states import HEADCOUNT_CODES, MemberStatus
from handbook_desktop.services import audit
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.common import home_unit, member_by_uuid, rules
from handbook_desktop.services.procedures.status import discipline_in_year
from handbook_desktop.store.models import Member, Rating, Unit

RATED_STATES = HEADCOUNT_CODES
GRASSROOTS_LEVELS = ("dang-uy-co-so", "dang-uy-xa-phuong")


def rated_states(book, year: int) -> tuple[str, ...]:
    """States rated in ``year``: exempt members only if ``rating.rates_exempt_members`` says so."""
    if book.value("rating.rates_exempt_members", rating_day(year, book)):
        return RATED_STATES
    return tuple(s for s in RATED_STATES if s != MemberStatus.EXEMPT.value)


def grassroots_of(session: Session) -> dict[int, Unit]:
    """Each unit's grassroots organisation (the nearest đảng ủy cơ sở / xã, phường above or at it);
    the top unit known when none is (a branch's database holds only itself and its parent)."""
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.deleted_at.is_(None)))}
    found = {}
    for unit in units.values():
        current, top = unit, unit
        while current is not None and current.level not in GRASSROOTS_LEVELS:
            top = current
            current = units.get(current.parent_id) if current.parent_id else None
        found[unit.id] = current or top
    return found


def _check_score(score: int | None) -> None:
    if score is not None and not 0 <= score <= 100:
        raise UserError("Điểm đánh giá phải từ 0 đến 100.")


def rate_member(session: Session, actor, member_uuid: str, year: int, *, score: int | None,
                self_score: int | None = None, note: str | None = None) -> Rating:
    """Level from the score by the bands in force; "không hoàn thành" when disciplined that year."""
    actor.require("write")
    _check_score(score)
    _check_score(self_score)
    member = member_by_uuid(session, member_uuid)
    if member.status not in rated_states(rules(session), year):
        raise UserError("Đảng viên được miễn công tác và sinh hoạt đảng không đánh giá, xếp loại (quy tắc "
                        "rating.rates_exempt_members); không ghi gì.")
    disciplined = bool(discipline_in_year(member, year))
    if score is None and not disciplined:
        raise UserError("Cần nhập điểm đánh giá (0–100).")
    result = level_for_score(rules(session), year, score, disciplined_in_year=disciplined)
    row = session.scalars(select(Rating).where(Rating.member_id == member.id, Rating.year == year,
                                               Rating.deleted_at.is_(None))).one_or_none()
    if row is None:
        row = Rating(unit_id=member.unit_id, member_id=member.id, year=year, origin_unit=member.origin_unit,
                     level=result.level)
        session.add(row)
    row.score, row.self_score, row.level, row.automatic_reason, row.note = (
        score, self_score, result.level, result.automatic_reason, note)
    session.flush()
    audit.record_changes(session, actor, row, entity="rating")
    return row


def rate_branch(session: Session, actor, year: int, *, score: int, note: str | None = None,
                unit_id: int | None = None) -> Rating:
    """The organisation's own level: our unit, or (at a committee) the branch ``unit_id``."""
    actor.require("write")
    _check_score(score)
    unit = home_unit(session) if unit_id is None else session.get(Unit, unit_id)
    if unit is None or unit.deleted_at is not None:
        raise UserError("Không tìm thấy chi bộ này.")
    result = level_for_score(rules(session), year, score)
    row = session.scalars(select(Rating).where(Rating.unit_id == unit.id, Rating.member_id.is_(None),
                                               Rating.year == year, Rating.deleted_at.is_(None))).one_or_none()
    if row is None:
        row = Rating(unit_id=unit.id, year=year, origin_unit=unit.code, level=result.level)
        session.add(row)
    row.score, row.level, row.note = score, result.level, note
    session.flush()
    audit.record_changes(session, actor, row, entity="rating")
    return row


def summary(session: Session, year: int, unit_id: int | None = None) -> dict:
    """Counts per level, members still to rate, the organisation's own level, and the 20 % warning
    — for everyone in the database, or (at a committee) for the branch ``unit_id``."""
    home = home_unit(session)
    book = rules(session)
    states = rated_states(book, year)
    members = _rated(session, states, None if unit_id is None else [unit_id])  # a committee rates tens of thousands
    ids = {m.id for m in members}
    ratings, own = {}, None
    for rating in session.execute(select(Rating.member_id, Rating.unit_id, Rating.score, Rating.level,
                                         Rating.automatic_reason)
                                  .where(Rating.year == year, Rating.deleted_at.is_(None)).order_by(Rating.id)):
        if rating.member_id in ids:  # by member, not by unit: a member who moved keeps the rating
            ratings[rating.member_id] = rating
        elif rating.member_id is None and rating.unit_id == (home.id if unit_id is None else unit_id):
            own = rating  # a branch's own rating sent up is not the committee's
    counts = {level: 0 for level in LEVEL_ORDER}
    rows, missing = [], []
    disciplined = _disciplined(session, year)
    for member in members:
        rating = ratings.get(member.id)
        if rating is None:
            missing.append(member)
        else:
            counts[rating.level] = counts.get(rating.level, 0) + 1
        rows.append({"member_uuid": member.uuid, "name": member.full_name,
                     "score": rating.score if rating else None,
                     "level": rating.level if rating else None,
                     "level_label": LEVEL_LABELS.get(rating.level, "") if rating else "",
                     "automatic_reason": rating.automatic_reason if rating else None,
                     "disciplined": member.id in disciplined})
    branch = own
    warnings = _cap_warnings(session, book, year, states, unit_id,
                             (members, ratings) if unit_id is None else None)
    return {"year": year, "counts": counts, "rows": rows, "missing": [(m.uuid, m.full_name) for m in missing],
            "branch_level": branch.level if branch else None,
            "warning": " ".join(warnings) or None, "warnings": warnings}


def _rated(session: Session, states, unit_ids: list[int] | None) -> list:
    """The members rated: plain rows (id, uuid, name, branch) in name order, chosen in the database."""
    conditions = [Member.deleted_at.is_(None), Member.status.in_(list(states))]
    if unit_ids is not None:
        conditions.append(Member.unit_id.in_(unit_ids))
    return session.execute(select(Member.id, Member.uuid, Member.full_name, Member.unit_id).where(*conditions)
                           .order_by(Member.name_sort, Member.id)).all()


def _disciplined(session: Session, year: int) -> set[int]:
    """Members with a discipline in ``year`` (``status.discipline_in_year``, asked of the database)."""
    from datetime import date

    from handbook_desktop.store.models import MemberEvent

    return set(session.scalars(select(MemberEvent.member_id).where(
        MemberEvent.kind == "discipline", MemberEvent.deleted_at.is_(None),
        MemberEvent.event_date >= date(year, 1, 1), MemberEvent.event_date <= date(year, 12, 31))))


def _cap_warnings(session, book, year, states, unit_id, known) -> list[str]:
    """The 20 % check for each grassroots organisation concerned (``rating.cap_scope``), not per
    branch: a branch shown at a committee is judged with the rest of its organisation."""
    orgs = grassroots_of(session)
    if known is not None:  # the whole database was read already
        members, ratings = known
    else:  # a branch at a committee: read its organisation's members
        wanted_org = orgs.get(unit_id)
        unit_ids = [u for u, org in orgs.items() if wanted_org is not None and org.id == wanted_org.id]
        members = _rated(session, states, unit_ids)
        ids = {m.id for m in members}
        ratings = {r.member_id: r for r in session.execute(select(Rating.member_id, Rating.level).where(
            Rating.year == year, Rating.deleted_at.is_(None), Rating.member_id.is_not(None)).order_by(Rating.id))
            if r.member_id in ids}
    wanted = None if unit_id is None else orgs.get(unit_id)
    counts: dict[int, dict[str, int]] = {}
    for member in members:
        org = orgs.get(member.unit_id)
        rating = ratings.get(member.id)
        if org is None or rating is None or (wanted is not None and org.id != wanted.id):
            continue
        level_counts = counts.setdefault(org.id, {})
        level_counts[rating.level] = level_counts.get(rating.level, 0) + 1
    names = {u.id: u.name for u in orgs.values()}
    found = []
    for org_id, level_counts in sorted(counts.items(), key=lambda p: names.get(p[0], "")):
        text = excellent_ratio_warning(book, year, level_counts)
        if text:
            found.append(f"{names[org_id]}: {text}" if len(counts) > 1 or unit_id is not None else text)
    return found


def export_summary(session: Session, year: int, out_path, unit_id: int | None = None) -> object:
    """The year's rating list (danh sách tổng hợp xếp loại) as Excel: one row per member, counts below."""
    from pathlib import Path

    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = summary(session, year, unit_id)
    book = Workbook()
    sheet = book.active
    sheet.title = f"Xếp loại {year}"
    sheet.append([f"DANH SÁCH TỔNG HỢP ĐÁNH GIÁ, XẾP LOẠI ĐẢNG VIÊN NĂM {year}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Điểm", "Mức xếp loại", "Ghi chú"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, row in enumerate(data["rows"], start=1):
        sheet.append([number, row["name"], row["score"], row["level_label"] or "Chưa xếp loại",
                      row["automatic_reason"] or ""])
    sheet.append([])
    for level in LEVEL_ORDER:
        sheet.append(["", LEVEL_LABELS[level], data["counts"].get(level, 0)])
    if data["warning"]:
        sheet.append(["", f"Lưu ý: {data['warning']}"])
    for column, width in zip("ABCDE", (6, 32, 8, 34, 36)):
        sheet.column_dimensions[column].width = width
    out = Path(out_path)
    temporary = out.with_name(out.name + ".partial")
    book.save(temporary)
    temporary.replace(out)  # never a half-written file under the final name
    return out
