"""A member's dues basis reads the same in the member record and on Đảng phí (issue 11 §9): one helper
(``domain.dues.basis_text``) writes it for both.

- A retired member with nothing entered: the record says «Lương hưu … (tạm tính theo nghề nghiệp …)», and
  the month's ledger on Đảng phí says «Lương hưu».
- Typing «Sinh viên» in the record's «Đối tượng đảng phí» changes what the record says Đảng phí will use,
  and the next month's ledger follows it (before, the ledger went by the occupation only and said «Lương
  hưu» under a record that said «Sinh viên»).
- Once a basis is entered on Đảng phí, the record's field reads its label, is changed only there, and
  the line says the salary it rests on.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox
from sqlalchemy import select

from handbook_desktop.services.procedures import dues
from handbook_desktop.store.models import Member, Unit
from handbook_desktop.ui.app import open_window


def _retired(database) -> str:
    with database.session() as session:
        unit = session.scalars(select(Unit).where(Unit.is_home.is_(True))).one()
        person = Member(unit_id=unit.id, status="official", full_name="Hoàng Văn Thụ", occupation="Hưu trí",
                        date_of_birth=date(1950, 2, 3), decision_date=date(1980, 3, 1),
                        ceremony_date=date(1980, 3, 20), official_date=date(1981, 3, 20), origin_unit=unit.code)
        session.add(person)
        session.flush()
        return person.uuid


def _ledger_basis(database, uuid: str, month: date) -> str:
    with database.read() as session:
        return next(line.basis for line in dues.ledger(session, month) if line.member_uuid == uuid)


def _record(qtbot, window, uuid):
    from handbook_desktop.ui.pages.members.dialog import MemberDialog

    dialog = MemberDialog(window.context, uuid, parent=window)
    qtbot.addWidget(dialog)
    return dialog


def test_the_record_and_dues_page_say_the_same_basis(qtbot, db, secretary, type_text):
    uuid = _retired(db)
    window = open_window(db, secretary)
    qtbot.addWidget(window)
    window.show()
    record = _record(qtbot, window, uuid)
    line = record.dues_line.text()
    assert line.startswith("Lương hưu: chưa có mức lương") and "tạm tính theo nghề nghiệp" in line, line
    with db.session() as session:
        dues.generate_month(session, secretary, date(2026, 1, 1))
    assert _ledger_basis(db, uuid, date(2026, 1, 1)) == "Lương hưu"

    field = record.widgets["dues_category"]
    assert isinstance(field, QComboBox) and field.findText("Học sinh, sinh viên") >= 0  # Đảng phí's own words
    field.lineEdit().selectAll()
    type_text(field.lineEdit(), "Sinh viên")
    assert record.dues_line.text().startswith("Học sinh, sinh viên (theo «Đối tượng đảng phí» của hồ sơ")
    record.save()
    qtbot.waitUntil(lambda: record.saved_uuid == uuid, timeout=10_000)
    with db.session() as session:
        dues.generate_month(session, secretary, date(2026, 2, 1))
    assert _ledger_basis(db, uuid, date(2026, 2, 1)) == "Học sinh, sinh viên"

    with db.session() as session:
        dues.set_basis(session, secretary, uuid, effective_from=date(2026, 3, 1), kind="insured_salary",
                       base_amount=7_020_000)
        dues.generate_month(session, secretary, date(2026, 3, 1))
    again = _record(qtbot, window, uuid)
    field = again.widgets["dues_category"]
    assert field.currentText() == "Tiền lương đóng BHXH" == _ledger_basis(db, uuid, date(2026, 3, 1))
    assert not field.isEnabled() and "Đảng phí" in field.toolTip()  # one place to change it
    assert again.dues_line.text() == "Tiền lương đóng BHXH: 7.020.000 đ"
    values, _ = again.values()
    assert "dues_category" not in values  # saving the record never writes over what Đảng phí set

    page = window.show_page("dues")
    page.set_today(date(2026, 3, 15))
    qtbot.waitUntil(lambda: not page.loading and page.table.rowCount() > 0, timeout=10_000)
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "Hoàng Văn Thụ")
    assert page.table.item(row, 1).text() == field.currentText()
    window.close()
