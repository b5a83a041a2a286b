"""What the procedures add to a member's detail (``members show --json``): party age, next badge."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from handbook_desktop.services.procedures.badges import member_next_badge
from handbook_desktop.services.procedures.common import EVENT_LABELS, member_party_age
from handbook_desktop.store.models import Member


def procedures_detail(session: Session, member: Member, on: date | None = None) -> dict:
    on = on or date.today()
    due = member_next_badge(session, member, on) if member.decision_date else None
    return {
        "party_age_months": member_party_age(member, on) if member.decision_date else None,
        "next_badge": None if due is None else {
            "years": due.years, "reach_date": due.reach_date, "award_date": due.award_date,
            "early": due.early, "posthumous": due.posthumous, "deferred_until": due.deferred_until,
            "overdue": due.overdue},
        "event_labels": {kind: label for kind, label in EVENT_LABELS.items()
                         if any(e.kind == kind for e in member.events)},
    }
