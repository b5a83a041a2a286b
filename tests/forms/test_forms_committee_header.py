"""A branch's minutes exported at the committee carry the branch's header, not the committee's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from handbook_desktop.services.demo import generate
from handbook_desktop.services.forms.build import export_form
from handbook_desktop.services.progress import drain
from handbook_desktop.store.database import Database
from handbook_desktop.store.models.documents import IssuedDocument
from handbook_desktop.store.models.meetings import Meeting
from docx_reading import docx_text


def test_branch_minutes_at_the_committee(tmp_path, secretary):
    with Database.open(tmp_path / "committee.sqlite3") as database:
        drain(generate(database, members=400, seed=4, today=date(2026, 11, 15)))
        home = database.home_unit()
        with database.read() as session:
            meeting = session.scalars(select(Meeting).where(Meeting.unit_id != home.id, Meeting.kind == "regular")
                                      .order_by(Meeting.meeting_date)).first()
            branch_name, committee_name = meeting.unit.name, home.name
            issued_before = session.scalar(select(func.count()).select_from(IssuedDocument))
        out = export_form(database, secretary, "BB-SHCB", tmp_path / "bien-ban.docx", meeting_uuid=meeting.uuid)
        with database.read() as session:
            issued_after = session.scalar(select(func.count()).select_from(IssuedDocument))
    text = docx_text(out)
    assert branch_name.upper() in text
    assert committee_name.upper() in text  # the higher body above the branch
    assert issued_after == issued_before  # the branch numbers its own minutes
