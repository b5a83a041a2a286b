"""At a committee, a branch's member is browsed with the branch's fields read-only — in the service,
not only in the dialog (DESIGN.md "Sync packages": ownership)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.services.auth import Actor
from handbook_desktop.services.demo import generate
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.members import update_member
from handbook_desktop.services.progress import drain
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Member, Unit

SECRETARY = Actor("admin", "secretary")


@pytest.fixture
def committee_db(tmp_path):
    database = Database.open(tmp_path / "committee.sqlite3")
    drain(generate(database, members=400, seed=4, today=date(2026, 11, 15)))
    yield database
    database.close()


def _branch_member(database) -> Member:
    with database.read() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        assert home.level == "dang-uy-co-so"
        return session.scalars(select(Member).where(Member.unit_id != home.id, Member.status == "official")
                               .order_by(Member.id)).first()


def test_committee_cannot_change_what_the_branch_owns(committee_db):
    member = _branch_member(committee_db)
    with pytest.raises(UserError) as refused:
        with committee_db.session() as session:
            update_member(session, SECRETARY, member.uuid, {"full_name": "Tên Khác Hẳn", "phone": "0912000111"})
    assert "do chi bộ quản lý" in str(refused.value)
    with committee_db.read() as session:
        again = session.scalars(select(Member).where(Member.uuid == member.uuid)).one()
        assert again.full_name == member.full_name and again.version == member.version
    # The committee's own decisions stay editable there.
    with committee_db.session() as session:
        changed, _warnings, count = update_member(session, SECRETARY, member.uuid,
                                                  {"party_card_number": "01.123456"}, allow_duplicates=True)
        assert count == 1 and changed.party_card_number == "01.123456"


def test_member_dialog_at_a_committee_locks_branch_fields(qtbot, committee_db):
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.pages.members.dialog import MemberDialog
    from handbook_desktop.ui.tasks import TaskRunner

    member = _branch_member(committee_db)
    home = committee_db.home_unit()
    context = AppContext(committee_db, SECRETARY, TaskRunner(), ChangeHub(), home.code, home.name, home.level)
    dialog = MemberDialog(context, member.uuid)
    qtbot.addWidget(dialog)
    assert dialog.widgets["full_name"].isReadOnly()
    assert not dialog.widgets["party_card_number"].isReadOnly()
    assert "do chi bộ quản lý" in dialog.warnings.text().lower()
    context.runner.shutdown()
