"""The minutes (sections following the agenda, speakers, conclusions, end time, quality rating); the votes are
in votes.py."""

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
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import unicodedata

from handbook_desktop.domain.meetings import QUALITY_RATINGS
from handbook_desktop.domain.text import TIME_PLACEHOLDER, clean
from handbook_desktop.services import meetings as svc
from handbook_desktop.ui.drafts import DraftStore
from handbook_desktop.ui.cells import full_text_tips
from handbook_desktop.ui.i18n import tr


def _plain(name: str, height: int | None = None) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    if height:
        edit.setMaximumHeight(height)
    return edit


def _same(typed: tuple[str, str], saved: tuple[str, str]) -> bool:
    """Typed content and conclusion equal to what was saved, as the service stores them (trimmed, NFC)."""
    content, conclusion = typed
    return (unicodedata.normalize("NFC", content).strip() == saved[0]
            and (clean(conclusion) or "") == saved[1])


class MinutesTab(QWidget):
    """One agenda item at a time. What is typed is never replaced behind the secretary's back: a reload
    (after a speech is added, say) keeps the text on screen, another item is opened only after asking,
    and a draft of the unsaved text is written to disk within seconds (``ui.drafts``)."""

    def __init__(self, editor):
        super().__init__()
        self.editor = editor
        self.detail = None
        self.drafts = DraftStore(editor.context.database, self)
        self._row = -1
        self._shown_uuid: str | None = None
        self._saved = ("", "")  # the shown item's content and conclusion as the database has them
        self._restoring = False
        layout = QVBoxLayout(self)
        splitter = QSplitter()
        self.sections = QListWidget()
        self.sections.setObjectName("sectionList")
        self.sections.setWordWrap(True)
        self.sections.setMinimumWidth(280)
        full_text_tips(self.sections)  # a long agenda item: «…» and the whole title on hover
        self.sections.currentRowChanged.connect(self._row_changed)
        splitter.addWidget(self.sections)
        right = QWidget()
        form = QVBoxLayout(right)
        self.section_title = QLabel()
        self.section_title.setObjectName("sectionTitle")
        self.section_title.setWordWrap(True)
        form.addWidget(self.section_title)
        self.draft_note = QLabel()
        self.draft_note.setObjectName("warning")
        self.draft_note.setWordWrap(True)
        form.addWidget(self.draft_note)
        form.addWidget(QLabel(tr("Nội dung:")))
        self.content = _plain("sectionContent")
        self.content.textChanged.connect(self._typed)
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
        from handbook_desktop.ui.member_picker import MemberPicker

        self.speaker = MemberPicker(free_text=True)
        self.speaker.setObjectName("speakerBox")
        self.speaker.setMinimumWidth(220)
        self.speaker.lineEdit().setPlaceholderText(tr("đảng viên hoặc khách mời"))
        add_row.addWidget(self.speaker)
        self.speech_text = QLineEdit()
        self.speech_text.setObjectName("speechText")
        self.speech_text.setPlaceholderText(tr("ý kiến phát biểu, Enter để thêm"))
        self.speech_text.returnPressed.connect(self.add_speech)
        self.speech_text.textChanged.connect(self._typed)
        add_row.addWidget(self.speech_text, 1)
        self.add_speech_button = QPushButton(tr("Thêm ý kiến"))
        self.add_speech_button.setObjectName("addSpeechButton")
        self.add_speech_button.clicked.connect(self.add_speech)
        add_row.addWidget(self.add_speech_button)
        form.addLayout(add_row)
        form.addWidget(QLabel(tr("Kết luận của chủ trì:")))
        self.conclusion = _plain("sectionConclusion", 80)
        self.conclusion.textChanged.connect(self._typed)
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
        self.end_time.setPlaceholderText(TIME_PLACEHOLDER)
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
        # Signals stay blocked until the row is set again: a "row changed" from the rebuilt list once
        # reloaded the item from the database over the text being typed (issue 11 §4).
        self.sections.blockSignals(True)
        self.sections.clear()
        for item in detail.agenda:
            marker = " ✓" if item.content or item.speeches or item.conclusion else ""
            entry = QListWidgetItem(f"{item.position}. {item.title}{marker}")
            entry.setData(Qt.ItemDataRole.UserRole, item.uuid)
            self.sections.addItem(entry)
        row = min(max(current, 0), len(detail.agenda) - 1) if detail.agenda else -1
        self.sections.setCurrentRow(row)
        self.sections.blockSignals(False)
        speaker_text = self.speaker.currentText()
        self.speaker.clear()
        present = [r for r in detail.roll if r.attendance == "present"] or detail.roll
        tags = {uuid: tag for uuid, _name, _status, *rest in self.editor.members for tag in rest}
        for line in present:
            self.speaker.add_member(line.name, line.member_uuid, tags.get(line.member_uuid, ""))
        for guest in detail.guests:
            self.speaker.addItem(guest, None)
        self.speaker.setEditText(speaker_text if not first else "")
        if detail.agenda:
            self._show_section(row, keep_text=not first)
        saved_closing = self._closing_saved
        self._closing_saved = (detail.summary.end_time or "", detail.quality_rating, detail.rating_votes or "",
                               detail.rating_note or "")
        # Nothing typed there since the last load or save: show what the database has (a time as saved).
        if first or self._closing_state() in (saved_closing, self._closing_sent):
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

    _closing_saved: tuple = ("", None, "", "")
    _closing_sent: tuple | None = None

    def _closing_state(self) -> tuple:
        return (self.end_time.text(), self.rating.currentData(), self.rating_votes.text(), self.rating_note.text())

    def _section_state(self) -> tuple[str, str]:
        return self.content.toPlainText(), self.conclusion.toPlainText()

    def section_dirty(self) -> bool:
        if self._shown_uuid is None or self.editor.context.readonly:
            return False
        return not _same(self._section_state(), self._saved) or bool(self.speech_text.text().strip())

    def closing_dirty(self) -> bool:
        return (self.detail is not None and not self.editor.context.readonly
                and self._closing_state() != self._closing_saved)

    def has_unsaved(self) -> bool:
        return self.section_dirty() or self.closing_dirty()

    def _draft_key(self, uuid: str) -> str:
        return f"minutes:{uuid}"

    def _typed(self) -> None:
        if self._restoring or self._shown_uuid is None:
            return
        key = self._draft_key(self._shown_uuid)
        if self.section_dirty():
            content, conclusion = self._section_state()
            self.drafts.put(key, {"content": content, "conclusion": conclusion,
                                  "speaker": self.speaker.currentText(), "speech": self.speech_text.text()})
        else:
            self.drafts.drop(key)

    def _row_changed(self, row: int) -> None:
        if row == self._row:
            return
        if self.section_dirty() and not self._leave_section():
            self.sections.blockSignals(True)
            self.sections.setCurrentRow(self._row)
            self.sections.blockSignals(False)
            return
        self._show_section(row)

    def _leave_section(self) -> bool:
        from handbook_desktop.ui.unsaved import BACK, SAVE, ask_unsaved

        answer = ask_unsaved(self, tr("Mục «{title}» của biên bản").format(title=self._section_title()))
        if answer == BACK:
            return False
        if answer == SAVE:
            if not self.save_section_now():
                return False
            self.editor.load()  # the list's ✓ and the saved text, read back
            return True
        self.discard_section()
        return True

    def _section_title(self) -> str:
        for item in (self.detail.agenda if self.detail else []):
            if item.uuid == self._shown_uuid:
                return f"{item.position}. {item.title}"
        return ""

    def _show_section(self, row: int, keep_text: bool = False) -> None:
        if self.detail is None or not 0 <= row < len(self.detail.agenda):
            return
        item = self.detail.agenda[row]
        self._row = row
        self.section_title.setText(f"{item.position}. {item.title}")
        same = keep_text and self._shown_uuid == item.uuid
        self._saved = (item.content or "", item.conclusion or "")
        key = self._draft_key(item.uuid)
        if not same:
            self._shown_uuid = item.uuid
            draft = self.drafts.get(key) if not self.editor.context.readonly else None
            self._restoring = True
            if draft and (not _same((draft.get("content", ""), draft.get("conclusion", "")), self._saved)
                          or draft.get("speech", "").strip()):
                self.content.setPlainText(draft.get("content", ""))
                self.conclusion.setPlainText(draft.get("conclusion", ""))
                if draft.get("speech"):
                    self.speaker.setEditText(draft.get("speaker", ""))
                    self.speech_text.setText(draft["speech"])
                self.draft_note.setText(tr("Đã khôi phục bản nháp chưa lưu của mục này. Bấm «Lưu mục này» để "
                                           "ghi vào biên bản."))
            else:
                self.content.setPlainText(self._saved[0])
                self.conclusion.setPlainText(self._saved[1])
                self.draft_note.clear()
                if draft:
                    self.drafts.drop(key)
            self._restoring = False
        elif not self.section_dirty():
            self.drafts.drop(key)
            self.draft_note.clear()
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

    def save_section_now(self) -> bool:
        """Save the shown item before leaving it (the question's «Lưu»): at once, so nothing is pending."""
        uuid = self._shown_uuid
        content, conclusion = self._section_state()
        if not _same((content, conclusion), self._saved):
            if not self.editor.apply_now(svc.update_agenda_item, uuid, content=content, conclusion=conclusion):
                return False
            self._saved = (unicodedata.normalize("NFC", content).strip(), clean(conclusion) or "")
        if self.speech_text.text().strip():
            speaker = self.speaker.currentText().strip()
            if not speaker:
                self.speaker.setFocus()
                self.speaker.lineEdit().setPlaceholderText(tr("Hãy chọn người phát biểu"))
                return False
            member_uuid = self.speaker.chosen_uuid()
            if not self.editor.apply_now(svc.add_speech, uuid, content=self.speech_text.text(),
                                         member_uuid=member_uuid, speaker_name=None if member_uuid else speaker):
                return False
            self._restoring = True
            self.speech_text.clear()
            self.speaker.setEditText("")
            self._restoring = False
        self.drafts.drop(self._draft_key(uuid))
        return True

    def discard_section(self) -> None:
        """The question's «Không lưu»: the typing is dropped, on purpose, and its draft with it."""
        if self._shown_uuid is None:
            return
        self.drafts.drop(self._draft_key(self._shown_uuid))
        self._restoring = True
        self.content.setPlainText(self._saved[0])
        self.conclusion.setPlainText(self._saved[1])
        self.speech_text.clear()
        self._restoring = False
        self.draft_note.clear()

    def save_now(self) -> bool:
        if self.section_dirty() and not self.save_section_now():
            return False
        if self.closing_dirty():
            if not self.editor.apply_now(svc.update_meeting, self.editor.uuid, **self._closing_values()):
                return False
            self._closing_saved = self._closing_sent = self._closing_state()
        return True

    def discard(self) -> None:
        self.discard_section()
        end_time, rating, votes, note = self._closing_saved
        self.end_time.setText(end_time)
        self.rating.setCurrentIndex(max(self.rating.findData(rating), 0))
        self.rating_votes.setText(votes)
        self.rating_note.setText(note)

    def add_speech(self) -> None:
        item = self._section()
        if item is None:
            return
        name = self.speaker.currentText().strip()
        member_uuid = self.speaker.chosen_uuid()
        text = self.speech_text.text()
        if not name or not text.strip():
            return
        self.speech_text.clear()
        self.speaker.setEditText("")
        self.editor.apply(svc.add_speech, item.uuid, content=text, member_uuid=member_uuid,
                          speaker_name=None if member_uuid else name)

    def _closing_values(self) -> dict:
        return {"end_time": self.end_time.text(), "quality_rating": self.rating.currentData(),
                "rating_votes": self.rating_votes.text(), "rating_note": self.rating_note.text()}

    def save_closing(self) -> None:
        self._closing_sent = self._closing_state()
        self.editor.apply(svc.update_meeting, self.editor.uuid, **self._closing_values())
