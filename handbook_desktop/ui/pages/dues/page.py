"""Đảng phí: the monthly ledger (who owes what, paid or not, cash or portal), totals, the Excel book."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.dues import BASIS_LABELS, METHOD_LABELS
from handbook_desktop.ui.branch_box import branch_box_for, with_branch_header
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import fill_table, make_table, selected_name, selected_uuid
from handbook_desktop.ui.pages.procedures.widgets import (
    BIG_LIST, Field, FieldDialog, LazyRefresh, number_text, run_change, run_read,
)


def dues_rows(lines, committee: bool, overdue: bool) -> list[tuple[str, list[str], bool]]:
    """The ledger's table rows (plain values, made on the worker thread: a committee's month is
    50,000 lines); at a committee the branch is the second cell; ``overdue``: the month is past, so
    an unpaid line is marked."""
    from collections import Counter

    # two members of one name in one branch: the birth year, as the pickers tell them apart (issue 11 §7)
    seen = Counter((line.unit_id, line.name) for line in lines)
    rows = []
    for line in lines:
        owed = not line.paid and line.amount > 0
        name = line.name
        if seen[(line.unit_id, line.name)] > 1 and line.born:
            name = f"{line.name} (sinh {line.born.year})"
        cells = [name, line.basis, number_text(line.base_amount), "Miễn" if line.exempt else number_text(line.amount),
                 "Đã nộp" if line.paid else ("—" if line.exempt else "Chưa nộp"), format_date(line.paid_on),
                 METHOD_LABELS.get(line.method or "", ""), line.note]
        if committee:
            cells.insert(1, line.branch)
        rows.append((line.member_uuid, cells, owed and overdue))
    return rows


NAMES_SHOWN = 12  # names in the months-unpaid note; the rest counted


class DuesPage(QWidget):
    def __init__(self, context, *, today: date | None = None):
        super().__init__()
        self.context = context
        self.today = today or date.today()
        self.setObjectName("duesPage")
        self._ticket = self._shown = 0
        layout = QVBoxLayout(self)
        title = QLabel(tr("Đảng phí"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Tháng:")))
        self.month_box = QComboBox()
        self.month_box.setObjectName("monthBox")
        for month in range(1, 13):
            self.month_box.addItem(f"{month:02d}", month)
        top.addWidget(self.month_box)
        top.addWidget(QLabel(tr("Năm:")))
        self.year_box = QSpinBox()
        self.year_box.setObjectName("yearBox")
        self.year_box.setRange(2000, 2100)
        top.addWidget(self.year_box)
        # A committee's book holds every branch's lines: the branch of each line, and one branch or
        # all of them (the totals and the months-unpaid note follow the choice).
        self.branch_box = branch_box_for(context, self)
        if self.branch_box is not None:
            top.addWidget(QLabel(tr("Chi bộ:")))
            top.addWidget(self.branch_box)
        top.addStretch(1)
        layout.addLayout(top)
        # On a line of its own, wrapped: beside the boxes a committee's «Mọi chi bộ: Tháng …: phải thu …» ran
        # past the window's right edge on a 1366×768 laptop.
        self.totals = QLabel()
        self.totals.setObjectName("totals")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)
        self.table = make_table("duesTable", with_branch_header(
            ["Họ và tên", "Đối tượng", "Căn cứ tính (đ)", "Phải đóng (đ)", "Đã nộp", "Ngày nộp", "Hình thức", "Ghi chú"],
            self.branch_box))
        layout.addWidget(self.table, 1)
        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.buttons = {}
        for key, text, slot in (("generate", "Lập sổ tháng này", self.generate),
                                ("paid", "Ghi đã nộp", self.mark_paid),
                                ("unpaid", "Ghi chưa nộp", self.mark_unpaid),
                                ("basis", "Đối tượng, mức đóng…", self.set_basis),
                                ("export", "Xuất sổ đảng phí năm (Excel)…", self.choose_export)):
            button = QPushButton(tr(text))
            button.setObjectName(key)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.year_note = QLabel()
        self.year_note.setObjectName("yearNote")
        self.year_note.setWordWrap(True)
        layout.addWidget(self.year_note)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._set_period(self.today)
        self.month_box.currentIndexChanged.connect(self.refresh)
        self.year_box.valueChanged.connect(self.refresh)
        if self.branch_box is not None:
            self.branch_box.currentIndexChanged.connect(self.refresh)
        self._lazy = LazyRefresh(self, {"member", "dues", "sync", "import", "all"}, release=self._release_rows)
        for key in ("generate", "paid", "unpaid", "basis"):
            self.buttons[key].setEnabled(not context.readonly)
        self._lazy.first()

    def _set_period(self, day: date) -> None:
        self.month_box.blockSignals(True)
        self.year_box.blockSignals(True)
        self.month_box.setCurrentIndex(day.month - 1)
        self.year_box.setValue(day.year)
        self.month_box.blockSignals(False)
        self.year_box.blockSignals(False)

    def _release_rows(self) -> bool:
        """Out of sight for a while at a committee: the rows go, read again when the page is shown
        (the person's row is kept)."""
        return self.table.rowCount() >= BIG_LIST and self.table.release() > 0

    def set_today(self, day: date) -> None:
        self.today = day
        self._set_period(day)
        self.refresh()

    def month(self) -> date:
        return date(self.year_box.value(), self.month_box.currentData(), 1)

    @property
    def loading(self) -> bool:
        return self._shown != self._ticket or self._lazy.stale

    def branch_id(self) -> int | None:
        return self.branch_box.unit_id() if self.branch_box is not None else None

    def refresh(self, *_args) -> None:
        month, unit_id = self.month(), self.branch_id()
        today = self.today
        self._ticket += 1
        ticket = self._ticket
        committee, overdue = self.branch_box is not None, month < today.replace(day=1)

        def load(session):
            from handbook_desktop.services.procedures.common import member_by_uuid  # noqa: F401
            from handbook_desktop.services.procedures.dues import ledger, month_totals, unpaid_months
            from handbook_desktop.store.models import Member

            limit_day = today if today.year == month.year else date(month.year, 12, 31)
            from handbook_desktop.services.procedures.common import rules

            unpaid = unpaid_months(session, month.year, limit_day, unit_id)
            rule = rules(session).rule("removal.unpaid_dues_months_in_year", limit_day)
            names = {m.id: m.full_name for m in session.query(Member).filter(Member.id.in_(list(unpaid)))}
            # the table's rows made here, on the worker (the ledger already holds the chosen branch only)
            return (ticket, month, dues_rows(ledger(session, month, unit_id), committee, overdue),
                    month_totals(session, month.year, unit_id),
                    {names[i]: len(v) for i, v in unpaid.items()}, int(rule.value), rule.source)

        run_read(self.context, load, self._show)

    def _show(self, loaded) -> None:
        ticket, month, rows, totals, unpaid, limit, source = loaded
        if ticket != self._ticket:
            return  # an older request: the person has moved on to another month
        self._shown = ticket
        fill_table(self.table, rows)
        this = next((t for t in totals if t["month"] == month), None)
        # At a committee the totals say whose they are: every branch, or the one chosen — and, for every
        # branch, in how many of them the month's book was made (a book made for one branch alone read
        # «Mọi chi bộ: … 98 người chưa nộp» as if it were the committee's).
        whose = "" if self.branch_box is None else self.branch_box.currentText() + ": "
        if self.branch_box is not None and self.branch_box.unit_id() is None and this is not None:
            made, branches = len({cells[1] for _uuid, cells, _owed in rows}), self.branch_box.count() - 1
            if made < branches:
                whose = tr("Mọi chi bộ (sổ tháng {m:%m/%Y} mới lập ở {made}/{all} chi bộ): ").format(
                    m=month, made=number_text(made), all=number_text(branches))
        if this is None:
            self.totals.setText(whose + tr("Chưa lập sổ tháng {m:%m/%Y}.").format(m=month))
        else:
            self.totals.setText(whose + tr("Tháng {m:%m/%Y}: phải thu {due} đ, đã thu {paid} đ, {n} người chưa nộp.").format(
                m=month, due=number_text(this["due"]), paid=number_text(this["paid"]),
                n=number_text(this["unpaid_lines"])))
        flagged = sorted(name for name, count in unpaid.items() if count >= limit)
        if flagged:
            # A committee's list is hundreds of names: the first ones, then how many more (all in the tooltip).
            shown = ", ".join(flagged[:NAMES_SHOWN]) + (tr(" và {n} đồng chí khác").format(
                n=number_text(len(flagged) - NAMES_SHOWN)) if len(flagged) > NAMES_SHOWN else "")
            self.year_note.setText(tr("Chưa nộp từ {n} tháng trở lên trong năm {y} (xem xét theo {source}): "
                                      "{count} đồng chí — {names}").format(n=limit, y=month.year, source=source,
                                                                           count=number_text(len(flagged)), names=shown))
            self.year_note.setToolTip("\n".join(flagged) if len(flagged) > NAMES_SHOWN else "")
        else:
            self.year_note.setText("")

    def generate(self) -> None:
        from handbook_desktop.services.procedures.dues import generate_month

        month, actor, unit_id = self.month(), self.context.actor, self.branch_id()
        unit_ids = None if unit_id is None else [unit_id]
        run_change(self.context, lambda s: generate_month(s, actor, month, unit_ids=unit_ids), what="dues",
                   on_done=lambda n: self.message.setText(tr("Đã lập {n} dòng cho tháng {m:%m/%Y}.").format(n=n, m=month)),
                   on_error=self._fail)

    def _fail(self, error) -> None:
        from handbook_desktop.ui.errors import user_text

        self.message.setText(user_text(error))

    def mark_paid(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.dues import mark_paid

        uuid = selected_uuid(self.table)
        if uuid is None:
            self.message.setText(tr("Hãy chọn một đảng viên trong bảng."))
            return None
        month, actor = self.month(), self.context.actor
        fields = [Field("paid_on", "Ngày nộp", "date", min(self.today, date(month.year, month.month, 28))
                        if self.today >= month else month),
                  Field("method", "Hình thức", "choice", "cash", [(tr(v), k) for k, v in METHOD_LABELS.items()])]
        dialog = FieldDialog(self, tr("Nộp đảng phí tháng {m:%m/%Y} — {name}").format(m=month, name=selected_name(self.table)),
                             fields, lambda v: None)

        def submit(values):
            run_change(self.context, lambda s: mark_paid(s, actor, uuid, month, **values), what="dues",
                       on_done=dialog.succeed, on_error=dialog.fail)

        dialog.submit = submit
        dialog.open()
        return dialog

    def mark_unpaid(self) -> None:
        from handbook_desktop.services.procedures.dues import mark_paid

        uuid = selected_uuid(self.table)
        if uuid is None:
            return
        month, actor = self.month(), self.context.actor
        run_change(self.context, lambda s: mark_paid(s, actor, uuid, month, paid_on=None, paid=False), what="dues",
                   on_error=self._fail)

    def set_basis(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.dues import set_basis

        uuid = selected_uuid(self.table)
        if uuid is None:
            self.message.setText(tr("Hãy chọn một đảng viên trong bảng."))
            return None
        actor = self.context.actor
        from handbook_desktop.domain.text import number
        from handbook_desktop.services.procedures.common import rules

        with self.context.database.read() as session:  # the reductions the regulation of that month allows
            percents = rules(session).value("dues.reduction_percents", self.month()) or []
        reductions = [(tr("Không giảm"), 0)] + [(f"{number(p)} %", p) for p in percents]
        fields = [Field("effective_from", "Áp dụng từ tháng (ngày đầu tháng)", "date", self.month()),
                  Field("kind", "Đối tượng", "choice", "insured_salary", [(tr(v), k) for k, v in BASIS_LABELS.items()]),
                  Field("base_amount", "Tiền lương/lương hưu làm căn cứ (đ)", "int"),
                  Field("flat_amount", "Mức cố định do cấp ủy quy định (đ, để 0 = mức chung)", "int"),
                  Field("reduction_percent", "Giảm (%)", "choice", 0, reductions),
                  Field("reduction_until", "Giảm đến ngày", "optional_date"),
                  Field("exempt_reason", "Lý do miễn (nếu miễn theo đơn)")]
        dialog = FieldDialog(self, tr("Đối tượng và mức đóng đảng phí — {name}").format(name=selected_name(self.table)),
                             fields, lambda v: None,
                             tr("Mức đóng tính theo quy định đang áp dụng của từng tháng; tháng đã lập sổ giữ nguyên."))

        def submit(values):
            values["base_amount"] = values["base_amount"] or None
            values["flat_amount"] = values["flat_amount"] or None
            run_change(self.context, lambda s: set_basis(s, actor, uuid, **values), what="dues",
                       on_done=dialog.succeed, on_error=dialog.fail)

        dialog.submit = submit
        dialog.open()
        return dialog

    def choose_export(self) -> None:
        year = self.year_box.value()
        path, _ = QFileDialog.getSaveFileName(self, tr("Xuất sổ đảng phí"), f"So-dang-phi-{year}.xlsx",
                                              "Excel (*.xlsx)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        from handbook_desktop.services.procedures.dues import export_dues_book

        year = self.year_box.value()

        def work(_flag):
            with self.context.database.read() as session:
                yield from export_dues_book(session, year, path)
            return path

        self.context.runner.run(work, on_result=lambda p: self.message.setText(
            tr("Đã xuất sổ đảng phí năm {y}: {p}").format(y=year, p=p)), on_error=self._fail,
            progress_title=tr("Xuất sổ đảng phí"), parent=self)
