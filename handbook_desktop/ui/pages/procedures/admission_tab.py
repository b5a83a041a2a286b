"""Kết nạp: open admission cases, stage by stage, each with its check and its document."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.domain.admission import STAGE_LABELS
from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.ui.branch_box import branch_rows, empty_text, with_branch_header
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import (
    DocumentBar, fill_table, make_table, member_choices, selected_name, selected_uuid,
)
from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog, open_change_dialog, run_read

UPDATE_KEYS = ("course_certificate_date", "application_date", "background_verified_on", "introducer_1_uuid",
               "introducer_1_known_since", "introducer_2_uuid", "introducer_2_known_since", "youth_union_resolution",
               "opinions_date")
EDUCATION = ["12/12", "11/12", "10/12", "9/12", "10/10", "9/10", "8/10", "7/10"]


class AdmissionTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.context = page.context
        self.cases: dict[str, dict] = {}
        self.introducers: list = []
        self.candidates: list = []
        self.votes: list = []
        self.unit_choices: list = []  # a committee's branches, for a new candidate
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Hồ sơ kết nạp đang làm. Chọn một người rồi ghi bước tiếp theo; chương trình kiểm tra "
                          "tuổi, trình độ, người giới thiệu, giấy chứng nhận lớp nhận thức và hạn tổ chức lễ kết nạp."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.loaded = None
        self.table = make_table("admissionTable", with_branch_header(
            ["Họ và tên", "Ngày sinh", "Bước hiện tại", "Hạn lễ kết nạp", "Cần lưu ý"], page.branch_box))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.table.set_empty_text(lambda: empty_text(page.branch_box, "hồ sơ kết nạp đang làm"))
        row = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.buttons = {}
        for key, text, slot in (
            ("newCandidate", "Thêm quần chúng ưu tú", self.new_candidate),
            ("updateCase", "Cập nhật hồ sơ", self.update_case),
            ("branchVote", "Chi bộ biểu quyết", self.branch_vote),
            ("decision", "Quyết định kết nạp", self.decision),
            ("ceremony", "Lễ kết nạp", self.ceremony),
        ):
            button = QPushButton(tr(text))
            button.setObjectName(key)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        layout.addLayout(row)
        self.documents = DocumentBar(self.context, {"6-KNĐ": "Nghị quyết đề nghị kết nạp"},
                                     lambda: (self.current_member(), selected_name(self.table)),
                                     lambda: self.page.today)
        layout.addWidget(self.documents)
        self.message = QLabel()
        self.message.setObjectName("message")
        layout.addWidget(self.message)
        self._update_buttons()

    # --- data -------------------------------------------------------------------------------
    def refresh(self) -> None:
        today, committee, member_rows = self.page.today, self.page.branch_box is not None, self.page.member_rows

        def load(session):
            from handbook_desktop.services.procedures.admission import ceremony_deadline, check_case, open_cases

            result = []
            for case in open_cases(session):
                problems = check_case(session, case, case.considered_on or today) if case.stage in (
                    "opinions", "introduced", "application") else []
                result.append({"uuid": case.uuid, "member": case.member.uuid, "name": case.member.full_name,
                               "born": case.member.date_of_birth, "stage": case.stage,
                               "fields": {key: getattr(case, key) for key in UPDATE_KEYS},
                               "due": ceremony_deadline(session, case), "problems": [p.message for p in problems]})
            from handbook_desktop.services.meetings.queries import meeting_units
            from handbook_desktop.services.procedures.admission import admission_votes

            branches = {}
            if committee:
                from handbook_desktop.services.units import member_branches

                branches = member_branches(session, [c["member"] for c in result])
            units = [(f"{u.name} ({u.code})", u.code) for u in meeting_units(session) if u.level == "chi-bo"]
            # the introducer pickers' rows, folded on the worker (a committee's 45,000 officials; issue 11
            # §3) and shared with the change picker
            return (result, member_rows.of(session, status=MemberStatus.OFFICIAL.value),
                    member_choices(session, (MemberStatus.CANDIDATE.value,), branches=committee),
                    admission_votes(session), branches, units)

        run_read(self.context, load, self._show)

    def release(self) -> None:
        """The introducers go (the page is hidden); the next refresh reads them again."""
        if self.loaded is not None:
            self.loaded = (self.loaded[0], [], *self.loaded[2:])
        self.introducers = []

    def show_branch(self) -> None:
        if self.loaded is not None:
            self._show(self.loaded)

    def _show(self, loaded) -> None:
        self.loaded = loaded
        cases, self.introducers, self.candidates, self.votes, branches, self.unit_choices = loaded
        self.cases = {c["uuid"]: c for c in cases}
        rows = []
        for case in sorted(cases, key=lambda c: c["name"]):
            overdue = bool(case["due"] and case["due"] < self.page.today)
            rows.append((case["uuid"], [case["name"], format_date(case["born"]), tr(STAGE_LABELS[case["stage"]]),
                                        format_date(case["due"]), "; ".join(case["problems"])], overdue))
        fill_table(self.table, branch_rows(self.page.branch_box, rows, lambda r: branches.get(
            self.cases[r[0]]["member"], (None, ""))))
        self._update_buttons()

    def current_case(self) -> dict | None:
        uuid = selected_uuid(self.table)
        return self.cases.get(uuid) if uuid else None

    def current_member(self) -> str | None:
        case = self.current_case()
        return case["member"] if case else None

    def select_member(self, member_uuid: str) -> bool:
        for row in range(self.table.rowCount()):
            case = self.cases.get(self.table.item(row, 0).data(256))
            if case and case["member"] == member_uuid:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        case = self.current_case()
        stage = case["stage"] if case else None
        writable = not self.context.readonly
        self.buttons["newCandidate"].setEnabled(writable)
        self.buttons["updateCase"].setEnabled(writable and case is not None and stage not in ("branch_vote", "decision"))
        self.buttons["branchVote"].setEnabled(writable and stage in ("introduced", "opinions"))
        self.buttons["decision"].setEnabled(writable and stage == "branch_vote")
        self.buttons["ceremony"].setEnabled(writable and stage == "decision")

    # --- actions ----------------------------------------------------------------------------
    def _dialog(self, title, fields, call, intro="") -> FieldDialog:
        return open_change_dialog(self, tr(title), fields, call, intro)

    def new_candidate(self) -> FieldDialog:
        from handbook_desktop.services.procedures.admission import open_case

        actor = self.context.actor
        existing = [(tr("— người mới (nhập bên dưới) —"), None)] + self.candidates
        fields = [Field("member_uuid", "Quần chúng đã có hồ sơ", "choice", None, existing),
                  Field("full_name", "Họ và tên (người mới)"), Field("date_of_birth", "Ngày sinh", "optional_date"),
                  Field("gender", "Giới tính", "choice", "male", [(tr("Nam"), "male"), (tr("Nữ"), "female")]),
                  Field("general_education", "Giáo dục phổ thông", "choice", "12/12", [(e, e) for e in EDUCATION]),
                  Field("identified_on", "Ngày được giới thiệu", "date", self.page.today),
                  Field("proposed_by", "Tổ chức giới thiệu (Đoàn, Công đoàn…)")]
        if self.context.is_committee:  # a committee's candidate belongs to one of its branches
            fields.insert(1, Field("unit_code", "Chi bộ (người mới)", "choice", None,
                                   [(tr("— chọn chi bộ —"), None)] + self.unit_choices))

        def call(session, v):
            if v["member_uuid"]:
                return open_case(session, actor, member_uuid=v["member_uuid"], identified_on=v["identified_on"],
                                 proposed_by=v["proposed_by"])
            return open_case(session, actor, full_name=v["full_name"], identified_on=v["identified_on"],
                             proposed_by=v["proposed_by"], unit_code=v.get("unit_code"),
                             date_of_birth=v["date_of_birth"], gender=v["gender"],
                             general_education=v["general_education"])

        return self._dialog("Thêm quần chúng ưu tú vào hồ sơ kết nạp", fields, call)

    def update_case(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.admission import update_case

        case = self.current_case()
        if case is None:
            return None
        actor = self.context.actor
        now = case.get("fields", {})
        fields = [Field("course_certificate_date", "Ngày cấp giấy chứng nhận lớp nhận thức về Đảng", "optional_date",
                        now.get("course_certificate_date")),
                  Field("application_date", "Ngày nộp đơn xin vào Đảng", "optional_date", now.get("application_date")),
                  Field("background_verified_on", "Ngày thẩm tra lý lịch xong", "optional_date",
                        now.get("background_verified_on")),
                  Field("introducer_1_uuid", "Người giới thiệu thứ nhất", "member", now.get("introducer_1_uuid"),
                        self.introducers),
                  Field("introducer_1_known_since", "Quen biết, cùng công tác từ ngày", "optional_date",
                        now.get("introducer_1_known_since")),
                  Field("introducer_2_uuid", "Người giới thiệu thứ hai", "member", now.get("introducer_2_uuid"),
                        self.introducers),
                  Field("introducer_2_known_since", "Quen biết, cùng công tác từ ngày", "optional_date",
                        now.get("introducer_2_known_since")),
                  Field("youth_union_resolution", "Có nghị quyết giới thiệu của Đoàn/Công đoàn", "check",
                        now.get("youth_union_resolution")),
                  Field("opinions_date", "Ngày tổng hợp ý kiến nhận xét (5-KNĐ)", "optional_date",
                        now.get("opinions_date"))]

        def call(session, v):
            changes = {k: value for k, value in v.items() if value not in (None, False)}
            return update_case(session, actor, case["uuid"], **changes)

        return self._dialog(f"Cập nhật hồ sơ kết nạp — {case['name']}", fields, call,
                            tr("Chỉ các ô đã điền được ghi; ô để trống giữ nguyên."))

    def branch_vote(self) -> FieldDialog | None:
        """The branch's vote is one recorded in a held meeting's minutes: picked, never typed."""
        from handbook_desktop.services.procedures.admission import record_branch_vote

        case = self.current_case()
        if case is None:
            return None
        actor = self.context.actor
        votes = [(v["label"], v["uuid"]) for v in self.votes if v["subject_uuid"] in (None, case["member"])]
        if not votes:
            votes = [(tr("— chưa có biểu quyết kết nạp nào trong biên bản các buổi đã họp —"), None)]
        fields = [Field("vote_uuid", "Biểu quyết trong biên bản họp", "choice", None, votes)]
        return self._dialog(f"Chi bộ biểu quyết đề nghị kết nạp — {case['name']}", fields,
                            lambda session, v: record_branch_vote(session, actor, case["uuid"],
                                                                  vote_uuid=v["vote_uuid"]),
                            tr("Ngày chi bộ xét, số đảng viên được tính biểu quyết và số tán thành lấy đúng từ "
                               "biểu quyết đã ghi trong biên bản buổi sinh hoạt (theo điểm danh của buổi đó), "
                               "không nhập tay. Chưa có thì ghi biểu quyết ở Sinh hoạt chi bộ → Biểu quyết."))

    def decision(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.admission import record_decision

        case = self.current_case()
        if case is None:
            return None
        actor = self.context.actor
        fields = [Field("decision_number", "Số quyết định (9-KNĐ)"),
                  Field("decision_date", "Ngày quyết định", "date", self.page.today),
                  Field("received_on", "Ngày chi bộ nhận quyết định", "optional_date")]
        return self._dialog(f"Quyết định kết nạp — {case['name']}", fields,
                            lambda session, v: record_decision(session, actor, case["uuid"], **v))

    def ceremony(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures.admission import record_ceremony

        case = self.current_case()
        if case is None:
            return None
        actor = self.context.actor
        due = format_date(case["due"])
        fields = [Field("ceremony_date", "Ngày tổ chức lễ kết nạp", "date", self.page.today)]
        return self._dialog(f"Lễ kết nạp — {case['name']}", fields,
                            lambda session, v: record_ceremony(session, actor, case["uuid"], **v),
                            tr("Hạn tổ chức lễ: {due}. Sau lễ, người này là đảng viên dự bị.").format(due=due))
