"""Dues and ratings (issue 15 §8, §9), worked by hand from DOMAIN.md §7, §8, §10.

- A member studying abroad pays the rule's amount for members abroad (5,000 đ, a "(check)" rule);
  the committee raises it to 20,000 đ from 01/05/2026 with `rules add`: April 5,000, May 20,000.
- Unpaid January, March and May 2026 (not consecutive) → on 01/06/2026 the removal proposal is on
  the to-do (3 months in the calendar year), with the removal form.
- An exempt member is not rated: refused, and not on the "ratings due" item.
- The 20 % cap counts per grassroots organisation: branch A has 1 "xuất sắc" and 0 "tốt", branch B
  0 and 5 in the same đảng ủy: 1 ≤ 20 % × 5, no warning for the organisation, nor for A shown alone.
  With a second "xuất sắc" in A: 2 > 1, warned, naming the organisation.
- The to-do cites the regulation in force: no version in force in 2026 cites 24-QĐ/TW without 294-QĐ/TW.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from handbook_desktop.domain.rules import RuleBook
from handbook_desktop.services.errors import UserError
from handbook_desktop.services.procedures import dues, ratings
from handbook_desktop.services.procedures.todo import todo
from handbook_desktop.services.rules import add_rule, shipped_rules
from handbook_desktop.store.models import DuesMonth, Unit

sys.path.insert(0, str(Path(__file__).parent))
from records_people import member  # noqa: E402


def test_members_abroad_and_three_unpaid_months(db, secretary):
    with db.session() as s:
        abroad = member(s, "Lê Minh Quân", date(2015, 4, 1), born=date(1990, 1, 1)).uuid
        late = member(s, "Phan Thị Rạng", date(2010, 4, 1), born=date(1980, 1, 1)).uuid
        dues.set_basis(s, secretary, abroad, effective_from=date(2026, 1, 1), kind="abroad")
        dues.set_basis(s, secretary, late, effective_from=date(2026, 1, 1), kind="flat")
        add_rule(s, secretary, "dues.amount.abroad", "20000", date(2026, 5, 1), "Hướng dẫn 07-HD/ĐU (check)")
        for month in range(1, 6):
            dues.generate_month(s, secretary, date(2026, month, 1))
            if month in (2, 4):
                dues.mark_paid(s, secretary, late, date(2026, month, 1), paid_on=date(2026, month, 10))
            dues.mark_paid(s, secretary, abroad, date(2026, month, 1), paid_on=date(2026, month, 10))
    with db.read() as s:
        lines = {(line.month.month, line.basis_kind): line.amount for line in s.scalars(select(DuesMonth))}
        assert lines[(4, "abroad")] == 5000 and lines[(5, "abroad")] == 20000
        item = next(i for i in todo(s, date(2026, 6, 1)) if i.kind == "unpaid_dues")
    assert [n for _, n in item.members] == ["Phan Thị Rạng"] and item.form_code == "removal"
    assert "Điều lệ" in item.rule_source


def _two_branches(db):
    with db.session() as s:
        home = s.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        home.parent.level = "dang-uy-co-so"
        other = Unit(code="CB-B", name="Chi bộ Khu dân cư số 6", level="chi-bo", parent=home.parent, origin_unit="CB-B")
        s.add(other)
        s.flush()
        return home.id, other.id


def test_exempt_members_are_not_rated_and_the_cap_counts_per_organisation(db, secretary):
    a_id, b_id = _two_branches(db)
    with db.session() as s:
        exempt = member(s, "Ngô Văn Sáu", date(1970, 1, 1), status="exempt").uuid
        best = member(s, "Đinh Văn Tài", date(2000, 1, 1)).uuid
        good = [member(s, f"Vương Văn {n}", date(2000, 1, 1), unit_id=b_id).uuid for n in "ABCDE"]
        with pytest.raises(UserError, match="miễn công tác"):
            ratings.rate_member(s, secretary, exempt, 2026, score=95)
        ratings.rate_member(s, secretary, best, 2026, score=95)
        for uuid in good:
            ratings.rate_member(s, secretary, uuid, 2026, score=80)
    with db.read() as s:
        due = next((i for i in todo(s, date(2026, 12, 1)) if i.kind == "ratings_due"), None)
        assert due is None or exempt not in {u for u, _ in due.members}
        assert ratings.summary(s, 2026)["warnings"] == []
        alone = ratings.summary(s, 2026, unit_id=a_id)
        assert alone["counts"]["excellent"] == 1 and alone["counts"]["good"] == 0 and alone["warnings"] == []
        assert exempt not in {r["member_uuid"] for r in alone["rows"]}
    with db.session() as s:
        second = member(s, "Đinh Văn Út", date(2000, 1, 1)).uuid
        ratings.rate_member(s, secretary, second, 2026, score=92)
    with db.read() as s:
        warned = ratings.summary(s, 2026, unit_id=b_id)["warnings"]
    assert len(warned) == 1 and warned[0].startswith("Đảng bộ phường Hoàn Kiếm") and "(2)" in warned[0]


def test_the_current_regulation_is_cited():
    book = RuleBook.of(shipped_rules())
    stale = [key for key in book.keys() if "24-QĐ/TW" in book.rule(key, date(2026, 1, 1)).source
             and "294-QĐ/TW" not in book.rule(key, date(2026, 1, 1)).source]
    assert stale == []
    assert book.value("form.probation_vote", date(2026, 1, 1)) == "13-KNĐ"
    assert book.value("form.badge_proposal", date(2026, 1, 1)) == "4-HHĐ"
    assert book.value("rating.due_day", date(2019, 12, 31)) == "12-31"
