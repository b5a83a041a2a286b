"""Tổng quan: the unit at a glance (headcount by state). The to-do list joins it (issue 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.services.info import database_info
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages import PageSpec


class OverviewPage(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.setObjectName("overviewPage")
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        frame = QFrame()
        frame.setObjectName("statsFrame")
        self.grid = QGridLayout(frame)
        layout.addWidget(frame)
        layout.addStretch(1)
        self.count_labels: dict[str, QLabel] = {}
        for row, status in enumerate(MemberStatus):
            name = QLabel(status.label)
            value = QLabel("0")
            value.setObjectName(f"count_{status.value}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(value, row, 1)
            self.count_labels[status.value] = value
        context.hub.changed.connect(lambda _what: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        self.context.runner.run(lambda _flag: database_info(self.context.database), on_result=self._show)

    def _show(self, info: dict) -> None:
        unit = info["unit"] or {}
        self.title.setText(unit.get("name", ""))
        self.summary.setText(
            tr("Đảng số: {headcount} — tổng số hồ sơ: {members} — đơn vị: {units}").format(**info)
        )
        for status, count in info["members_by_status"].items():
            self.count_labels[status].setText(f"{count:,}".replace(",", "."))


PAGE = PageSpec(key="overview", title="Tổng quan", order=10, factory=OverviewPage)
