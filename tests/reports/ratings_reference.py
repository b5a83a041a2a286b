"""The ratings summary as it was computed before issue 18 §5 (every member's light row with events, every
rating through the ORM): the second path tests/reports/test_reports_todo_sql.py compares it with."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook_desktop.domain.rating import LEVEL_LABELS, LEVEL_ORDER, excellent_ratio_warning
from handbook_desktop.services.procedures.common import home_unit, light_members, rules
from handbook_desktop.services.procedures.ratings import grassroots_of, rated_states
from handbook_desktop.services.procedures.status import discipline_in_year
from handbook_desktop.store.models import Member, Rating


def summary(session: Session, year: int, unit_id: int | None = None) -> dict:
    """Counts per level, members still to rate, the organisation's own level, and the 20 % warning
    — for everyone in the database, or (at a committee) for the branch ``unit_id``."""
    home = home_unit(session)
    book = rules(session)
    states = rated_states(book, year)
    members = light_members(session, Member.unit_id, statuses=states,  # a committee rates tens of thousands
                            unit_ids=None if unit_id is None else [unit_id])
    ids = {m.id for m in members}
    ratings, own = {}, None
    for rating in session.scalars(select(Rating).where(Rating.year == year, Rating.deleted_at.is_(None))):
        if rating.member_id in ids:  # by member, not by unit: a member who moved keeps the rating
            ratings[rating.member_id] = rating
        elif rating.member_id is None and rating.unit_id == (home.id if unit_id is None else unit_id):
            own = rating  # a branch's own rating sent up is not the committee's
    counts = {level: 0 for level in LEVEL_ORDER}
    rows, missing = [], []
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
                     "disciplined": bool(discipline_in_year(member, year))})
    branch = own
    warnings = _cap_warnings(session, book, year, states, unit_id,
                             (members, ratings) if unit_id is None else None)
    return {"year": year, "counts": counts, "rows": rows, "missing": [(m.uuid, m.full_name) for m in missing],
            "branch_level": branch.level if branch else None,
            "warning": " ".join(warnings) or None, "warnings": warnings}


def _cap_warnings(session, book, year, states, unit_id, known) -> list[str]:
    """The 20 % check for each grassroots organisation concerned (``rating.cap_scope``), not per
    branch: a branch shown at a committee is judged with the rest of its organisation."""
    orgs = grassroots_of(session)
    if known is not None:  # the whole database was read already
        members, ratings = known
    else:  # a branch at a committee: read its organisation's members
        wanted_org = orgs.get(unit_id)
        unit_ids = [u for u, org in orgs.items() if wanted_org is not None and org.id == wanted_org.id]
        members = light_members(session, Member.unit_id, statuses=states, unit_ids=unit_ids)
        ids = {m.id for m in members}
        ratings = {r.member_id: r for r in session.scalars(select(Rating).where(
            Rating.year == year, Rating.deleted_at.is_(None), Rating.member_id.is_not(None))) if r.member_id in ids}
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

