"""Tổng quan at a committee: the to-do grouped by kind and by branch, worst first, with charts.

The branch's own overview lists its items one by one; a committee's would be hundreds of lines of
the same item per branch. Here each kind is one line that says how many branches it concerns,
opened to months (for meetings) or branches; a second tab lists branches by how much is overdue.
Double-clicking a branch opens it on Đơn vị (``branch_chosen``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QTabWidget, QTreeView, QVBoxLayout, QWidget,
)

from handbook_desktop.domain.text import number
from handbook_desktop.services.reports.model import Chart, Series
from handbook_desktop.ui.cells import scaled
from handbook_desktop.ui.charts import ChartView
from handbook_desktop.ui.i18n import tr

CODE_ROLE = Qt.ItemDataRole.UserRole + 11
OVERDUE = QColor("#b71c1c")
TOP_BRANCHES = 12


def _tree(name: str, headers: list[str]) -> tuple[QTreeView, QStandardItemModel]:
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels([tr(h) for h in headers])
    view = QTreeView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, 110)
    return view, model


def _row(texts: list[str], *, code: str = "", overdue: bool = False) -> list[QStandardItem]:
    cells = [QStandardItem(text) for text in texts]
    for cell in cells[1:]:
        cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if code:
        cells[0].setData(code, CODE_ROLE)
        cells[0].setToolTip(tr("Nhấp đúp để mở chi bộ này ở trang Đơn vị"))
    if overdue:
        for cell in cells:
            cell.setForeground(QBrush(OVERDUE))
    return cells


class CommitteeTodoView(QWidget):
    branch_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("committeeTodo")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.by_kind, self.kind_model = _tree("todoByKind", ["Việc cần làm", "Số chi bộ", "Số việc", "Số người"])
        self.by_branch, self.branch_model = _tree("todoByBranch", ["Chi bộ", "Quá hạn", "Số việc"])
        self.tabs.addTab(self.by_kind, tr("Theo loại việc"))
        self.tabs.addTab(self.by_branch, tr("Theo chi bộ"))
        layout.addWidget(self.tabs, 3)
        charts = QHBoxLayout()
        self.months_chart = ChartView()
        self.months_chart.setObjectName("missingMonthsChart")
        self.branches_chart = ChartView()
        self.branches_chart.setObjectName("busiestBranchesChart")
        for chart in (self.months_chart, self.branches_chart):
            # two charts beside the lists and the state counts: a 1366×768 laptop at 125 % has ~890 px
            chart.setMinimumWidth(scaled(chart, 200))
            chart.min_height = scaled(chart, 220)  # the page within a 1366×768 laptop's height
            chart.setMinimumHeight(chart.min_height)
            charts.addWidget(chart)
        layout.addLayout(charts, 2)
        for view in (self.by_kind, self.by_branch):
            view.doubleClicked.connect(self._chosen)
        # a chart per figure: the kind chosen in «Theo loại việc» is drawn on the left (by month, or its
        # most concerned branches); the missed regular meetings until one is chosen
        self.by_kind.selectionModel().currentRowChanged.connect(self._kind_chosen)
        self.groups, self.loads = [], []

    def _kind_chosen(self, current, _previous=None) -> None:
        top = current.siblingAtColumn(0)
        while top.parent().isValid():
            top = top.parent()
        if top.isValid() and top.row() < len(self.groups):
            self.months_chart.set_chart(group_chart(self.groups[top.row()]))

    def _chosen(self, index) -> None:
        code = index.siblingAtColumn(0).data(CODE_ROLE)
        if code:
            self.branch_chosen.emit(code)

    def show_groups(self, groups, loads) -> None:
        self.groups, self.loads = groups, loads
        self.kind_model.removeRows(0, self.kind_model.rowCount())
        for group in groups:
            row = _row([group.title, number(group.branch_count), number(group.items), number(group.people or None)],
                       overdue=group.overdue)
            row[0].setToolTip(f"{group.title}\n{tr('Căn cứ')}: {group.rule_source}")
            if group.periods:
                for period in group.periods:
                    child = _row([period.label, number(len(period.branches)), "", ""])
                    for branch in period.branches:
                        child[0].appendRow(_row([branch.name, "", "", ""], code=branch.code))
                    row[0].appendRow(child)
            else:
                for branch in group.branches:
                    row[0].appendRow(_row([branch.name, "", "", number(branch.count)], code=branch.code))
            self.kind_model.appendRow(row)
        self.branch_model.removeRows(0, self.branch_model.rowCount())
        from handbook_desktop.services.procedures.todo import KIND_LABELS

        for load in loads:
            row = _row([load.name, number(load.overdue or None), number(load.items)], code=load.code,
                       overdue=bool(load.overdue))
            for kind, count in sorted(load.kinds.items(), key=lambda k: -k[1]):
                row[0].appendRow(_row([KIND_LABELS.get(kind, kind), "", number(count)], code=load.code))
            self.branch_model.appendRow(row)
        missing = next((g for g in groups if g.kind == "missing_regular_meeting"), None)
        self.months_chart.set_chart(group_chart(missing) if missing is not None and missing.periods else None)
        top = loads[:TOP_BRANCHES]
        self.branches_chart.set_chart(Chart(
            "busiest", tr("Chi bộ nhiều việc quá hạn nhất"), "bar", [b.code for b in top],
            [Series(tr("Quá hạn"), [b.overdue for b in top]), Series(tr("Tất cả"), [b.items for b in top])],
            tr("việc")) if top else None)


def group_chart(group) -> Chart:
    """One kind's figure as a chart: branches per month (or quarter), else its most concerned branches."""
    if group.periods:
        return Chart(group.kind, tr("{title}: số chi bộ theo tháng").format(title=group.title), "bar",
                     [p.label.removeprefix("Tháng ") for p in group.periods],
                     [Series(tr("Chi bộ"), [len(p.branches) for p in group.periods])], tr("chi bộ"))
    top = group.branches[:TOP_BRANCHES]
    unit = tr("người") if group.people else tr("việc")
    return Chart(group.kind, tr("{title}: {n} chi bộ nhiều nhất").format(title=group.title, n=len(top)), "bar",
                 [b.code for b in top], [Series(unit.capitalize(), [b.count for b in top])], unit)
