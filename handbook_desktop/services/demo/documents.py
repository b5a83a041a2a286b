"""Demo data for the document register: the finalised meetings' minutes and resolutions carry numbers.

Numbers are given in date order per branch and type, as the register would have given them; the
row identities come from the meeting identities (uuid5), so the demo stays the same for a seed
without drawing from the shared random source.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import select

from handbook_desktop.services.demo import EXTENSIONS
from handbook_desktop.services.forms.catalog import find_form, issuer_abbreviation
from handbook_desktop.services.forms.numbers import format_number
from handbook_desktop.services.progress import Progress
from handbook_desktop.store.models import IssuedDocument, Meeting, Unit

_NAMESPACE = uuid.UUID("5b1f3c2e-7d7a-4c43-9a0e-6f1d2b3c4d5e")


def make_documents(context):
    database = context.database
    created = 0
    with database.immediate() as session:
        units = session.scalars(select(Unit).where(Unit.id.in_(context.branch_ids)).order_by(Unit.id)).all()
        now = datetime.combine(context.today, datetime.min.time(), tzinfo=timezone.utc)
        for unit in units:
            meetings = session.scalars(
                select(Meeting).where(Meeting.unit_id == unit.id, Meeting.state == "finalised",
                                      Meeting.deleted_at.is_(None))
                .order_by(Meeting.meeting_date, Meeting.id)
            ).all()
            counters: dict[tuple, int] = {}
            abbr = issuer_abbreviation(unit.level)
            for meeting in meetings:
                day = meeting.meeting_date
                term = unit.term_start if unit.term_start and unit.term_start <= day else None
                if term is None:
                    continue  # before the term the demo knows: left unnumbered
                codes = ["BB-SHCĐ" if meeting.kind == "thematic" else "BB-SHCB"]
                if meeting.kind in ("regular", "combined"):
                    codes.append("NQ-CB")
                for code in codes:
                    entry = find_form(code)
                    key = (entry.doc_type, term)
                    counters[key] = counters.get(key, 0) + 1
                    number = counters[key]
                    session.add(IssuedDocument(
                        uuid=str(uuid.uuid5(_NAMESPACE, f"{meeting.uuid}:{entry.doc_type}")),
                        origin_unit=unit.code, updated_at=now,
                        issuer_unit=unit.code, issuer_abbr=abbr, doc_type=entry.doc_type, term_start=term,
                        number=number, number_text=format_number(number, entry.doc_type, abbr),
                        issued_on=day, form_code=entry.code, title=entry.title, concerns_kind="meeting",
                        concerns_uuid=meeting.uuid, concerns_label=f"Sinh hoạt ngày {day:%d/%m/%Y}",
                        issued_by="demo",
                    ))
                    created += 1
    yield Progress(1, 1, f"Đã ghi {created} văn bản vào sổ")
    return created


def name_committee_signers(context):
    """A committee names its bí thư (the secretary of its first branch, found in the records) and a
    phó bí thư thường trực registered elsewhere (typed): its own documents then sign (issue 14)."""
    from handbook_desktop.services.auth import SYSTEM
    from handbook_desktop.services.signers import set_signer
    from handbook_desktop.store.models import Member

    with context.database.immediate() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        if home.level == "chi-bo" or not context.branch_ids:
            return None
        secretary = session.scalars(select(Member).where(
            Member.unit_id.in_(context.branch_ids), Member.party_position == "secretary",
            Member.status == "official", Member.deleted_at.is_(None)).order_by(Member.unit_id, Member.id)).first()
        if secretary is not None:
            set_signer(session, SYSTEM, "secretary", member_uuid=secretary.uuid, title="Bí thư")
        set_signer(session, SYSTEM, "deputy", name="Trần Minh Quang", title="Phó Bí thư Thường trực")
    return None


EXTENSIONS.append(make_documents)
EXTENSIONS.append(name_committee_signers)
