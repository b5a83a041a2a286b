"""Đơn vị (committee only): each branch's last package, held packages, members by state,
meetings and thematic meetings this quarter, open conflicts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import number
from handbook_desktop.services.sync.committee import units_overview
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages import PageSpec
from handbook_desktop.ui.pages.sync.dialogs import _when

COLUMNS = ("Mã", "Chi bộ", "Gói nhận gần nhất", "Gói đang giữ", "Đảng viên", "Sinh hoạt quý này",
           "Chuyên đề quý này", "Xung đột")


def _by_state(counts: dict[str, int]) -> str:
    parts = []
    for status in MemberStatus:
        if counts.get(status.value):
            parts.append(f"{status.label} {number(counts[status.value])}")
    return " · ".join(parts)


class UnitsPage(QWidget):
    def __init__(self, context, today: date | None = None):
        super().__init__()
        self.context = context
        self.today = today
        self.setObjectName("unitsPage")
        layout = QVBoxLayout(self)
        title = QLabel(tr("Đơn vị trực thuộc"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.summary = QLabel()
        self.summary.setObjectName("unitsSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        # The chosen branch's counts under the summary, above the list: at the bottom the second line of a
        # branch's states fell under the status bar on a 1366×768 laptop.
        self.detail = QLabel()
        self.detail.setObjectName("unitDetail")
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("unitsTable")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        layout.addWidget(self.table, 1)
        self.table.itemSelectionChanged.connect(self._show_detail)
        context.hub.changed.connect(lambda _what: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        on = self.today or date.today()
        self.context.runner.run(lambda _flag: units_overview(self.context.database, on), on_result=self._show)

    def select_code(self, code: str) -> bool:
        """Select a branch by its code (Tổng quan opens a branch here); False when it is not listed."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == code:
                self._wanted = None
                self.table.selectRow(row)
                self.table.scrollToItem(item)
                return True
        self._wanted = code  # the list is still on its way: select it when it arrives
        return False

    def _show_detail(self) -> None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            self.detail.setText(tr("Chọn một chi bộ để xem số đảng viên theo tình trạng."))
            return
        code = self.table.item(indexes[0].row(), 0).text()
        row = next(item for item in self.rows if item["code"] == code)
        self.detail.setText(tr("{name}: {states}").format(
            name=row["name"], states=_by_state(row["members_by_status"]) or tr("chưa có đảng viên")))

    def _show(self, rows: list[dict]) -> None:
        self.rows = rows
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            last = (tr("số {n}, {at}").format(n=row["last_sequence"], at=_when(row["last_received"]))
                    if row["last_sequence"] else tr("chưa nhận gói nào"))
            held = ", ".join(str(n) for n in row["held"])
            if row.get("via", row["code"]) != row["code"] and not row["last_sequence"]:
                last = tr("qua {code}").format(code=row["via"])  # its records come in the committee's packages
            name = "    " * (row.get("depth", 1) - 1) + row["name"]  # a committee's branches under it
            values = (row["code"], name, last, held, row.get("members_total", row["members"]), row["meetings"],
                      row["thematic_meetings"], row["open_conflicts"] or "")
            for column, value in enumerate(values):
                item = QTableWidgetItem()
                if isinstance(value, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, value)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setText(str(value))
                if column == 4:
                    item.setToolTip(_by_state(row["members_by_status"]).replace(" · ", "\n"))
                self.table.setItem(index, column, item)
        nested = any(row.get("depth", 1) > 1 for row in rows)
        self.table.setHorizontalHeaderItem(1, QTableWidgetItem(tr("Đơn vị") if nested else tr(COLUMNS[1])))
        self.table.setSortingEnabled(not nested)  # a tree keeps its order: each committee above its branches
        if not nested:
            self.table.sortItems(0, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if getattr(self, "_wanted", None):
            self.select_code(self._wanted)
        self._show_detail()
        waiting = sum(1 for row in rows if row["held"])
        direct = [row for row in rows if row.get("depth", 1) == 1]
        silent = sum(1 for row in direct if not row["last_sequence"])
        members = sum(row["members"] for row in rows)
        if nested:
            self.summary.setText(tr("{n} đơn vị trực thuộc, {below} chi bộ và đơn vị bên dưới; {silent} đơn vị "
                                    "chưa gửi gói nào; {waiting} đơn vị có gói đang giữ chờ gói trước; {members} "
                                    "đảng viên và quần chúng.").format(
                n=number(len(direct)), below=number(len(rows) - len(direct)), silent=number(silent), waiting=number(waiting),
                members=number(members)))
            return
        self.summary.setText(tr("{n} chi bộ trực thuộc; {silent} chi bộ chưa gửi gói nào; {waiting} chi bộ có gói "
                                "đang giữ chờ gói trước; {members} đảng viên và quần chúng.").format(
            n=number(len(rows)), silent=number(silent), waiting=number(waiting), members=number(members)))


PAGE = PageSpec(key="units", title="Đơn vị", order=85, factory=UnitsPage, committee_only=True)
