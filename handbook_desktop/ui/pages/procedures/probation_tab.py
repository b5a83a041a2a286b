"""Dự bị: probationary members, when probation ends, when the vote is due; overdue cases stand out."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.domain.dates import format_date
from handbook_desktop.ui.branch_box import branch_rows, empty_text, with_branch_header
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import DocumentBar, fill_table, make_table, selected_name, selected_uuid
from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog, run_change, run_read


class ProbationTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.context = page.context
        self.votes: list[dict] = []
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Đảng viên dự bị: thời gian dự bị tính từ lễ kết nạp; chi bộ xét công nhận chính thức "
                          "trong số ngày làm việc quy định sau khi hết dự bị (theo quy định đang áp dụng). "
                          "Dòng tô đỏ là đã quá hạn."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.loaded = ([], {}, [])
        self.table = make_table("probationTable", with_branch_header(
            ["Họ và tên", "Ngày lễ kết nạp", "Hết dự bị (ngày chính thức)", "Hạn chi bộ xét", "Tình trạng"],
            page.branch_box))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.set_empty_text(lambda: empty_text(page.branch_box, "đảng viên dự bị"))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.recognise_button = QPushButton(tr("Công nhận chính thức"))
        self.recognise_button.setObjectName("recognise")
        self.recognise_button.clicked.connect(self.recognise)
        row.addWidget(self.recognise_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.documents = DocumentBar(
            self.context, {"10-KNĐ": "Bản tự kiểm điểm", "11-KNĐ": "Bản nhận xét của người giúp đỡ",
                           "12-KNĐ": "Tổng hợp ý kiến nhận xét", "13-KNĐ": "Nghị quyết đề nghị công nhận chính thức"},
            lambda: (selected_uuid(self.table), selected_name(self.table)), lambda: self.page.today)
        layout.addWidget(self.documents)
        self._update_buttons()

    def refresh(self) -> None:
        today, committee = self.page.today, self.page.branch_box is not None

        def load(session):
            from handbook_desktop.services.procedures.admission import held_votes
            from handbook_desktop.services.procedures.probation import probation_cases
            from handbook_desktop.services.units import member_branches

            cases = probation_cases(session, today)
            return (cases, member_branches(session, [c.member_uuid for c in cases]) if committee else {},
                    held_votes(session, "official_recognition"))

        run_read(self.context, load, self._show)

    def show_branch(self) -> None:
        self._show(self.loaded)

    def _show(self, loaded) -> None:
        self.loaded = loaded
        cases, branches, self.votes = loaded
        today = self.page.today
        rows = []
        for case in cases:
            if case.overdue:
                state = tr("Quá hạn xét")
            elif case.ends <= today:
                state = tr("Đã hết dự bị — cần xét")
            else:
                state = tr("Còn {days} ngày").format(days=(case.ends - today).days)
            rows.append((case.member_uuid, [case.name, format_date(case.ceremony), format_date(case.ends),
                                            format_date(case.vote_due), state], case.overdue))
        fill_table(self.table, branch_rows(self.page.branch_box, rows, lambda r: branches.get(r[0], (None, ""))))
        self._update_buttons()

    def select_member(self, member_uuid: str) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(256) == member_uuid:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        self.recognise_button.setEnabled(not self.context.readonly and selected_uuid(self.table) is not None)

    def recognise(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.probation import recognise_official

        uuid = selected_uuid(self.table)
        if uuid is None:
            return None
        actor = self.context.actor
        votes = [(v["label"], v["uuid"]) for v in self.votes if v["subject_uuid"] in (None, uuid)]
        if not votes:
            votes = [(tr("— chưa có biểu quyết công nhận chính thức nào trong biên bản các buổi đã họp —"), None)]
        fields = [Field("vote_uuid", "Biểu quyết trong biên bản họp", "choice", None, votes),
                  Field("decision_number", "Số quyết định của cấp ủy (nếu đã có)"),
                  Field("decision_date", "Ngày quyết định", "optional_date")]
        dialog = FieldDialog(self, tr("Công nhận đảng viên chính thức — {name}").format(name=selected_name(self.table)),
                             fields, lambda v: None,
                             tr("Ngày chi bộ xét và số phiếu lấy từ biểu quyết đã ghi trong biên bản buổi sinh hoạt, "
                                "không nhập tay. Ngày chính thức là ngày hết dự bị, dù chi bộ xét hay cấp ủy "
                                "quyết định muộn hơn."))

        def submit(values):
            run_change(self.context, lambda session: recognise_official(session, actor, uuid, **values),
                       on_done=dialog.succeed, on_error=dialog.fail)

        dialog.submit = submit
        dialog.submitted.connect(lambda _r: self.page.refresh())
        dialog.open()
        return dialog
