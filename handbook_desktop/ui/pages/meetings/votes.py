"""The votes of a meeting: record one (subject, kind, member concerned, method, counts) and the table of those
recorded with their denominator and result (the meeting editor's «Biểu quyết» tab)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.votes import VoteKind, VoteMethod
from handbook_desktop.services import meetings as svc
from handbook_desktop.ui.cells import full_text_tips, heading_tips
from handbook_desktop.ui.i18n import tr


class VotesTab(QWidget):
    def __init__(self, editor):
        super().__init__()
        self.editor = editor
        layout = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setObjectName("voteInfo")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        box = QGroupBox(tr("Ghi kết quả biểu quyết"))
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # fits 1366×768 in large text
        self.subject = QLineEdit()
        self.subject.setObjectName("voteSubject")
        form.addRow(tr("Nội dung biểu quyết"), self.subject)
        self.kind = QComboBox()
        self.kind.setObjectName("voteKind")
        for kind in VoteKind:
            self.kind.addItem(tr(kind.label), kind.value)
        form.addRow(tr("Loại"), self.kind)
        self.subject_member = QComboBox()
        self.subject_member.setObjectName("voteSubjectMember")
        form.addRow(tr("Người được xét (kết nạp, chính thức, kỷ luật)"), self.subject_member)
        self.method = QComboBox()
        self.method.setObjectName("voteMethod")
        for method in VoteMethod:
            self.method.addItem(tr(method.label), method.value)
        form.addRow(tr("Hình thức"), self.method)
        counts = QHBoxLayout()
        self.votes_for, self.votes_against, self.abstain = QSpinBox(), QSpinBox(), QSpinBox()
        for spin, name, label in ((self.votes_for, "votesFor", tr("Tán thành")),
                                  (self.votes_against, "votesAgainst", tr("Không tán thành")),
                                  (self.abstain, "votesAbstain", tr("Không biểu quyết"))):
            spin.setObjectName(name)
            spin.setRange(0, 100000)
            counts.addWidget(QLabel(label))
            counts.addWidget(spin)
        counts.addStretch(1)
        form.addRow(tr("Số phiếu"), counts)
        self.record_button = QPushButton(tr("Ghi kết quả"))
        self.record_button.setObjectName("recordVoteButton")
        self.record_button.clicked.connect(self.record)
        form.addRow(self.record_button)
        layout.addWidget(box)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("voteTable")
        self.table.setHorizontalHeaderLabels([tr("Nội dung"), tr("Loại"), tr("Tán thành"), tr("Không tán thành"),
                                              tr("Không biểu quyết"), tr("Mẫu số / cần đạt"), tr("Kết quả")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for column in range(1, 7):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        full_text_tips(self.table)  # a long motion: «…» and the whole of it on hover
        heading_tips(self.table)
        layout.addWidget(self.table, 1)

    def show_detail(self, detail, first: bool) -> None:
        from handbook_desktop.domain.states import MemberStatus

        if first or self.subject_member.count() != len(self.editor.subjects) + 1:
            self.subject_member.clear()
            self.subject_member.addItem(tr("— không —"), None)
            for uuid, name, status in self.editor.subjects:
                self.subject_member.addItem(f"{name} ({tr(MemberStatus(status).label).lower()})", uuid)
        b = detail.block
        self.info.setText(tr(
            "Chỉ đảng viên chính thức có mặt được biểu quyết: {eligible} đồng chí. Mẫu số biểu quyết (đảng viên "
            "chính thức được triệu tập, trừ người chuyển sinh hoạt tạm thời, miễn sinh hoạt vắng mặt, vắng có lý do): "
            "{d}. Nghị quyết, kỷ luật cần quá 1/2; kết nạp, công nhận chính thức, đề nghị khai trừ cần từ 2/3 trở lên "
            "— tính trên mẫu số, không tính trên số có mặt."
        ).format(eligible=b.eligible_present, d=b.denominator))
        self.table.setRowCount(len(detail.votes))
        for row, vote in enumerate(detail.votes):
            values = [vote.subject, tr(VoteKind(vote.kind).label), str(vote.votes_for), str(vote.votes_against),
                      str(vote.abstain), f"{vote.denominator} / {vote.required}",
                      tr("Thông qua") if vote.passed else tr("Không thông qua")]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 6:
                    item.setForeground(Qt.GlobalColor.darkGreen if vote.passed else Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.record_button.setEnabled(not self.editor.context.readonly)

    def record(self) -> None:
        subject = self.subject.text().strip()
        if not subject:
            self.subject.setPlaceholderText(tr("Hãy ghi nội dung biểu quyết"))
            self.subject.setFocus()
            return

        def clear(_result):
            self.subject.clear()
            self.subject_member.setCurrentIndex(0)
            for spin in (self.votes_for, self.votes_against, self.abstain):
                spin.setValue(0)

        self.editor.apply(svc.record_vote, self.editor.uuid, subject=subject, kind=self.kind.currentData(),
                          method=self.method.currentData(), votes_for=self.votes_for.value(),
                          votes_against=self.votes_against.value(), abstain=self.abstain.value(),
                          subject_member_uuid=self.subject_member.currentData(), on_done=clear)
