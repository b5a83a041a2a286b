"""1-SHĐ's "Đã đóng đảng phí đến hết" is the ledger's figure, not the month typed at the transfer (found on
the 50,000 demo: a member with no payment recorded was sent off "đến hết tháng 12/2026")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from docx_reading import docx_text
from handbook_desktop.services.forms.build import export_form
from handbook_desktop.services.procedures import dues, status
from handbook_desktop.store.models import DuesMonth, Member


def _paid_line(text: str) -> str:
    return text.split("Đã đóng đảng phí đến hết:")[1].split("\n")[0].strip()


def _leaver(session):
    return session.scalars(select(Member).where(Member.status == "official", Member.party_position == "member")
                           .order_by(Member.id.desc())).first()


def test_transfer_letter_prints_the_month_the_ledger_is_paid_through(demo_db, secretary, tmp_path):
    with demo_db.immediate() as s:
        member = _leaver(s)
        for month in range(1, 12):
            dues.generate_month(s, secretary, date(2026, month, 1), unit_ids=[member.unit_id])
        lines = s.scalars(select(DuesMonth).where(DuesMonth.member_id == member.id, DuesMonth.deleted_at.is_(None))
                          .order_by(DuesMonth.month)).all()
        owed = [line for line in lines if line.amount > 0 and not line.exempt]
        assert len(owed) >= 11
        for line in lines:  # paid through September, October unpaid, November paid again
            line.paid = line.month <= date(2026, 9, 1) or line.month == date(2026, 11, 1)
            line.paid_on = line.month if line.paid else None
        s.flush()
        expected = max(line.month for line in lines if line.month <= date(2026, 9, 1))
        assert dues.paid_through(s, member.id) == (True, expected)
        status.transfer_out(s, secretary, member.uuid, day=date(2026, 11, 20), destination="Chi bộ Tổ dân phố 7",
                            dues_paid_to=date(2026, 11, 1))  # typed: more than the ledger says
        uuid = member.uuid
    text = docx_text(export_form(demo_db, secretary, "1-SHĐ", tmp_path / "shd.docx", member_uuid=uuid,
                                 on=date(2026, 11, 22)))
    assert _paid_line(text) == f"tháng {expected:%m/%Y}"


def test_transfer_letter_says_nothing_paid_when_the_ledger_has_no_payment(demo_db, secretary, tmp_path):
    with demo_db.immediate() as s:
        member = _leaver(s)
        dues.generate_month(s, secretary, date(2026, 1, 1), unit_ids=[member.unit_id])
        for line in s.scalars(select(DuesMonth).where(DuesMonth.member_id == member.id)):
            line.paid, line.paid_on, line.exempt, line.amount = False, None, False, max(line.amount, 1000)
        s.flush()
        assert dues.paid_through(s, member.id)[1] is None
        status.transfer_out(s, secretary, member.uuid, day=date(2026, 11, 20), destination="Chi bộ Tổ dân phố 7",
                            dues_paid_to=date(2026, 12, 1))
        uuid = member.uuid
    text = docx_text(export_form(demo_db, secretary, "1-SHĐ", tmp_path / "shd.docx", member_uuid=uuid,
                                 on=date(2026, 11, 22)))
    assert _paid_line(text) == "chưa đóng tháng nào (theo sổ đảng phí)"
