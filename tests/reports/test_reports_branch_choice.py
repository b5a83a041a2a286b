"""A committee's pages work across branches (issue 17 §0): Nghiệp vụ, Đảng phí, Biểu mẫu and the
document register show each row's branch, and a branch box whose first choice is every branch.

Each list is checked against a second count made in SQL over the member's own unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from handbook_desktop.ui.app import open_window

from branch_steps import choose as _choose, column as _column  # noqa: E402

TODAY = date(2026, 11, 15)


def _headers(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def _unit_names(database) -> dict[int, str]:
    from handbook_desktop.store.models import Unit

    with database.read() as session:
        return dict(session.execute(select(Unit.id, Unit.name)).all())


def test_nghiep_vu_lists_name_the_branch_and_follow_the_choice(qtbot, committee_db, secretary):
    from handbook_desktop.store.models import Member

    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    page.set_today(TODAY)
    runner = window.context.runner
    page.tabs.setCurrentWidget(page.badges)
    qtbot.waitUntil(lambda: not runner.busy() and page.badges.round_box.count() > 0, timeout=30_000)
    table = page.badges.table
    assert _headers(table)[:2] == ["Họ và tên", "Chi bộ"]
    box = page.branch_box
    assert box is not None and box.currentText() == "Mọi chi bộ"
    # Every round of every branch: the count in the round box is the rows' count, branches mixed.
    everyone = {day: len(people) for day, people in page.badges.rounds.items()}
    names = _unit_names(committee_db)
    with committee_db.read() as session:
        unit_of = dict(session.execute(select(Member.uuid, Member.unit_id)).all())
    shown_branches = {page.badges.loaded[1][uuid][1] for people in page.badges.rounds.values() for uuid, *_ in people}
    assert len(shown_branches) > 1
    for uuid, *_rest in page.badges.rounds[page.badges.round_box.currentData()]:
        assert page.badges.loaded[1][uuid][1] == names[unit_of[uuid]]
    # One branch: only its members, in every round, and the branch cell says so.
    busiest = max(shown_branches, key=lambda n: sum(
        1 for people in page.badges.rounds.values() for u, *_ in people if names[unit_of[u]] == n))
    _choose(qtbot, box, box.findText(busiest))
    assert box.currentText() == busiest
    for day, people in page.badges.rounds.items():
        assert people and all(names[unit_of[uuid]] == busiest for uuid, *_ in people)
        assert len(people) <= everyone[day]
    assert set(_column(table, 1)) == {busiest}
    assert sum(len(p) for p in page.badges.rounds.values()) < sum(everyone.values())
    # The probation tab follows the same choice; back to every branch, every case again.
    page.tabs.setCurrentWidget(page.probation)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=30_000)
    probation = page.probation.table
    assert _headers(probation)[1] == "Chi bộ"
    assert set(_column(probation, 1)) <= {busiest}
    with committee_db.read() as session:
        in_branch = session.scalar(select(func.count()).select_from(Member).where(
            Member.status == "probationary", Member.deleted_at.is_(None), Member.ceremony_date.is_not(None),
            Member.unit_id == box.unit_id()))
        every_case = session.scalar(select(func.count()).select_from(Member).where(
            Member.status == "probationary", Member.deleted_at.is_(None), Member.ceremony_date.is_not(None)))
    assert probation.rowCount() == in_branch
    _choose(qtbot, box, 0)
    assert probation.rowCount() == every_case > in_branch
    # The change picker: at a committee each member's branch is part of the choice.
    page.tabs.setCurrentWidget(page.changes)
    qtbot.waitUntil(lambda: not runner.busy() and page.changes.member_box.count() > 0, timeout=30_000)
    first = page.changes.member_box.itemText(0)
    assert first.rsplit(" — ", 1)[-1] in names.values()
    window.close()


def test_dues_at_a_committee_say_whose_book_and_total_per_branch(qtbot, committee_db, secretary):
    from handbook_desktop.store.models import DuesMonth, Member

    with committee_db.read() as session:
        month, unit_id = session.execute(
            select(DuesMonth.month, Member.unit_id).select_from(DuesMonth).join(Member, Member.id == DuesMonth.member_id)
            .where(DuesMonth.deleted_at.is_(None)).group_by(DuesMonth.month, Member.unit_id)
            .order_by(func.count().desc())).first()
        lines_of = dict(session.execute(
            select(Member.unit_id, func.count()).select_from(DuesMonth).join(Member, Member.id == DuesMonth.member_id)
            .where(DuesMonth.month == month, DuesMonth.deleted_at.is_(None)).group_by(Member.unit_id)).all())
        due_of = dict(session.execute(
            select(Member.unit_id, func.sum(DuesMonth.amount)).select_from(DuesMonth)
            .join(Member, Member.id == DuesMonth.member_id)
            .where(DuesMonth.month == month, DuesMonth.deleted_at.is_(None)).group_by(Member.unit_id)).all())
    names = _unit_names(committee_db)
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("dues")
    page.set_today(TODAY)
    page.month_box.setCurrentIndex(month.month - 1)
    page.year_box.setValue(month.year)
    qtbot.waitUntil(lambda: not page.loading and page.totals.text().startswith("Mọi chi bộ")
                    and f"{month:%m/%Y}" in page.totals.text(), timeout=30_000)
    branches = page.branch_box.count() - 1
    if len(lines_of) < branches:  # the book made for some branches only: the totals say for how many
        assert page.totals.text().startswith(
            f"Mọi chi bộ (sổ tháng {month:%m/%Y} mới lập ở {len(lines_of)}/{branches} chi bộ): Tháng")
    else:
        assert page.totals.text().startswith("Mọi chi bộ: Tháng")
    assert _headers(page.table)[:2] == ["Họ và tên", "Chi bộ"]
    assert page.table.rowCount() == sum(lines_of.values())
    _choose(qtbot, page.branch_box, page.branch_box.findData(unit_id))
    branch = names[unit_id]
    qtbot.waitUntil(lambda: not page.loading and page.totals.text().startswith(f"{branch}: "), timeout=30_000)
    assert page.table.rowCount() == lines_of[unit_id]
    assert set(_column(page.table, 1)) == {branch}
    due_text = f"{due_of[unit_id]:,}".replace(",", ".")
    assert f"phải thu {due_text} đ" in page.totals.text()
    window.close()


def test_forms_pickers_and_register_name_the_branch(qtbot, committee_db, secretary):
    from handbook_desktop.domain.states import HEADCOUNT_STATES
    from handbook_desktop.store.models import IssuedDocument, Meeting, Member, Unit

    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("forms")
    runner = window.context.runner
    qtbot.waitUntil(lambda: not runner.busy() and page.member_list.count() > 0, timeout=30_000)
    names = _unit_names(committee_db)
    states = [getattr(s, "value", s) for s in HEADCOUNT_STATES]
    with committee_db.read() as session:
        per_unit = dict(session.execute(select(Member.unit_id, func.count()).where(
            Member.deleted_at.is_(None), Member.status.in_(states)).group_by(Member.unit_id)).all())
        meetings_of = dict(session.execute(select(Meeting.unit_id, func.count()).where(
            Meeting.deleted_at.is_(None)).group_by(Meeting.unit_id)).all())
        issued = dict(session.execute(select(Unit.id, func.count()).select_from(IssuedDocument).join(
            Unit, Unit.code == IssuedDocument.issuer_unit).where(IssuedDocument.deleted_at.is_(None))
            .group_by(Unit.id)).all())
    assert page.member_list.count() == sum(per_unit.values())  # every branch's members (2-HSĐV, DS-ĐV…)
    assert page.meeting_box.count() == sum(meetings_of.values())
    # The branch is on each line: meetings of two branches on one day no longer look the same.
    labels = [page.meeting_box.itemText(i) for i in range(page.meeting_box.count())]
    assert len(set(labels)) > len({label.rsplit(" — ", 1)[0] for label in labels})
    headers = [page.register_table.horizontalHeaderItem(c).text() for c in range(page.register_table.columnCount())]
    assert headers[1] == "Đơn vị ban hành"
    unit_id = max(issued, key=issued.get)
    _choose(qtbot, page.branch_box, page.branch_box.findData(unit_id))
    branch = names[unit_id]
    assert page.member_list.count() == per_unit[unit_id]
    assert all(page.member_list.item(i).text().endswith(f" — {branch}") for i in range(page.member_list.count()))
    assert page.meeting_box.count() == meetings_of[unit_id]
    assert page.register_table.rowCount() == issued[unit_id]
    assert {page.register_table.item(r, 1).text() for r in range(page.register_table.rowCount())} == {branch}
    window.close()
