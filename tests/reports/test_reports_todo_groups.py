"""A committee's to-do grouped by kind and branch (issue 17, point 0): every item counted once, the
branches named, worst first; the view opens a branch on a double click."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt

from handbook_desktop.domain.text import number
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
    assert {g.kind for g in groups} == {i.kind for i in items}
    expected_load = defaultdict(int)
    for item in items:
        codes = {where[u] for u, _ in item.members} if item.members else {item.unit_code}
        for code in codes:
            expected_load[code] += 1
    assert {b.code: b.items for b in loads} == dict(expected_load)
    # «Số việc» of a kind: one per branch an item concerns, so both tabs count the same work (a committee-wide
    # item naming members of many branches read «1 việc» beside «295 chi bộ»)
    assert sum(g.items for g in groups) == sum(expected_load.values()) >= len(items)
    for group in groups:
        assert group.items == sum(load.kinds.get(group.kind, 0) for load in loads) >= group.branch_count
    assert [b.overdue for b in loads] == sorted((b.overdue for b in loads), reverse=True)
    for group in groups:
        kind_items = [i for i in items if i.kind == group.kind]
        if kind_items[0].members:
            per_branch = defaultdict(set)  # people, each once (an item names a member once per milestone)
            for item in kind_items:
                for uuid, _ in item.members:
                    per_branch[where[uuid]].add(uuid)
            assert {b.code: b.count for b in group.branches} == {code: len(p) for code, p in per_branch.items()}
            assert group.people == len({u for item in kind_items for u, _ in item.members})
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
    assert model.index(meetings, 1).data() == number(groups[meetings].branch_count)
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
    assert sum(g.items for g in view.groups) == sum(b.items for b in view.loads)
    shown = {view.kind_model.index(r, 0).data(): int(view.kind_model.index(r, 2).data().replace(".", ""))
             for r in range(view.kind_model.rowCount())}
    assert shown == {g.title: g.items for g in view.groups}
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


def test_choosing_a_kind_draws_its_own_figure(qtbot, committee_db):
    """A chart per figure (issue 17 §0): the kind chosen in «Theo loại việc» is drawn — by month for the
    meetings, else its most concerned branches, each bar the people of that branch (recounted here)."""
    from handbook_desktop.ui.pages.overview_committee import CommitteeTodoView

    items, groups, loads, where = _grouped(committee_db)
    view = CommitteeTodoView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.show_groups(groups, loads)
    row = next(r for r, g in enumerate(groups) if not g.periods and g.people)
    group = groups[row]
    index = view.kind_model.index(row, 0)
    view.by_kind.scrollTo(index)
    qtbot.wait(50)
    qtbot.mouseClick(view.by_kind.viewport(), Qt.MouseButton.LeftButton, pos=view.by_kind.visualRect(index).center())
    chart = view.months_chart.chart
    assert chart.title.startswith(group.title)
    people = defaultdict(set)
    for item in items:
        if item.kind == group.kind:
            for uuid, _ in item.members:
                people[where[uuid]].add(uuid)
    assert dict(zip(chart.categories, chart.series[0].values)) == {code: len(people[code]) for code in chart.categories}
    assert sorted(chart.series[0].values, reverse=True) == chart.series[0].values
    assert set(chart.categories) <= set(people) and len(chart.categories) == min(12, len(people))
