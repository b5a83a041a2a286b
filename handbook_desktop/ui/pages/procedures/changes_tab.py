"""Biến động: transfers, exemption, discipline, removal, party card, death — each with its document."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.domain.dates import format_date
from handbook_desktop.services.procedures.common import DISCIPLINE_LABELS, EVENT_LABELS
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.member_picker import MemberPicker
from handbook_desktop.ui.pages.procedures.common import DocumentBar, fill_table, make_table
from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog, open_change_dialog, run_read

ACTIONS = [
    ("transfer_official", "Chuyển sinh hoạt chính thức đi"),
    ("transfer_temporary", "Chuyển sinh hoạt tạm thời đi"),
    ("presented", "Báo đã trình giấy giới thiệu nơi đến"),
    ("transfer_in_official", "Tiếp nhận sinh hoạt chính thức đến"),
    ("transfer_in_temporary", "Tiếp nhận sinh hoạt tạm thời đến"),
    ("temporary_return", "Trở lại sinh hoạt sau tạm thời"),
    ("exemption", "Miễn công tác và sinh hoạt đảng"),
    ("exemption_end", "Thôi miễn công tác và sinh hoạt"),
    ("discipline", "Kỷ luật"),
    ("removal_proposed", "Đề nghị xóa tên"),
    ("removed", "Xóa tên (theo quyết định)"),
    ("leave", "Ra khỏi Đảng (xóa tên, khai trừ, lý do khác)"),
    ("readmit", "Kết nạp lại"),
    ("past_gap", "Ghi lần ra khỏi Đảng và kết nạp lại đã qua"),
    ("card_issued", "Cấp thẻ đảng viên"),
    ("card_exchanged", "Đổi thẻ đảng viên (đợt 2025)"),
    ("card_lost", "Báo mất thẻ"),
    ("card_reissued", "Cấp lại thẻ"),
    ("seriously_ill", "Ghi ốm đau hiểm nghèo (xét Huy hiệu sớm)"),
    ("badge_award", "Ghi đã trao Huy hiệu Đảng (mốc chưa xét)"),
    ("badge_dismiss", "Không xét một mốc Huy hiệu Đảng (ghi lý do)"),
    ("death", "Từ trần"),
]
FORMS = {"1-SHĐ": "Giấy giới thiệu sinh hoạt chính thức", "2-SHĐ": "Giấy giới thiệu sinh hoạt tạm thời",
         "NQ-MCT": "Nghị quyết miễn công tác và sinh hoạt đảng", "NQ-XT": "Nghị quyết đề nghị xóa tên",
         "1-TĐV": "Danh sách đề nghị cấp lại thẻ"}


class ChangesTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.context = page.context
        layout = QVBoxLayout(self)
        pick = FlowLayout()  # who and what: on one line, or two on a narrow window
        who, what = QHBoxLayout(), QHBoxLayout()
        who.addWidget(QLabel(tr("Đảng viên:")))
        # Any part of the name, with or without diacritics; namesakes told apart (issue 11 §7).
        self.member_box = MemberPicker()
        self._kept = None  # the member chosen when the rows were let go
        self.member_box.setObjectName("memberBox")
        self.member_box.setMinimumWidth(360)
        self.member_box.currentIndexChanged.connect(self.load_history)
        who.addWidget(self.member_box, 1)
        what.addWidget(QLabel(tr("Việc:")))
        self.action_box = QComboBox()
        self.action_box.setObjectName("actionBox")
        for key, label in ACTIONS:
            self.action_box.addItem(tr(label), key)
        what.addWidget(self.action_box)
        self.go = QPushButton(tr("Ghi…"))
        self.go.setObjectName("recordChange")
        self.go.clicked.connect(self.start)
        what.addWidget(self.go)
        pick.addLayout(who)
        pick.addLayout(what)
        layout.addLayout(pick)
        self.table = make_table("historyTable", ["Việc", "Ngày", "Đến ngày", "Số quyết định", "Ghi chú"])
        self.table.set_empty_text(lambda: tr("Chưa ghi việc nào cho đồng chí này.") if self.member_box.currentData()
                                  else tr("Gõ tên một đảng viên vào ô «Đảng viên» (không cần dấu) để xem những việc "
                                          "đã ghi và ghi việc mới: chuyển sinh hoạt, miễn, kỷ luật, thẻ, từ trần."))
        layout.addWidget(self.table, 1)
        self.documents = DocumentBar(self.context, FORMS, self.subject, lambda: self.page.today)
        layout.addWidget(self.documents)

    def subject(self):
        uuid = self.member_box.currentData()
        name = self.member_box.currentText().split(" (")[0].split(" — ")[0] if uuid else ""
        return uuid, name

    def refresh(self) -> None:
        unit_id, rows = self.page.branch_id(), self.page.member_rows

        def load(session):
            # labels and their folded texts made on the worker (a committee's 50,000; issue 11 §3), once
            # per refresh of the page and shared with the introducer pickers
            return rows.of(session, unit_id=unit_id)

        run_read(self.context, load, self._fill_members)

    def show_branch(self) -> None:
        self.refresh()  # the picker holds the chosen branch's members only

    def release(self) -> None:
        """The picker's rows go (the page is hidden); the member chosen is chosen again at the next fill."""
        self._kept = self.member_box.currentData() or self._kept
        self.member_box.blockSignals(True)
        self.member_box.set_members([])
        self.member_box.blockSignals(False)

    def _fill_members(self, rows) -> None:
        current = self.member_box.currentData() or self._kept
        self._kept = None
        self.member_box.blockSignals(True)
        self.member_box.set_members(rows)  # one reset, not an item per member
        index = self.member_box.findData(current) if current else -1
        self.member_box.setCurrentIndex(index)
        self.member_box.blockSignals(False)
        self.go.setEnabled(not self.context.readonly)
        self.load_history()

    def select_member(self, uuid: str) -> bool:
        index = self.member_box.findData(uuid)
        self.member_box.setCurrentIndex(index)
        return index >= 0

    def load_history(self) -> None:
        uuid = self.member_box.currentData()
        if not uuid:
            fill_table(self.table, [])
            return

        def load(session):
            from handbook_desktop.services.procedures.common import event_detail, live_events, member_by_uuid

            member = member_by_uuid(session, uuid)
            return [(e.uuid, e.kind, e.event_date, e.end_date, e.decision_number, e.note, event_detail(e))
                    for e in live_events(member)]

        def show(events):
            rows = []
            for event_uuid, kind, day, end, number, note, detail in events:
                label = EVENT_LABELS.get(kind, kind)
                if kind == "discipline":
                    label += f": {DISCIPLINE_LABELS.get(detail.get('kind'), '')}"
                if kind in ("badge", "badge_dismissed"):
                    label += f" {detail.get('years', '')} năm"
                extra = detail.get("destination") or detail.get("number") or ""
                rows.append((event_uuid, [label, format_date(day), format_date(end), number or "",
                                          "; ".join(x for x in (note or "", str(extra)) if x)], False))
            fill_table(self.table, rows)

        run_read(self.context, load, show)

    def start(self) -> FieldDialog | None:
        from handbook_desktop.services.procedures import status

        uuid, name = self.subject()
        if not uuid:
            self.documents.result.setText(tr("Hãy chọn đảng viên trước."))
            return None
        action = self.action_box.currentData()
        actor = self.context.actor
        today = self.page.today
        date_field = Field("day", "Ngày", "date", today)
        specs: dict[str, tuple[list[Field], object]] = {
            "transfer_official": ([date_field, Field("destination", "Nơi chuyển đến"),
                                   Field("dues_paid_to", "Đã đóng đảng phí đến hết tháng", "optional_date")],
                                  lambda s, v: status.transfer_out(s, actor, uuid, **v)),
            "transfer_temporary": ([date_field, Field("until", "Đến ngày", "date"), Field("destination", "Nơi đến"),
                                    Field("study", "Đi học tập", "check"),
                                    Field("dues_paid_to", "Đã đóng đảng phí đến hết tháng", "optional_date")],
                                   lambda s, v: status.transfer_out(s, actor, uuid, temporary=True, **v)),
            "transfer_in_official": ([date_field, Field("origin", "Chuyển từ (tổ chức đảng nơi đi)")],
                                     lambda s, v: status.transfer_in(s, actor, uuid, **v)),
            "transfer_in_temporary": ([date_field, Field("until", "Đến ngày", "date"),
                                       Field("origin", "Chuyển từ (tổ chức đảng nơi đi)")],
                                      lambda s, v: status.transfer_in(s, actor, uuid, temporary=True, **v)),
            "presented": ([date_field], lambda s, v: status.confirm_presented(s, actor, uuid, v["day"])),
            "temporary_return": ([date_field], lambda s, v: status.temporary_return(s, actor, uuid, v["day"])),
            "exemption": ([date_field, Field("reason", "Lý do")],
                          lambda s, v: status.set_exemption(s, actor, uuid, v["day"], reason=v["reason"])),
            "exemption_end": ([date_field], lambda s, v: status.set_exemption(s, actor, uuid, v["day"], end=True)),
            "discipline": ([date_field, Field("kind", "Hình thức", "choice", "reprimand",
                                              [(tr(label), key) for key, label in DISCIPLINE_LABELS.items()]),
                            Field("decision_number", "Số quyết định"), Field("reason", "Lý do")],
                           lambda s, v: status.discipline(s, actor, uuid, **v)),
            "removal_proposed": ([date_field, Field("reason", "Lý do đề nghị xóa tên")],
                                 lambda s, v: status.propose_removal(s, actor, uuid, v["day"], v["reason"] or "")),
            "removed": ([date_field, Field("decision_number", "Số quyết định")],
                        lambda s, v: status.remove(s, actor, uuid, v["day"], v["decision_number"])),
            "death": ([date_field], lambda s, v: status.record_death(s, actor, uuid, v["day"])),
            "seriously_ill": ([date_field], lambda s, v: _simple_event(s, actor, uuid, "seriously_ill", v["day"])),
        }
        from handbook_desktop.services.members import events

        how = Field("kind", "Cách ra khỏi Đảng", "choice", "removed",
                    [(tr(label), key) for key, label in events.DEPARTURE_KINDS.items()])
        specs["leave"] = ([date_field, how, Field("decision_number", "Số quyết định"), Field("note", "Ghi chú")],
                          lambda s, v: events.record_departure(s, actor, uuid, **v))
        specs["readmit"] = ([Field("day", "Ngày quyết định kết nạp lại", "date", today),
                             Field("decision_number", "Số quyết định"),
                             Field("ceremony_date", "Ngày lễ kết nạp lại", "optional_date")],
                            lambda s, v: events.readmit(s, actor, uuid, **v))
        specs["past_gap"] = ([Field("left_on", "Ngày ra khỏi Đảng", "date"), how,
                              Field("left_decision", "Số quyết định xóa tên/khai trừ"),
                              Field("readmitted_on", "Ngày quyết định kết nạp lại", "date"),
                              Field("readmitted_decision", "Số quyết định kết nạp lại")],
                             lambda s, v: events.record_past_gap(s, actor, uuid, **v))
        from handbook_desktop.services.procedures import badges

        specs["badge_award"] = ([Field("years", "Mốc (số năm tuổi đảng)", "int", 30), date_field,
                                 Field("decision_number", "Số quyết định")],
                                lambda s, v: badges.record_badge(s, actor, uuid, v["years"], v["day"],
                                                                 v["decision_number"]))
        specs["badge_dismiss"] = ([Field("years", "Mốc (số năm tuổi đảng)", "int", 30), date_field,
                                   Field("reason", "Lý do không xét")],
                                  lambda s, v: badges.dismiss_badge(s, actor, uuid, v["years"], v["day"],
                                                                    v["reason"] or ""))
        for kind in ("card_issued", "card_exchanged", "card_reissued"):
            specs[kind] = ([date_field, Field("number", "Số thẻ đảng viên")],
                           lambda s, v, k=kind: status.card_event(s, actor, uuid, k, v["day"], v["number"]))
        specs["card_lost"] = ([date_field], lambda s, v: status.card_event(s, actor, uuid, "card_lost", v["day"]))
        fields, call = specs[action]
        return open_change_dialog(self, f"{self.action_box.currentText()} — {name}", fields, call)


def _simple_event(session, actor, uuid, kind, day):
    from handbook_desktop.services.procedures.common import add_event, member_by_uuid

    actor.require("write")
    return add_event(session, actor, member_by_uuid(session, uuid), kind, day)
