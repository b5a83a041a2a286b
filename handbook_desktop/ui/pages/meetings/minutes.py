"""The minutes (sections following the agenda, speakers, conclusions, end time, quality rating) and the votes."""

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
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop.domain.meetings import QUALITY_RATINGS
from handbook_desktop.domain.votes import VoteKind, VoteMethod
from handbook_desktop.services import meetings as svc
from handbook_desktop.ui.i18n import tr


def _plain(name: str, height: int | None = None) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    if height:
        edit.setMaximumHeight(height)
    return edit


class MinutesTab(QWidget):
    def __init__(self, editor):
        super().__init__()
        self.editor = editor
        self.detail = None
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        self.sections = QListWidget()
        self.sections.setObjectName("sectionList")
        self.sections.setWordWrap(True)
        self.sections.setMinimumWidth(280)
        self.sections.currentRowChanged.connect(self._show_section)
        splitter.addWidget(self.sections)
        right = QWidget()
        form = QVBoxLayout(right)
        self.section_title = QLabel()
        self.section_title.setObjectName("sectionTitle")
        self.section_title.setWordWrap(True)
        form.addWidget(self.section_title)
        form.addWidget(QLabel(tr("Nội dung:")))
        self.content = _plain("sectionContent")
        form.addWidget(self.content, 2)
        form.addWidget(QLabel(tr("Ý kiến phát biểu:")))
        self.speeches = QTableWidget(0, 2)
        self.speeches.setObjectName("speechTable")
        self.speeches.setHorizontalHeaderLabels([tr("Người phát biểu"), tr("Nội dung")])
        self.speeches.verticalHeader().setVisible(False)
        self.speeches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.speeches.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.speeches.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.speeches.setWordWrap(True)
        form.addWidget(self.speeches, 2)
        add_row = QHBoxLayout()
        self.speaker = QComboBox()
        self.speaker.setObjectName("speakerBox")
        self.speaker.setEditable(True)
        self.speaker.setMinimumWidth(220)
        self.speaker.lineEdit().setPlaceholderText(tr("đảng viên hoặc khách mời"))
        add_row.addWidget(self.speaker)
        self.speech_text = QLineEdit()
        self.speech_text.setObjectName("speechText")
        self.speech_text.setPlaceholderText(tr("ý kiến phát biểu, Enter để thêm"))
        self.speech_text.returnPressed.connect(self.add_speech)
        add_row.addWidget(self.speech_text, 1)
        self.add_speech_button = QPushButton(tr("Thêm ý kiến"))
        self.add_speech_button.setObjectName("addSpeechButton")
        self.add_speech_button.clicked.connect(self.add_speech)
        add_row.addWidget(self.add_speech_button)
        form.addLayout(add_row)
        form.addWidget(QLabel(tr("Kết luận của chủ trì:")))
        self.conclusion = _plain("sectionConclusion", 80)
        form.addWidget(self.conclusion, 1)
        self.save_section_button = QPushButton(tr("Lưu mục này"))
        self.save_section_button.setObjectName("saveSectionButton")
        self.save_section_button.clicked.connect(self.save_section)
        form.addWidget(self.save_section_button)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        layout.addWidget(splitter, 1)
        closing = QGroupBox(tr("Kết thúc buổi sinh hoạt"))
        closing_form = QFormLayout(closing)
        self.end_time = QLineEdit()
        self.end_time.setObjectName("endTime")
        self.end_time.setPlaceholderText("HH:MM")
        self.duration = QLabel()
        self.duration.setObjectName("durationLabel")
        end_row = QHBoxLayout()
        end_row.addWidget(self.end_time)
        end_row.addWidget(self.duration, 1)
        closing_form.addRow(tr("Giờ kết thúc"), end_row)
        self.rating = QComboBox()
        self.rating.setObjectName("qualityRating")
        self.rating.addItem(tr("— chưa biểu quyết —"), None)
        for code, label in QUALITY_RATINGS.items():
            self.rating.addItem(tr(label), code)
        closing_form.addRow(tr("Chi bộ xếp loại buổi sinh hoạt"), self.rating)
        self.rating_votes = QLineEdit()
        self.rating_votes.setObjectName("ratingVotes")
        self.rating_votes.setPlaceholderText(tr("ví dụ: Tốt 12/14, Khá 2/14"))
        closing_form.addRow(tr("Kết quả biểu quyết xếp loại"), self.rating_votes)
        self.rating_note = QLineEdit()
        self.rating_note.setObjectName("ratingNote")
        closing_form.addRow(tr("Nhận xét"), self.rating_note)
        self.save_closing_button = QPushButton(tr("Lưu phần kết thúc"))
        self.save_closing_button.setObjectName("saveClosingButton")
        self.save_closing_button.clicked.connect(self.save_closing)
        closing_form.addRow(self.save_closing_button)
        layout.addWidget(closing)

    def show_detail(self, detail, first: bool) -> None:
        self.detail = detail
        current = self.sections.currentRow()
        self.sections.blockSignals(True)
        self.sections.clear()
        for item in detail.agenda:
            marker = " ✓" if item.content or item.speeches or item.conclusion else ""
            entry = QListWidgetItem(f"{item.position}. {item.title}{marker}")
            entry.setData(Qt.ItemDataRole.UserRole, item.uuid)
            self.sections.addItem(entry)
        self.sections.blockSignals(False)
        speaker_text = self.speaker.currentText()
        self.speaker.clear()
        present = [r for r in detail.roll if r.attendance == "present"] or detail.roll
        for line in present:
            self.speaker.addItem(line.name, line.member_uuid)
        for guest in detail.guests:
            self.speaker.addItem(guest, None)
        self.speaker.setEditText(speaker_text if not first else "")
        if detail.agenda:
            self.sections.setCurrentRow(min(max(current, 0), len(detail.agenda) - 1))
            self._show_section(self.sections.currentRow(), keep_text=not first)
        if first:
            self.end_time.setText(detail.summary.end_time or "")
            index = self.rating.findData(detail.quality_rating)
            self.rating.setCurrentIndex(max(index, 0))
            self.rating_votes.setText(detail.rating_votes or "")
            self.rating_note.setText(detail.rating_note or "")
        if detail.duration is not None:
            ok = detail.duration >= detail.required_minutes
            self.duration.setText(tr("{n} phút (tối thiểu {m} phút){mark}").format(
                n=detail.duration, m=detail.required_minutes, mark="" if ok else tr(" — chưa đủ thời gian")))
        else:
            self.duration.setText(tr("tối thiểu {m} phút").format(m=detail.required_minutes))
        readonly = self.editor.context.readonly
        for widget in (self.add_speech_button, self.save_section_button, self.save_closing_button):
            widget.setEnabled(not readonly)

    def _section(self):
        row = self.sections.currentRow()
        if self.detail is None or row < 0 or row >= len(self.detail.agenda):
            return None
        return self.detail.agenda[row]

    def _show_section(self, _row: int, keep_text: bool = False) -> None:
        item = self._section()
        if item is None:
            return
        self.section_title.setText(f"{item.position}. {item.title}")
        if not keep_text or getattr(self, "_shown_uuid", None) != item.uuid:
            self.content.setPlainText(item.content or "")
            self.conclusion.setPlainText(item.conclusion or "")
        self._shown_uuid = item.uuid
        self.speeches.setRowCount(len(item.speeches))
        for row, speech in enumerate(item.speeches):
            self.speeches.setItem(row, 0, QTableWidgetItem(speech.speaker_name))
            self.speeches.setItem(row, 1, QTableWidgetItem(speech.content))
        self.speeches.resizeRowsToContents()

    def save_section(self) -> None:
        item = self._section()
        if item is None:
            return
        self.editor.apply(svc.update_agenda_item, item.uuid, content=self.content.toPlainText(),
                          conclusion=self.conclusion.toPlainText())

    def add_speech(self) -> None:
        item = self._section()
        if item is None:
            return
        name = self.speaker.currentText().strip()
        index = self.speaker.findText(name)
        member_uuid = self.speaker.itemData(index) if index >= 0 else None
        text = self.speech_text.text()
        if not name or not text.strip():
            return
        self.speech_text.clear()
        self.speaker.setEditText("")
        self.editor.apply(svc.add_speech, item.uuid, content=text, member_uuid=member_uuid,
                          speaker_name=None if member_uuid else name)

    def save_closing(self) -> None:
        self.editor.apply(svc.update_meeting, self.editor.uuid, end_time=self.end_time.text(),
                          quality_rating=self.rating.currentData(), rating_votes=self.rating_votes.text(),
                          rating_note=self.rating_note.text())


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
