"""Documents of a meeting one click away (through the forms engine), attached files, amendments."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop import paths
from handbook_desktop.domain.dates import format_datetime
from handbook_desktop.domain.text import file_size
from handbook_desktop.services import meetings as svc
from handbook_desktop.services.meetings.documents import MEETING_FORMS, forms_for
from handbook_desktop.ui.errors import show_error
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr


def output_dir() -> Path:
    return paths.data_dir() / "Văn bản đã xuất"


def _file_part(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|]+', "-", text).strip()


class DocumentsTab(QWidget):
    def __init__(self, editor):
        super().__init__()
        self.editor = editor
        self.last_file: Path | None = None
        layout = QVBoxLayout(self)
        docs = QGroupBox(tr("Văn bản của buổi sinh hoạt (Word)"))
        rows = QVBoxLayout(docs)
        # the «Lập …» buttons wrap on a laptop at 125 % (issue 11 §5)
        self.doc_row = FlowLayout()
        self.draft_row = FlowLayout()
        rows.addLayout(self.doc_row)
        rows.addLayout(self.draft_row)
        self.doc_buttons: dict[str, QPushButton] = {}
        self.draft_buttons: dict[str, QPushButton] = {}
        self.draft_hint = QLabel(tr("Buổi sinh hoạt chưa diễn ra: chưa có biên bản, nghị quyết và chưa cấp số. "
                                    "Có thể in bản dự thảo (có chữ DỰ THẢO, không số, không vào sổ văn bản) "
                                    "để chuẩn bị."), objectName="draftHint", wordWrap=True)
        rows.addWidget(self.draft_hint)
        layout.addWidget(docs)
        self.status = QLabel()
        self.status.setObjectName("documentStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        files = QGroupBox(tr("Tài liệu kèm theo (được chép vào thư mục dữ liệu)"))
        files_layout = QVBoxLayout(files)
        self.attachments = QListWidget()
        self.attachments.setObjectName("attachmentList")
        self.attachments.itemActivated.connect(self._open_attachment)
        files_layout.addWidget(self.attachments)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("Thêm tài liệu…"))
        self.add_button.setObjectName("addAttachmentButton")
        self.add_button.clicked.connect(self._add_attachment)
        row.addWidget(self.add_button)
        row.addStretch(1)
        files_layout.addLayout(row)
        layout.addWidget(files)
        amend = QGroupBox(tr("Các lần đính chính sau khi chốt biên bản"))
        amend_layout = QVBoxLayout(amend)
        self.amendments = QTableWidget(0, 5)
        self.amendments.setObjectName("amendmentTable")
        self.amendments.setHorizontalHeaderLabels([tr("Thời điểm"), tr("Người sửa"), tr("Phần sửa"),
                                                   tr("Cũ → mới"), tr("Lý do")])
        self.amendments.verticalHeader().setVisible(False)
        self.amendments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.amendments.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        amend_layout.addWidget(self.amendments)
        layout.addWidget(amend, 1)

    def show_detail(self, detail, first: bool) -> None:
        codes = forms_for(detail.summary.kind)
        if list(self.doc_buttons) != codes:
            for button in self.doc_buttons.values():
                button.setParent(None)
            self.doc_buttons = {}
            for code in codes:
                button = QPushButton(tr("Lập {what} (Word)").format(what=tr(MEETING_FORMS[code]).lower()))
                button.setObjectName(f"doc_{code}")
                button.clicked.connect(lambda _=False, c=code: self.export(c))
                self.doc_row.addWidget(button)
                self.doc_buttons[code] = button
            for button in self.draft_buttons.values():
                button.setParent(None)
            self.draft_buttons = {}
            from handbook_desktop.services.forms import find_form

            for code in codes:
                if not find_form(code).doc_type:
                    continue  # the sign sheet is printed beforehand as it is: no draft of it
                button = QPushButton(tr("In dự thảo {what}").format(what=tr(MEETING_FORMS[code]).lower()))
                button.setObjectName(f"draft_{code}")
                button.clicked.connect(lambda _=False, c=code: self.export(c, draft=True))
                self.draft_row.addWidget(button)
                self.draft_buttons[code] = button
        planned = detail.summary.state == "planned"
        for code, button in self.draft_buttons.items():
            button.setVisible(planned)
            self.doc_buttons[code].setEnabled(not planned)  # no minutes, no number before the meeting
        self.draft_hint.setVisible(planned)
        self.attachments.clear()
        for attachment in detail.attachments:
            item = QListWidgetItem(f"{attachment.file_name} ({file_size(attachment.size)})")
            item.setData(256, attachment.stored_name)
            self.attachments.addItem(item)
        self.add_button.setEnabled(not self.editor.context.readonly)
        self.amendments.setRowCount(len(detail.amendments))
        for row, a in enumerate(detail.amendments):
            at = a.at.astimezone() if hasattr(a.at, "astimezone") else a.at
            values = [format_datetime(at), a.username, a.what, f"{a.old_value or '∅'} → {a.new_value or '∅'}", a.reason]
            for column, value in enumerate(values):
                self.amendments.setItem(row, column, QTableWidgetItem(value))

    def export(self, code: str, draft: bool = False) -> None:
        detail = self.editor.detail
        if detail is None:
            return
        from handbook_desktop.services.meetings.documents import export_meeting_document

        # A name a secretary can find again: what it is and the meeting's day (and hour, as two
        # meetings may share a day) — no internal code or hash.
        summary = detail.summary
        when = summary.meeting_date.strftime("%d-%m-%Y")
        if summary.start_time:
            when += " lúc " + summary.start_time.replace(":", "h")
        what = _file_part(MEETING_FORMS[code])
        out = output_dir() / (f"Dự thảo {what.lower()} ngày {when}.docx" if draft else f"{what} ngày {when}.docx")
        database, actor, uuid = self.editor.context.database, self.editor.context.actor, detail.uuid

        def work(_flag):
            return export_meeting_document(database, actor, uuid, code, out, draft=draft)

        def done(path):
            self.last_file = Path(path)
            self.status.setText(tr("Đã lưu: {path}").format(path=path))
            self.editor.context.hub.changed.emit("document")
            from handbook_desktop.services.forms import export as form_export

            if not getattr(self, "dont_open", False):
                form_export.open_with_system(path)

        self.editor.context.runner.run(work, on_result=done, on_error=lambda e: show_error(self, e),
                                       progress_title=tr("Đang lập văn bản…"), parent=self)

    def _add_attachment(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, tr("Chọn tài liệu của buổi sinh hoạt"))
        if file:
            self.editor.apply(svc.add_attachment, self.editor.uuid, file)

    def _open_attachment(self, item) -> None:
        from handbook_desktop.services.forms import export as form_export

        form_export.open_with_system(svc.attachment_path(item.data(256)))
