"""Nghiệp vụ's branch box at a committee (issue 11 §3): the tab on screen follows the choice at once,
the other tabs when they are opened, and the change picker's members come in one piece from the
worker — what each tab shows is checked against counts made in SQL over the member's own unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from handbook_desktop.ui.app import open_window

from branch_steps import choose as _choose, column as _column  # noqa: E402

TODAY = date(2026, 11, 15)


def test_branch_box_refills_the_tab_on_screen_and_the_others_when_opened(qtbot, committee_db, secretary):
    from handbook_desktop.store.models import Member, Unit

    with committee_db.read() as session:
        names = dict(session.execute(select(Unit.id, Unit.name)).all())
        probation_of = dict(session.execute(select(Member.unit_id, func.count()).where(
            Member.status == "probationary", Member.deleted_at.is_(None), Member.ceremony_date.is_not(None))
            .group_by(Member.unit_id)).all())
        members_of = dict(session.execute(select(Member.unit_id, func.count()).where(
            Member.deleted_at.is_(None)).group_by(Member.unit_id)).all())
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    page.set_today(TODAY)
    runner = window.context.runner
    box = page.branch_box
    # Every list read once, for every branch.
    for tab in (page.probation, page.badges, page.changes, page.probation):
        page.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: not runner.busy(), timeout=30_000)
    assert page.probation.table.rowCount() == sum(probation_of.values())
    assert page.changes.member_box.count() == sum(members_of.values())
    badge_rows_before = page.badges.table.rowCount()

    unit_id = max(probation_of, key=probation_of.get)
    branch = names[unit_id]
    _choose(qtbot, box, box.findData(unit_id))
    # The tab on screen: at once, only the branch's cases, the branch cell says so.
    assert page.probation.table.rowCount() == probation_of[unit_id] < sum(probation_of.values())
    assert set(_column(page.probation.table, 1)) == {branch}
    # Not yet refilled behind the tabs: the badge list still holds what it showed.
    assert page.badges.table.rowCount() == badge_rows_before
    page.tabs.setCurrentWidget(page.badges)  # opened: shown for the branch, not read again
    assert not runner.busy()
    assert set(_column(page.badges.table, 1)) <= {branch}
    assert all(all(page.badges.loaded[1][uuid][0] == unit_id for uuid, *_ in people)
               for people in page.badges.rounds.values())
    page.tabs.setCurrentWidget(page.changes)  # the picker is read again for the branch, on the worker
    qtbot.waitUntil(lambda: not runner.busy() and page.changes.member_box.count() == members_of[unit_id],
                    timeout=30_000)
    picker = page.changes.member_box
    assert all(picker.itemText(i).endswith(f" — {branch}") for i in range(picker.count()))

    # Back to every branch, on the change tab: its picker again holds everyone; probation when opened.
    _choose(qtbot, box, 0)
    qtbot.waitUntil(lambda: not runner.busy() and picker.count() == sum(members_of.values()), timeout=30_000)
    assert len({picker.itemText(i).rsplit(" — ", 1)[-1] for i in range(picker.count())}) > 1
    assert page.probation.table.rowCount() == probation_of[unit_id]  # behind the tabs: as it was
    page.tabs.setCurrentWidget(page.probation)
    assert page.probation.table.rowCount() == sum(probation_of.values())
    assert set(_column(page.probation.table, 1)) > {branch}
    window.close()


def test_change_picker_of_every_branch_finds_names_without_diacritics(qtbot, committee_db, secretary, type_text):
    """The picker filled in one piece still finds a member typed without marks, and keeps the choice."""
    from handbook_desktop.domain.text import fold
    from handbook_desktop.store.models import Member

    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("procedures")
    page.tabs.setCurrentWidget(page.changes)
    picker = page.changes.member_box
    qtbot.waitUntil(lambda: not window.context.runner.busy() and picker.count() > 0, timeout=30_000)
    with committee_db.read() as session:
        uuid, name = session.execute(select(Member.uuid, Member.full_name).where(
            Member.deleted_at.is_(None)).order_by(Member.name_sort.desc())).first()
    folded = fold(name)
    expected = sum(1 for i in range(picker.count()) if folded in fold(picker.itemText(i)))
    picker.setFocus()
    picker.lineEdit().selectAll()
    qtbot.keyClicks(picker.lineEdit(), folded)
    assert picker.finder.completionCount() == expected >= 1
    row = picker.findData(uuid)
    assert row >= 0 and picker.itemText(row).startswith(name)
    picker.finder.popup().hide()
    picker.setCurrentIndex(row)
    assert picker.currentData() == uuid
    qtbot.waitUntil(lambda: not window.context.runner.busy(), timeout=30_000)  # the member's history
    window.close()


def test_a_hidden_page_lets_its_rows_go_and_reads_them_again_in_place(qtbot, committee_db, secretary, monkeypatch):
    """Out of sight for a while (issue 18 §6), a committee's lists go; shown again, they are read again
    and the person's row — and the member in the change picker — is where it was."""
    from handbook_desktop.ui.pages.procedures import widgets
    from handbook_desktop.ui.pages.ratings import page as ratings_module

    monkeypatch.setattr(widgets.LazyRefresh, "RELEASE_AFTER_MS", 300)
    monkeypatch.setattr(widgets, "BIG_LIST", 10)  # this demo's 700 members stand for a committee's 50,000
    monkeypatch.setattr(ratings_module, "BIG_LIST", 10)
    window = open_window(committee_db, secretary)
    qtbot.addWidget(window)
    window.show()
    runner = window.context.runner
    ratings = window.show_page("ratings")
    qtbot.waitUntil(lambda: not ratings.loading and ratings.table.rowCount() > 10, timeout=30_000)
    everyone = ratings.table.rowCount()
    ratings.table.setCurrentCell(7, 0)
    chosen = ratings.table.key_at(7)
    procedures = window.show_page("procedures")
    procedures.tabs.setCurrentWidget(procedures.changes)
    picker = procedures.changes.member_box
    qtbot.waitUntil(lambda: not runner.busy() and picker.count() > 10, timeout=30_000)
    picker.setCurrentIndex(5)
    member = picker.currentData()
    window.show_page("overview")
    qtbot.waitUntil(lambda: ratings.table.rowCount() == 0 and picker.count() == 0, timeout=10_000)
    ratings = window.show_page("ratings")
    qtbot.waitUntil(lambda: not ratings.loading and ratings.table.rowCount() == everyone, timeout=30_000)
    assert ratings.table.key_at(ratings.table.currentRow()) == chosen
    window.show_page("procedures")
    qtbot.waitUntil(lambda: not runner.busy() and picker.count() > 10, timeout=30_000)
    assert picker.currentData() == member
    window.close()
