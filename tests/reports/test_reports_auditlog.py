"""Nhật ký at a committee (issue 17 §0): values in Vietnamese, never the stored codes, and a filter
by user, kind of record, branch, dates and member or words that finds what the list shows.

Each filtered list is compared with a second selection made here over every audit row."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from handbook_desktop.domain.admission import STAGE_CODES
from handbook_desktop.domain.text import fold
from handbook_desktop.services.procedures.common import EVENT_LABELS
from handbook_desktop.ui.app import open_window

CODES = set(STAGE_CODES) | set(EVENT_LABELS) | {"cash", "portal", "official", "probationary", "transferred_out",
                                                "insured_salary", "pension", "True", "False"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _rows(page) -> list[list[str]]:
    return [[page.model.text(r, c) for c in range(page.model.columnCount())] for r in range(page.model.rowCount())]


def _choose(qtbot, box, index: int) -> None:
    box.setFocus()
    while box.currentIndex() != index:
        qtbot.keyClick(box, Qt.Key.Key_Down if box.currentIndex() < index else Qt.Key.Key_Up)
    box.activated.emit(index)  # what a person's choice in the open list sends


def _pay_in_another_branch(database, secretary) -> tuple[int, str]:
    """A payment recorded by the secretary for a member of a branch other than the demo's dues branch."""
    from handbook_desktop.services.procedures import dues
    from handbook_desktop.store.models import AuditLog, DuesMonth, Member

    with database.session() as session:
        paid_units = set(session.scalars(select(Member.unit_id).join(DuesMonth, DuesMonth.member_id == Member.id)))
        member = session.scalars(select(Member).where(Member.unit_id.not_in(paid_units), Member.status == "official")
                                 .order_by(Member.id)).first()
        if member is not None:
            dues.generate_month(session, secretary, date(2026, 10, 1), unit_ids=[member.unit_id])
            session.flush()
        else:  # the demo keeps a book for every branch (af68cd3): an unpaid October line of another branch
            first_branch = session.scalar(select(func.min(Member.unit_id)).join(DuesMonth, DuesMonth.member_id == Member.id))
            member = session.scalars(select(Member).join(DuesMonth, DuesMonth.member_id == Member.id).where(
                Member.unit_id != first_branch, Member.status == "official", DuesMonth.month == date(2026, 10, 1),
                DuesMonth.paid.is_(False), DuesMonth.amount > 0).order_by(Member.id)).first()
        dues.mark_paid(session, secretary, member.uuid, date(2026, 10, 1), paid_on=date(2026, 10, 20), method="portal")
        assert session.scalars(select(AuditLog).where(AuditLog.username == secretary.username)).first() is not None
        return member.unit_id, member.full_name


def _second_selection(database, unit_id: int) -> int:
    """Audit rows about the branch, found the long way: every row, its record looked up by uuid."""
    from handbook_desktop.store.models import AuditLog, Base, Meeting, Member, Unit

    with database.read() as session:
        members = {m.id: m for m in session.scalars(select(Member))}
        meetings = {m.id: m.unit_id for m in session.scalars(select(Meeting))}
        owner: dict[str, int] = {u.uuid: u.id for u in session.scalars(select(Unit))}
        for table in Base.metadata.tables.values():
            if "uuid" not in table.c:
                continue
            for row in session.execute(select(table)).mappings():
                if table.name == "member":
                    owner[row["uuid"]] = row["unit_id"]
                elif "member_id" in table.c and row["member_id"] in members:
                    owner[row["uuid"]] = members[row["member_id"]].unit_id
                elif "unit_id" in table.c:
                    owner.setdefault(row["uuid"], row["unit_id"])
                elif "meeting_id" in table.c:
                    owner[row["uuid"]] = meetings.get(row["meeting_id"])
        return sum(1 for entry in session.scalars(select(AuditLog)) if owner.get(entry.entity_uuid) == unit_id)


def test_audit_page_reads_in_words_and_filters_what_it_shows(qtbot, committee_db, secretary, type_text):
    from handbook_desktop.store.models import AuditLog

    unit_id, payer = _pay_in_another_branch(committee_db, secretary)
    with committee_db.read() as session:
        candidate_lines = len(session.scalars(select(AuditLog).where(AuditLog.entity == "candidate")).all())
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("audit")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=30_000)
    # Values read as words: no stage or event code, no uuid, no ISO date in the shown columns.
    _choose(qtbot, page.entity, page.entity.findText("Kết nạp"))
    qtbot.waitUntil(lambda: page.model.rowCount() == candidate_lines, timeout=30_000)
    rows = _rows(page)
    assert {row[4].split(" · ")[0] for row in rows} == {"Kết nạp"}
    for row in rows:
        for cell in row[4:]:
            assert not UUID.search(cell) and not ISO.search(cell), row
            assert not set(re.split(r"[;:,·\s]+", cell)) & CODES, row
    assert any("Người giới thiệu thứ hai" in row[4] and row[6] for row in rows)  # the introducer by name
    # A line holds every field one change touched (issue 18 §3): each value is "label: value" then.
    def values(row) -> list[str]:
        return [part.split(": ", 1)[-1] for part in row[6].split("; ")]

    assert any("Cấp ủy ra quyết định kết nạp" in values(row) for row in rows)  # a stage by its name
    assert any(value.startswith("Cuộc họp ") for row in rows for value in values(row))  # the meeting by day, branch
    # The member's name finds their dues lines too (only members and events were found before).
    _choose(qtbot, page.entity, 0)
    page.member.setFocus()
    type_text(page.member, payer)
    qtbot.keyClick(page.member, Qt.Key.Key_Return)

    def only_payer():
        rows = _rows(page)
        return bool(rows) and all(fold(payer) in fold(row[3]) or payer in " ".join(row) for row in rows)

    qtbot.waitUntil(only_payer, timeout=30_000)
    mine = [row for row in _rows(page) if row[3] == payer]
    # One line for the payment, its fields inside it (paid, day, how).
    assert any(row[4].startswith("Đảng phí · ") and "Hình thức nộp" in row[4]
               and "Hình thức nộp: Cổng dịch vụ công" in row[6].split("; ")
               and "Đã nộp: Không" in row[5].split("; ") and "Đã nộp: Có" in row[6].split("; ") for row in mine), mine
    page.member.clear()
    # One branch: the lines about its members and records, as many as the second selection finds.
    _choose(qtbot, page.branch_box, page.branch_box.findData(unit_id))
    want = _second_selection(committee_db, unit_id)
    qtbot.waitUntil(lambda: page.model.rowCount() == want, timeout=30_000)
    assert want >= 1 and all(row[3] == payer or row[3] == "" for row in _rows(page))  # the payment: one line
    # The user who did it: the secretary's own lines only.
    _choose(qtbot, page.branch_box, 0)
    _choose(qtbot, page.user, page.user.findData(secretary.username))

    def secretary_lines() -> int:
        with committee_db.read() as session:
            return len(session.scalars(select(AuditLog).where(AuditLog.username == secretary.username)).all())

    qtbot.waitUntil(lambda: page.model.rowCount() == secretary_lines() > 0, timeout=30_000)
    assert all(r[1] == secretary.username for r in _rows(page))
    # Dates: a day with nothing done shows nothing; the whole year shows the lines again.
    for widget, text in ((page.date_from, "01/01/2001"), (page.date_to, "31/12/2001")):
        widget.setFocus()
        type_text(widget, text)
    qtbot.mouseClick(page.filter_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=30_000)
    window.close()
