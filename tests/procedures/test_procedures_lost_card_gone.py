"""A lost card is reissued only for a member still on the register: one who died or left is not proposed
on 1-TĐV nor in the to-do (found on the 50,000 demo: neither filtered by status)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures.documents import list_form_context
from handbook_desktop.services.procedures.todo import todo
from handbook_desktop.store.models import Member, MemberEvent

ON = date(2026, 11, 15)


def _lost_names(session):
    return sorted(name for item in todo(session, ON) if item.kind == "card_lost" for _, name in item.members)


def test_a_member_who_died_or_left_is_not_proposed_for_a_new_card(demo_db):
    with demo_db.immediate() as s:
        lost = s.scalars(select(Member).join(MemberEvent, MemberEvent.member_id == Member.id)
                         .where(MemberEvent.kind == "card_lost", MemberEvent.deleted_at.is_(None))).all()
        assert lost, "the demo reports at least one lost card"
        names = _lost_names(s)
        assert names == sorted(m.full_name for m in lost)
        listed = [row["full_name"] for row in list_form_context(s, "1-TĐV", ON)["members"]]
        assert sorted(listed) == names
        gone = lost[0]
        gone.status = "deceased"
        s.flush()
        assert gone.full_name not in _lost_names(s) or sum(m.full_name == gone.full_name for m in lost) > 1
        assert len(_lost_names(s)) == len(names) - 1
        if len(lost) == 1:
            with pytest.raises(UserError):
                list_form_context(s, "1-TĐV", ON)
        else:
            assert len(list_form_context(s, "1-TĐV", ON)["members"]) == len(listed) - 1
        for m in lost:
            m.status = "transferred_out"
        s.flush()
        assert _lost_names(s) == []
        with pytest.raises(UserError):
            list_form_context(s, "1-TĐV", ON)
        s.rollback()
