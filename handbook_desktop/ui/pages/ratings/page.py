"""Đánh giá xếp loại: each member's score and level for the year, the branch's own level, the summary."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from handbook_desktop.domain.rating import LEVEL_LABELS, LEVEL_ORDER
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import fill_table, make_table, selected_name, selected_uuid
from handbook_desktop.ui.pages.procedures.widgets import BIG_LIST, Field, FieldDialog, LazyRefresh, run_change, run_read


def rating_rows(rows: list[dict], not_rated: str, disciplined: str) -> list[tuple[str, list[str], bool]]:
    """The table's rows from the summary: plain values, built on the worker thread (the texts come
    translated from the GUI thread)."""
    return [(row["member_uuid"], [row["name"], "" if row["score"] is None else str(row["score"]),
                                  row["level_label"] or not_rated,
                                  row["automatic_reason"] or (disciplined if row["disciplined"] and not row["level"] else "")],
             False) for row in rows]


class RatingsPage(QWidget):
    def __init__(self, context, *, today: date | None = None):
        super().__init__()
        self.context = context
        self.today = today or date.today()
        self.setObjectName("ratingsPage")
        self._ticket = self._shown = 0
        layout = QVBoxLayout(self)
        title = QLabel(tr("Đánh giá, xếp loại đảng viên"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Năm:")))
        self.year_box = QSpinBox()
        self.year_box.setObjectName("yearBox")
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(self.today.year)
        self.year_box.valueChanged.connect(self.refresh)
        top.addWidget(self.year_box)
        self.branch_box = None
        if context.is_committee:
            # A committee rates branch by branch: the 20 % check and each branch's own level are the
            # branch's (DOMAIN.md §10); "all" shows the committee's members and its own level.
            from handbook_desktop.services.members.query import branches

            with context.database.read() as session:
                options = branches(session)
            self.branch_box = QComboBox()
            self.branch_box.setObjectName("branchFilter")
            self.branch_box.addItem(tr("Toàn đảng bộ"), None)
            for unit_id, _code, name in options:
                self.branch_box.addItem(name, unit_id)
            self.branch_box.currentIndexChanged.connect(self.refresh)
            top.addWidget(QLabel(tr("Chi bộ:")))
            top.addWidget(self.branch_box)
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        self.counts.setWordWrap(True)
        top.addWidget(self.counts, 1)
        layout.addLayout(top)
        self.warning = QLabel()
        self.warning.setObjectName("warning")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        self.table = make_table("ratingTable", ["Họ và tên", "Điểm", "Mức xếp loại", "Ghi chú"])
        layout.addWidget(self.table, 1)
        row = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.rate_button = QPushButton(tr("Chấm điểm, xếp loại…"))
        self.rate_button.setObjectName("rateMember")
        self.rate_button.clicked.connect(self.rate)
        self.branch_button = QPushButton(tr("Xếp loại chi bộ…"))
        self.branch_button.setObjectName("rateBranch")
        self.branch_button.clicked.connect(self.rate_branch)
        for button in (self.rate_button, self.branch_button):
            button.setEnabled(not context.readonly)
            row.addWidget(button)
        self.export_button = QPushButton(tr("Xuất danh sách tổng hợp (Excel)…"))
        self.export_button.setObjectName("exportRatings")
        self.export_button.clicked.connect(self.choose_export)
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.branch_label = QLabel()
        self.branch_label.setObjectName("branchLevel")
        layout.addWidget(self.branch_label)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._lazy = LazyRefresh(self, {"member", "rating", "sync", "import", "all"}, release=self._release_rows)
        self._lazy.first()

    def _release_rows(self) -> bool:
        """Out of sight for a while at a committee: the rows go, read again when the page is shown
        (the person's row is kept)."""
        return self.table.rowCount() >= BIG_LIST and self.table.release() > 0

    def set_today(self, day: date) -> None:
        self.today = day
        self.year_box.setValue(day.year)
        self.refresh()

    @property
    def loading(self) -> bool:
        return self._shown != self._ticket or self._lazy.stale

    def branch_id(self) -> int | None:
        return self.branch_box.currentData() if self.branch_box is not None else None

    def refresh(self, *_args) -> None:
        year, unit_id = self.year_box.value(), self.branch_id()
        self._ticket += 1
        ticket = self._ticket
        texts = tr("Chưa xếp loại"), tr("Bị kỷ luật trong năm: tự động không hoàn thành")

        def load(session):
            # On the worker: the summary and the table's rows, so the window only swaps the list in.
            from handbook_desktop.services.procedures.ratings import summary

            data = summary(session, year, unit_id)
            rows = rating_rows(data.pop("rows"), *texts)
            # the page keeps the figures, not a second copy of the committee's 45,000 rows (issue 18 §6)
            data["missing_count"] = len(data.pop("missing"))
            return ticket, data, rows

        run_read(self.context, load, self._show)

    def _show(self, loaded) -> None:
        ticket, data, rows = loaded
        if ticket != self._ticket:
            return  # an older request (another year, or before a change)
        self._shown = ticket
        self.summary = data
        fill_table(self.table, rows)
        parts = [f"{tr(LEVEL_LABELS[level])}: {data['counts'].get(level, 0)}" for level in LEVEL_ORDER]
        parts.append(tr("chưa xếp loại: {n}").format(n=data["missing_count"]))
        self.counts.setText("; ".join(parts))
        self.warning.setText(tr("Lưu ý: {w}").format(w=data["warning"]) if data["warning"] else "")
        level = data["branch_level"]
        whose = self.branch_box.currentText() if self.branch_id() is not None else (
            tr("Đảng bộ") if self.branch_box is not None else tr("Chi bộ"))
        self.branch_label.setText(tr("{whose} năm {y}: {level}").format(
            whose=whose, y=data["year"], level=tr(LEVEL_LABELS[level]) if level else tr("chưa xếp loại")))

    def choose_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        year = self.year_box.value()
        path, _ = QFileDialog.getSaveFileName(self, tr("Xuất danh sách xếp loại"), f"Xep-loai-dang-vien-{year}.xlsx",
                                              "Excel (*.xlsx)")
        if path:
            self.export_to(path)

    def export_to(self, path) -> None:
        from handbook_desktop.services.procedures.ratings import export_summary

        year, unit_id = self.year_box.value(), self.branch_id()
        run_read(self.context, lambda session: export_summary(session, year, path, unit_id),
                 lambda out: self.message.setText(tr("Đã xuất danh sách xếp loại năm {y}: {p}").format(y=year, p=out)))

    def rate(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.ratings import rate_member

        uuid = selected_uuid(self.table)
        if uuid is None:
            return None
        year, actor = self.year_box.value(), self.context.actor
        fields = [Field("self_score", "Điểm tự chấm", "int"), Field("score", "Điểm chi bộ đánh giá (0–100)", "int"),
                  Field("note", "Ghi chú")]
        dialog = FieldDialog(self, tr("Đánh giá năm {y} — {name}").format(y=year, name=selected_name(self.table)),
                             fields, lambda v: None,
                             tr("Mức xếp loại theo thang điểm của quy định đang áp dụng; đảng viên bị kỷ luật trong năm "
                                "tự động là không hoàn thành nhiệm vụ."))

        def submit(values):
            run_change(self.context, lambda s: rate_member(s, actor, uuid, year, **values), what="rating",
                       on_done=dialog.succeed, on_error=dialog.fail)

        dialog.submit = submit
        dialog.open()
        return dialog

    def rate_branch(self) -> FieldDialog:
        from handbook_desktop.services.procedures.ratings import rate_branch

        year, actor, unit_id = self.year_box.value(), self.context.actor, self.branch_id()
        whose = self.branch_box.currentText() if unit_id is not None else (
            tr("đảng bộ") if self.branch_box is not None else tr("chi bộ"))
        dialog = FieldDialog(self, tr("Xếp loại {whose} năm {y}").format(whose=whose, y=year),
                             [Field("score", "Điểm (0–100)", "int"), Field("note", "Ghi chú")], lambda v: None)

        def submit(values):
            run_change(self.context, lambda s: rate_branch(s, actor, year, unit_id=unit_id, **values), what="rating",
                       on_done=dialog.succeed, on_error=dialog.fail)

        dialog.submit = submit
        dialog.open()
        return dialog
