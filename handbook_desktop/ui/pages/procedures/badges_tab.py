"""Huy hiệu Đảng: who reaches which milestone on each award day of the next 12 months; the 4-HHĐ list."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.domain.dates import format_date
from handbook_desktop.ui.branch_box import branch_rows, empty_text, with_branch_header
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import DocumentBar, fill_table, make_table, selected_name, selected_uuid
from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog, run_change, run_read


class BadgesTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.context = page.context
        self.rounds: dict = {}  # award day → proposed members of the chosen branch (or all)
        self.loaded: tuple[dict, dict] = ({}, {})  # every branch's, and member uuid → (unit id, branch)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Đợt trao:")))
        self.round_box = QComboBox()
        self.round_box.setObjectName("roundBox")
        self.round_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.round_box.currentIndexChanged.connect(self._show_round)
        top.addWidget(self.round_box)
        self.summary = QLabel()
        self.summary.setWordWrap(True)  # it gives way to the round's date, not the other way round
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.table = make_table("badgeTable", with_branch_header(
            ["Họ và tên", "Ngày sinh", "Ngày QĐ kết nạp", "Mốc", "Ngày đủ tuổi đảng", "Ghi chú"], page.branch_box))
        self.table.set_empty_text(lambda: empty_text(page.branch_box, "đảng viên được đề nghị trong đợt này"))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.award_button = QPushButton(tr("Ghi đã trao Huy hiệu"))
        self.award_button.setObjectName("recordBadge")
        self.award_button.clicked.connect(self.record)
        row.addWidget(self.award_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.documents = DocumentBar(self.context, {}, lambda: (None, ""), lambda: self.page.today)
        self.list_button = QPushButton(tr("Danh sách đề nghị 4-HHĐ của đợt này"))
        self.list_button.setObjectName("form_4-HHĐ")
        self.list_button.clicked.connect(self.make_list)
        self.documents.layout().insertWidget(1, self.list_button)
        layout.addWidget(self.documents)

    def refresh(self) -> None:
        today, committee = self.page.today, self.page.branch_box is not None

        def load(session):
            from handbook_desktop.services.procedures.badges import rounds

            found = rounds(session, today, 12)
            branches = {}
            if committee:
                from handbook_desktop.services.units import member_branches

                branches = member_branches(session, [m.uuid for pairs in found.values() for m, _d in pairs])
            return {day: [(m.uuid, m.full_name, m.date_of_birth, m.decision_date, d) for m, d in sorted(
                pairs, key=lambda p: p[0].name_sort)] for day, pairs in found.items()}, branches

        run_read(self.context, load, self._show)

    def show_branch(self) -> None:
        self._show(self.loaded)

    def _show(self, loaded) -> None:
        self.loaded = loaded
        every, branches = loaded
        box = self.page.branch_box
        rounds = {day: [p for p in people if box is None or box.keeps(branches.get(p[0], (None, ""))[0])]
                  for day, people in every.items()}
        self.rounds = {day: people for day, people in rounds.items() if people}
        current = self.round_box.currentData()
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for day in sorted(self.rounds):
            self.round_box.addItem(f"{format_date(day)} ({len(self.rounds[day])} người)", day)
        index = self.round_box.findData(current) if current else 0
        self.round_box.setCurrentIndex(max(index, 0))
        self.round_box.blockSignals(False)
        # as wide as its texts: beside the summary it was squeezed to «03/02/20» on the committee
        self.round_box.setMinimumWidth(self.round_box.sizeHint().width())
        self._show_round()

    def _show_round(self) -> None:
        day = self.round_box.currentData()
        rows = []
        for uuid, name, born, decision, due in self.rounds.get(day, []):
            notes = []
            if due.posthumous:
                notes.append(tr("Truy tặng"))
            elif due.early:
                notes.append(tr("Trao sớm do ốm đau hiểm nghèo"))
            if due.deferred_until:
                notes.append(tr("Xét lại sau kỷ luật từ {d}").format(d=format_date(due.deferred_until)))
            rows.append((uuid, [name, format_date(born), format_date(decision), f"{due.years} năm",
                                format_date(due.reach_date), "; ".join(notes)], False))
        branches = self.loaded[1]
        fill_table(self.table, branch_rows(self.page.branch_box, rows, lambda r: branches.get(r[0], (None, ""))))
        self.summary.setText(tr("{n} đảng viên được đề nghị trong đợt này.").format(n=len(rows)) if day else
                             tr("Không có đợt trao nào trong năm tới."))
        self.award_button.setEnabled(not self.context.readonly and bool(rows))

    def make_list(self) -> None:
        day = self.round_box.currentData()
        if day is None:
            return
        self.documents.produce("4-HHĐ", None, f"dot-{day:%d-%m-%Y}", award_day=day)

    def record(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.badges import record_badge

        uuid = selected_uuid(self.table)
        if uuid is None:
            return None
        day = self.round_box.currentData()
        years = next(due.years for u, *_rest, due in self.rounds.get(day, []) if u == uuid)
        actor = self.context.actor
        fields = [Field("day", "Ngày trao", "date", day), Field("decision_number", "Số quyết định")]
        dialog = FieldDialog(self, tr("Trao Huy hiệu {y} năm tuổi đảng — {name}").format(
            y=years, name=selected_name(self.table)), fields, lambda v: None)

        def submit(values):
            run_change(self.context, lambda session: record_badge(session, actor, uuid, years, **values),
                       on_done=dialog.succeed, on_error=dialog.fail)

        dialog.submit = submit
        dialog.submitted.connect(lambda _r: self.page.refresh())
        dialog.open()
        return dialog
