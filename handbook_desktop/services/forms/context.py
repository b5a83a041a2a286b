"""Contexts for the templates from the database: the §11 header of the home unit, members, signers.

The keys are those of ``forms.samples`` (the contract); a real context and a sample context of the
same form must be interchangeable.
"""

from __future__ import annotations

import copy
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook_desktop.domain.states import Gender, MemberStatus, PartyPosition
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.forms.catalog import FormEntry, find_form, issuer_abbreviation
from handbook_desktop.services.forms.filters import upper_vn
from handbook_desktop.store.models import Member, Unit

_ORG_UPPER = {"chi-bo": "CHI BỘ", "dang-bo-bo-phan": "ĐẢNG ỦY BỘ PHẬN", "dang-uy-co-so": "ĐẢNG ỦY",
              "dang-uy-xa-phuong": "ĐẢNG ỦY", "tinh-thanh-uy": "BAN THƯỜNG VỤ"}
_CURRENT = ("official", "probationary", "exempt")


def home_unit(session: Session) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).first()
    if unit is None:
        raise UserError("Cơ sở dữ liệu chưa thiết lập đơn vị.")
    return unit


def _holder(session: Session, unit: Unit, position: str) -> str:
    member = session.scalars(
        select(Member).where(Member.unit_id == unit.id, Member.party_position == position,
                             Member.status.in_(_CURRENT), Member.deleted_at.is_(None))
        .order_by(Member.name_sort)
    ).first()
    return member.full_name if member else ""


def unit_header_context(session: Session, unit: Unit | None = None) -> dict:
    """The §11 header values: higher body and issuing body in capitals, place, issuer abbreviation.

    Kept for the session (a batch of 500 phiếu builds the same header 500 times); naming a signer
    forgets it (``signers.set_signer``)."""
    unit = unit or home_unit(session)
    cache = session.info.setdefault(HEADER_CACHE, {})
    if unit.id not in cache:
        cache[unit.id] = _unit_header(session, unit)
    return copy.deepcopy(cache[unit.id])


HEADER_CACHE = "forms.unit_headers"


def _unit_header(session: Session, unit: Unit) -> dict:
    higher = unit.parent.name if unit.parent is not None else (unit.higher_body_name or "")
    from handbook_desktop.services.levels import level_label as name_of_level
    from handbook_desktop.services.rules import rule_book

    level_label = name_of_level(unit.level, rule_book(session))
    from handbook_desktop.services.signers import ROLES, named_signers

    # Named in the unit's settings first (a committee has no members of its own), else the records.
    named = named_signers(session, unit)
    signers = {}
    for role in ROLES:
        found = named.get(role)
        signers[role] = (found.name, found.title, found.problem) if found else (
            _holder(session, unit, role), ROLES[role], None)
    return {
        "code": unit.code,
        "name": unit.name,
        "name_upper": upper_vn(unit.name),
        "higher_body": higher,
        "higher_body_upper": upper_vn(higher),
        "higher_committee": committee_of(higher),
        "place": unit.place_name or "",
        "issuer": issuer_abbreviation(unit.level),
        "level": unit.level,
        "level_label": level_label,
        "org_upper": _ORG_UPPER.get(unit.level, "CHI BỘ"),
        "secretary": signers["secretary"][0],
        "deputy_secretary": signers["deputy_secretary"][0],
        "secretary_title": signers["secretary"][1],
        "deputy_secretary_title": signers["deputy_secretary"][1],
        "signer_problems": {role: problem for role, (_n, _t, problem) in signers.items() if problem},
        "term_start": unit.term_start,
    }


def signer_context(unit_ctx: dict, *, deputy: bool = False) -> dict:
    """``T/M CHI BỘ`` / ``BÍ THƯ``; a deputy signs ``K/T BÍ THƯ`` / ``PHÓ BÍ THƯ`` (Hướng dẫn 36-HD/VPTW)."""
    org = f"T/M {unit_ctx['org_upper']}"
    if deputy:
        title = upper_vn(unit_ctx.get("deputy_secretary_title") or "Phó Bí thư")
        return {"lines": [org, "K/T BÍ THƯ", title], "name": unit_ctx.get("deputy_secretary", ""), "deputy": True}
    title = upper_vn(unit_ctx.get("secretary_title") or "Bí thư")
    return {"lines": [org, title], "name": unit_ctx.get("secretary", ""), "deputy": False}


def committee_of(body: str) -> str:
    """``Đảng bộ phường X`` → ``Đảng ủy phường X``: documents go to the committee of a đảng bộ."""
    rest = body[len("Đảng bộ "):] if body.lower().startswith("đảng bộ ") else None
    if rest is None:
        return body
    for prefix, committee in (("thành phố ", "Thành ủy "), ("tỉnh ", "Tỉnh ủy ")):
        if rest.lower().startswith(prefix):
            return committee + rest[len(prefix):]
    return "Đảng ủy " + rest


def default_recipients(unit_ctx: dict) -> list[str]:
    items = []
    if unit_ctx.get("higher_committee"):
        items.append(f"{unit_ctx['higher_committee']} (để báo cáo),")
    items.append("Lưu " + ("chi bộ." if unit_ctx.get("level") == "chi-bo" else "văn phòng."))
    return items


def unnumbered_text(doc_type: str | None, issuer: str) -> str:
    return f"    -{doc_type or 'CV'}/{issuer}"


def base_context(session: Session, code: str, *, issued_on: date | None = None, number_text: str | None = None,
                 number: int | None = None, deputy: bool = False, unit: Unit | None = None) -> dict:
    """Header, document line, signer and recipients of form ``code`` for the home unit (or ``unit``)."""
    entry: FormEntry = find_form(code)
    unit_ctx = unit_header_context(session, unit)
    return {
        "unit": unit_ctx,
        "doc": {"code": entry.code, "title": entry.title, "number": number,
                "number_text": number_text or unnumbered_text(entry.print_type, unit_ctx["issuer"]),
                "date": issued_on or date.today(), "type": entry.doc_type or "", "draft": False},
        "signer": signer_context(unit_ctx, deputy=deputy),
        "recipients": default_recipients(unit_ctx),
    }


def _label(enum, value) -> str:
    try:
        return enum(value).label if value else ""
    except ValueError:
        return value or ""


def with_display_name(session: Session, member: Member, person: dict, *, across_tree: bool) -> dict:
    """Add the birth year to the name where another member shares it, as the minutes do: in the branch for
    a branch's resolution, across the whole tree for a committee's letter (``across_tree``)."""
    from handbook_desktop.domain.text import fold
    from handbook_desktop.services.units import in_scope

    where = in_scope(Member.unit_id) if across_tree else (Member.unit_id == member.unit_id)
    others = session.scalar(select(func.count()).select_from(Member).where(
        Member.name_fold == fold(member.full_name), Member.id != member.id, Member.deleted_at.is_(None), where))
    year = member.date_of_birth.year if member.date_of_birth else member.birth_year
    if others and year:
        person["display_name"] = f"{member.full_name} (sinh năm {year})"
    return person


def party_age_years(member: Member, on: date) -> int | None:
    if member.decision_date is None:
        return None
    from handbook_desktop.domain.dates import whole_months_between

    return max(whole_months_between(member.decision_date, on), 0) // 12


def member_context(member: Member, on: date | None = None) -> dict:
    """Every field of DOMAIN §3 under the names of ``samples.sample_member``."""
    on = on or date.today()
    text = lambda value: value or ""  # noqa: E731 - blanks print as empty, never "None"
    return {
        "uuid": member.uuid,
        "full_name": member.full_name,
        "display_name": member.full_name,  # see with_display_name: the birth year for a namesake
        "full_name_upper": upper_vn(member.full_name),
        "birth_name": text(member.birth_name) or member.full_name,
        "alias": text(member.alias),
        "gender": text(member.gender),
        "gender_label": _label(Gender, member.gender),
        "date_of_birth": member.date_of_birth,
        "year_of_birth": member.date_of_birth.year if member.date_of_birth else "",
        "birth_place": text(member.birth_place),
        "hometown": text(member.hometown),
        "permanent_address": text(member.permanent_address),
        "temporary_address": text(member.temporary_address),
        "ethnicity": text(member.ethnicity),
        "religion": text(member.religion),
        "national_id": text(member.national_id),
        "phone": text(member.phone),
        "decision_date": member.decision_date,
        "ceremony_date": member.ceremony_date,
        "admitted_in": text(member.admitted_in),
        "introducer_1": text(member.introducer_1),
        "introducer_2": text(member.introducer_2),
        "official_date": member.official_date,
        "party_card_number": text(member.party_card_number),
        "card_issued_date": member.card_issued_date,
        "record_number": text(member.record_number),
        "position": text(member.party_position),
        "position_label": _label(PartyPosition, member.party_position),
        "status": member.status,
        "status_label": _label(MemberStatus, member.status),
        "awards": text(member.awards),
        "discipline": text(member.discipline),
        "occupation": text(member.occupation),
        "workplace": text(member.workplace),
        "government_position": text(member.government_position),
        "youth_union_date": member.youth_union_date,
        "general_education": text(member.general_education),
        "professional_level": text(member.professional_level),
        "academic_degree": text(member.academic_degree),
        "academic_title": text(member.academic_title),
        "political_theory": text(member.political_theory),
        "foreign_language": text(member.foreign_language),
        "it_skill": text(member.it_skill),
        "social_policy": text(member.social_policy),
        "dues_category": text(member.dues_category),
        "notes": text(member.notes),
        "unit_name": member.unit.name if member.unit is not None else "",
        "party_age_years": party_age_years(member, on),
    }


def branch_order(name: str) -> tuple:
    """Branches in the order a person reads them: "số 2" before "số 10" (not 1, 10, 100, 101, … 2)."""
    import re

    from handbook_desktop.domain.text import fold

    return tuple(int(part) if part.isdigit() else fold(part) for part in re.split(r"(\d+)", name or ""))


def with_branch_headings(rows: list[dict], grouped: bool) -> list[dict]:
    """A committee's list goes branch by branch, each branch under a heading row "Chi bộ … (N đồng chí)"
    (``group_heading`` on its first member); the rows come in name order and keep it within a branch."""
    for row in rows:
        row["group_heading"] = ""
    if not grouped:
        return rows
    rows = sorted(rows, key=lambda row: branch_order(row["branch_name"]))
    sizes: dict[str, int] = {}
    for row in rows:
        sizes[row["branch_name"]] = sizes.get(row["branch_name"], 0) + 1
    previous = None
    for row in rows:
        if row["branch_name"] != previous:
            row["group_heading"] = f"{row['branch_name']} ({sizes[row['branch_name']]} đồng chí)"
            previous = row["branch_name"]
    return rows
