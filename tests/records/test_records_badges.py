"""Badges never lost (issue 15 §1), worked by hand from DOMAIN.md §9 (award days 3/2, 19/5, 2/9,
7/11; ill: 12 months early for 30–65 years, 24 months for 70–90; posthumous: up to 12 months early).

A. Decision 10/06/1996: 30 years on 10/06/2026, first round on or after it 02/09/2026. On 15/11/2026
   with no award it is "chưa xét" — not the 40-year badge of 02/09/2036.
B. Decision 10/03/1987, seriously ill: 40 years on 10/03/2027, 12 months early → 10/03/2026 → round
   19/05/2026. Decision 10/03/1957, ill: 70 years on 10/03/2027, 24 months early → round 19/05/2025.
C. Decision 20/12/1996, died 01/03/2026, the death entered on 15/11/2026: 30 years on 20/12/2026, up to
   12 months early → 20/12/2025 ≤ death → eligible from the death → round 19/05/2026, posthumous.
   Died 01/10/2025 instead: more than 12 months before the milestone → no badge.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures import badges
from handbook_desktop.services.procedures.common import add_event
from handbook_desktop.services.procedures.detail import procedures_detail
from handbook_desktop.services.procedures.todo import todo

sys.path.insert(0, str(Path(__file__).parent))
from records_people import member  # noqa: E402

ON = date(2026, 11, 15)


def _pending_item(session, on=ON):
    return next((i for i in todo(session, on) if i.kind == "badge_pending"), None)


def test_a_passed_round_stays_chua_xet_until_awarded_or_dismissed(db, secretary):
    with db.session() as s:
        a = member(s, "Nguyễn Văn An", date(1996, 6, 10)).uuid
        b = member(s, "Trần Văn Bảo", date(1996, 6, 12)).uuid
    with db.read() as s:
        item = _pending_item(s)
        assert item is not None and item.overdue and item.due == date(2026, 9, 2)
        assert [n for _, n in item.members] == ["Nguyễn Văn An", "Trần Văn Bảo"]
        assert "30 năm" in item.detail and "02/09/2026" in item.detail and item.form_code == "4-HHĐ"
        nxt = procedures_detail(s, badges.member_by_uuid(s, a), ON)["next_badge"]
    assert nxt["years"] == 30 and nxt["overdue"] and nxt["award_date"] == date(2026, 9, 2)

    with db.session() as s:
        badges.record_badge(s, secretary, a, 30, date(2026, 11, 7), "12-QĐ/TU")
        with pytest.raises(UserError, match="lý do"):
            badges.dismiss_badge(s, secretary, b, 30, ON, "  ")
    with db.read() as s:
        assert [n for _, n in _pending_item(s).members] == ["Trần Văn Bảo"]  # refused dismissal changed nothing
        nxt = procedures_detail(s, badges.member_by_uuid(s, a), ON)["next_badge"]
    assert nxt["years"] == 40 and not nxt["overdue"] and nxt["award_date"] == date(2036, 9, 2)

    with db.session() as s:
        badges.dismiss_badge(s, secretary, b, 30, ON, "Đã nhận tại đảng bộ cũ, chưa có giấy tờ")
    with db.read() as s:
        assert _pending_item(s) is None
        nxt = procedures_detail(s, badges.member_by_uuid(s, b), ON)["next_badge"]
        labels = procedures_detail(s, badges.member_by_uuid(s, b), ON)["event_labels"]
    assert nxt["years"] == 40 and "badge_dismissed" in labels


def test_seriously_ill_members_are_proposed_early(db, secretary):
    with db.session() as s:
        forty = member(s, "Lê Văn Cường", date(1987, 3, 10))
        seventy = member(s, "Phạm Văn Dũng", date(1957, 3, 10), born=date(1935, 1, 1))
        for who in (forty, seventy):
            add_event(s, secretary, who, "seriously_ill", date(2025, 1, 5))
        forty, seventy = forty.uuid, seventy.uuid
    with db.read() as s:
        found = badges.rounds(s, date(2026, 4, 1), 12)
        proposed = {(m.uuid, d.years) for m, d in found[date(2026, 5, 19)]}
        assert (forty, 40) in proposed and all(d.early for _, d in found[date(2026, 5, 19)])
        item = _pending_item(s)  # 15/11/2026: both rounds have passed
        by_name = dict(item.members)
        assert set(by_name) == {forty, seventy}
        assert "Phạm Văn Dũng: 70 năm (sớm, đợt 19/05/2025)" in item.detail
        assert "Lê Văn Cường: 40 năm (sớm, đợt 19/05/2026)" in item.detail


def test_posthumous_award_when_the_death_is_entered_late(db, secretary):
    with db.session() as s:
        late = member(s, "Hoàng Văn Em", date(1996, 12, 20), status="deceased")
        add_event(s, secretary, late, "death", date(2026, 3, 1))
        early = member(s, "Vũ Văn Giang", date(1996, 12, 20), status="deceased")
        add_event(s, secretary, early, "death", date(2025, 10, 1))
        late, early = late.uuid, early.uuid
    with db.read() as s:
        item = _pending_item(s)
        assert [u for u, _ in item.members] == [late]
        assert "Hoàng Văn Em: 30 năm (truy tặng, đợt 19/05/2026)" in item.detail
        assert procedures_detail(s, badges.member_by_uuid(s, early), ON)["next_badge"] is None


def test_demo_members_whose_round_passed_stay_on_the_list(demo_db):
    """The issue's finding: in the demo two members vanished from the to-do, their next badges shown
    for 2036 and 2031. Every member whose next badge is overdue is on the list, and no next badge
    skips an unsettled milestone."""
    from handbook_desktop.services.procedures.common import light_members

    with demo_db.read() as s:
        item = _pending_item(s, date(2026, 11, 15))
        listed = {u for u, _ in item.members} if item else set()
        overdue = set()
        for light in light_members(s):
            if light.decision_date is None or light.status in badges._NOT_PROPOSED:
                continue
            nxt = badges.next_milestone(badges.rules(s), badges.badge_input(light), date(2026, 11, 15))
            if nxt is not None and nxt.overdue:
                overdue.add(light.uuid)
    assert overdue and listed == overdue


def test_rounds_before_the_records_start_were_kept_on_paper(db, secretary):
    """A branch that began keeping its records in the program on 01/10/2026 is not asked about the
    round of 02/09/2026 (held on paper), but is about the rounds after it."""
    from handbook_desktop.services.start import set_records_start

    with db.session() as s:
        member(s, "Nguyễn Văn An", date(1996, 6, 10))  # round 02/09/2026
        member(s, "Đỗ Văn Bình", date(1996, 8, 1))  # 30 years on 01/08/2026 → also 02/09/2026
        member(s, "Lý Văn Cao", date(1996, 9, 5))  # 05/09/2026 → round 07/11/2026
        set_records_start(s, date(2026, 10, 1))
    with db.read() as s:
        item = _pending_item(s)
    assert [n for _, n in item.members] == ["Lý Văn Cao"] and "07/11/2026" in item.detail
