"""Lists and counts show the home unit's own tree, not members who moved to another unit."""

from __future__ import annotations

from sqlalchemy import select

from handbook_desktop.services.info import database_info
from handbook_desktop.services.members.query import MemberFilter, count_members
from handbook_desktop.store.models import Member, Unit


def test_a_member_moved_to_another_branch_leaves_our_counts_and_list(db):
    with db.session() as session:
        home = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        other = Unit(code="CB-B", name="Chi bộ B", level="chi-bo", parent_id=home.parent_id)
        session.add(other)
        session.flush()
        session.add_all([Member(unit_id=home.id, full_name="Nguyễn Văn An", status="official"),
                         Member(unit_id=home.id, full_name="Trần Thị Bình", status="official")])
    before = database_info(db)
    with db.read() as session:
        listed_before = count_members(session, MemberFilter())
    with db.session() as session:
        moved = session.scalars(select(Member).where(Member.full_name == "Trần Thị Bình")).one()
        moved.unit_id = other.id
    after = database_info(db)
    with db.read() as session:
        listed_after = count_members(session, MemberFilter())
    assert (before["members"], before["headcount"], listed_before) == (2, 2, 2)
    assert (after["members"], after["headcount"], listed_after) == (1, 1, 1)
    assert after["units"] == 1  # our own tree: the branch itself
