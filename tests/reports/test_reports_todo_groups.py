"""A committee's to-do grouped by kind and branch (issue 17, point 0): every item counted once, the
branches named, worst first; the view opens a branch on a double click."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt

from handbook_desktop.services.procedures.todo import todo
from handbook_desktop.services.reports.todo_groups import group_todo
from handbook_desktop.store.models import Member, Unit

from conftest import DEMO_TODAY  # noqa: E402  (tests/reports/conftest.py)


def _grouped(database):
    with database.read() as session:
        items = todo(session, DEMO_TODAY)
        groups, loads = group_todo(session, items)
        where = {m.uuid: m.unit.code for m in session.query(Member).join(Unit)}
    return items, groups, loads, where


def test_every_item_lands_in_one_group_and_on_its_branches(committee_db):
    items, groups, loads, where = _grouped(committee_db)
    assert len(items) > 10
    assert sum(g.items for g in groups) == len(items)
    assert {g.kind for g in groups} == {i.kind for i in items}
    expected_load = defaultdict(int)
    for item in items:
        codes = {where[u] for u, _ in item.members} if item.members else {item.unit_code}
        for code in codes:
            expected_load[code] += 1
    assert {b.code: b.items for b in loads} == dict(expected_load)
    assert [b.overdue for b in loads] == sorted((b.overdue for b in loads), reverse=True)
    for group in groups:
        kind_items = [i for i in items if i.kind == group.kind]
        if kind_items[0].members:
            per_branch = defaultdict(int)
            for item in kind_items:
                for uuid, _ in item.members:
                    per_branch[where[uuid]] += 1
            assert {b.code: b.count for b in group.branches} == dict(per_branch)
            assert group.people == sum(per_branch.values())
        else:
            assert sum(len(p.branches) for p in group.periods) == len(kind_items)
            assert group.branch_count == len({i.unit_code for i in kind_items})
        counts = [b.count for b in group.branches]
        assert counts == sorted(counts, reverse=True)
    meetings = next(g for g in groups if g.kind == "missing_regular_meeting")
    assert all(p.label.startswith("Tháng ") for p in meetings.periods)
    assert all(b.name.startswith("Chi bộ") for b in meetings.branches)


def test_the_view_groups_and_opens_a_branch(qtbot, committee_db):
    from handbook_desktop.ui.pages.overview_committee import CODE_ROLE, CommitteeTodoView

    _items, groups, loads, _ = _grouped(committee_db)
    view = CommitteeTodoView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.show_groups(groups, loads)
    model = view.kind_model
    assert model.rowCount() == len(groups)
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    meetings = next(r for r, g in enumerate(groups) if g.kind == "missing_regular_meeting")
    assert model.index(meetings, 1).data() == str(groups[meetings].branch_count)
    assert titles[meetings] == groups[meetings].title
    month = model.index(0, 0, model.index(meetings, 0))
    assert month.data() == groups[meetings].periods[0].label
    branch = model.index(0, 0, month)
    view.by_kind.expand(model.index(meetings, 0))
    view.by_kind.expand(month)
    view.by_kind.scrollTo(branch)
    qtbot.wait(50)  # the tree lays out the opened rows on the next turn of the event loop
    rect = view.by_kind.visualRect(branch)
    assert rect.isValid()
    qtbot.mouseClick(view.by_kind.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    chosen = []
    view.branch_chosen.connect(chosen.append)
    qtbot.mouseDClick(view.by_kind.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen == [branch.data(CODE_ROLE)] and chosen[0].startswith("CB")
    view.tabs.setCurrentIndex(1)
    first = view.branch_model.index(0, 0)
    assert first.data() == loads[0].name
    assert view.months_chart.chart is not None
    assert sum(view.months_chart.chart.series[0].values) == sum(len(p.branches) for p in groups[meetings].periods)


def test_committee_overview_groups_and_opens_the_branch_on_units(qtbot, committee_db):
    from handbook_desktop.services.auth import Actor
    from handbook_desktop.ui.context import AppContext, ChangeHub
    from handbook_desktop.ui.main_window import MainWindow
    from handbook_desktop.ui.pages.overview_committee import CODE_ROLE
    from handbook_desktop.ui.tasks import TaskRunner

    home = committee_db.home_unit()
    context = AppContext(committee_db, Actor("admin", "secretary"), TaskRunner(), ChangeHub(), home.code, home.name,
                         home.level)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    overview = window.pages["overview"]
    view = overview.committee_todo
    assert view is not None and view.tabs.tabText(2) == "Danh sách đầy đủ"
    qtbot.waitUntil(lambda: view.kind_model.rowCount() > 0, timeout=60_000)
    assert sum(g.items for g in view.groups) == len(overview.items)
    view.tabs.setCurrentIndex(1)
    first = view.branch_model.index(0, 0)
    code = first.data(CODE_ROLE)
    units = window.pages["units"]
    qtbot.waitUntil(lambda: units.table.rowCount() > 0, timeout=60_000)
    view.by_branch.scrollTo(first)
    qtbot.wait(50)
    rect = view.by_branch.visualRect(first)
    qtbot.mouseClick(view.by_branch.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.by_branch.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is units
    selected = units.table.selectionModel().selectedRows()
    assert selected and units.table.item(selected[0].row(), 0).text() == code
    window.close()
