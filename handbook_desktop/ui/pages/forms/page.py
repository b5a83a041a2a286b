"""The Biểu mẫu page: pick a form, pick whom it is for, export; edit a copy; check; see the register.

Exported files go to one folder the secretary can find again (``Văn bản đã xuất`` in the data
folder, changeable); after export the file can be opened with Word in one click.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QMessageBox, QPushButton, QSplitter, QTabWidget,
    QVBoxLayout, QWidget,
)

from handbook_desktop import paths
from handbook_desktop.domain.dates import format_date
from handbook_desktop.domain.text import fold
from handbook_desktop.services import forms
from handbook_desktop.services.forms.catalog import SCOPE_LABELS, SUBJECT_LABELS
from handbook_desktop.ui.branch_box import branch_box_for
from handbook_desktop.ui.errors import show_error
from handbook_desktop.ui.cells import full_text_tips, heading_tips, scaled
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.rows_table import ListModel, RowsList, RowsTable

UUID_ROLE = Qt.ItemDataRole.UserRole
MEETING_KINDS = {"regular": "thường kỳ", "thematic": "chuyên đề", "combined": "thường kỳ và chuyên đề",
                 "extraordinary": "bất thường"}


def _file_part(text: str) -> str:
    return re.sub(r'[<>:"/\\|?*]+', "_", text).strip() or "van-ban"


def load_page_data(database, committee: bool = False):
    """Members of the headcount, the register and the meetings (runs on the worker thread), each
    with its unit: at a committee they come from many branches (``(unit id, unit name)``). Each
    member comes as the list shows it — (uuid, name, label, unit id, folded name) — so that the
    filter only compares and picks (a committee's 50,000 labels and folded names are made here, not
    on the GUI thread at every keystroke or branch choice; issue 11 §3)."""
    from sqlalchemy import select

    from handbook_desktop.domain.states import MemberStatus
    from handbook_desktop.services.forms.build import current_member_rows
    from handbook_desktop.store.models import Unit

    statuses = {status.value: status.label for status in MemberStatus}
    with database.read() as session:
        units = {unit_id: (code, name) for unit_id, code, name in session.execute(
            select(Unit.id, Unit.code, Unit.name))}
        by_code = {code: (unit_id, name) for unit_id, (code, name) in units.items()}
        members = []
        for uuid, name, status, unit_id in current_member_rows(session):
            status = statuses.get(status, status)
            label = f"{name} — {status} — {units.get(unit_id, ('', ''))[1]}" if committee else f"{name} — {status}"
            members.append((uuid, name, label, unit_id, fold(name)))
        register = []  # (unit id of the issuer, the row's cells)
        for entry in forms.register(session):
            unit_id, unit_name = by_code.get(entry["issuer_unit"], (None, entry["issuer_unit"]))
            values = [entry["number_text"], format_date(entry["issued_on"]), entry["form_code"] or "",
                      entry["title"] or "", entry["concerns_label"] or "", format_date(entry["term_start"]),
                      entry["issued_by"]]
            if committee:
                values.insert(1, unit_name)
            register.append((unit_id, values))
        meetings = []  # (uuid, label, unit id); at a committee the label names the branch
        try:
            from handbook_desktop.services.meetings import list_meetings

            for m in list_meetings(session):
                label = f"{format_date(getattr(m, 'meeting_date', None))} — Sinh hoạt {MEETING_KINDS.get(m.kind, m.kind)}"
                unit_id, branch = by_code.get(m.unit_code, (None, m.unit_name))
                # meetings of two branches on the same day must not look identical
                meetings.append((m.uuid, f"{label} — {branch}" if committee else label, unit_id))
        except ImportError:  # the meetings area may be absent from this build
            meetings = []
    return members, register, meetings


class FormsPage(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.output_dir = paths.data_dir() / "Văn bản đã xuất"
        self.last_file: Path | None = None
        self.members: list[tuple] = []  # (uuid, name, label as listed, unit id, folded name)
        self.meetings: list[tuple] = []  # (uuid, label, unit id)
        self.register: list[tuple] = []  # (unit id of the issuer, cells)
        self.setObjectName("formsPage")
        layout = QVBoxLayout(self)
        title = QLabel(tr("Biểu mẫu"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        # At a committee the members, meetings and register mix every branch's: each names its
        # branch, and one branch or all can be chosen (issue 17 §0).
        self.branch_box = branch_box_for(context, self)
        if self.branch_box is not None:
            row = QHBoxLayout()
            row.addWidget(QLabel(tr("Chi bộ:")))
            row.addWidget(self.branch_box)
            row.addStretch(1)
            layout.addLayout(row)
            self.branch_box.currentIndexChanged.connect(lambda _i: self._fill_lists())
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_forms_tab(), tr("Biểu mẫu"))
        self.tabs.addTab(self._build_register_tab(), tr("Sổ văn bản đã ban hành"))
        from handbook_desktop.ui.pages.procedures.widgets import LazyRefresh

        # Every member goes into the picker: at a committee that is seconds, so only when the page
        # is seen, and after changes elsewhere only once it is seen again.
        self._lazy = LazyRefresh(self, {"member", "meeting", "document", "procedure", "all"}, release=self._release)
        self._lazy.first()

    def _release(self) -> bool:
        """Out of sight for a while at a committee: the lists go, read again when the page is shown."""
        from handbook_desktop.ui.pages.procedures.widgets import BIG_LIST

        if len(self.members) < BIG_LIST:
            return False
        self.members, self.register, self.meetings = [], [], []
        self.member_list.set_rows([])
        self.meeting_model.set_rows([])
        self.register_table.release()
        return True

    def refresh(self) -> None:
        self.reload()

    # --- layout --------------------------------------------------------------------------------
    def _build_forms_tab(self) -> QWidget:
        tab = QWidget()
        split = QSplitter(Qt.Orientation.Horizontal, tab)
        outer = QHBoxLayout(tab)
        outer.addWidget(split)
        self.form_list = QListWidget()
        self.form_list.setObjectName("formList")
        full_text_tips(self.form_list)  # «11-KNĐ — Bản nhận xét đảng viên dự bị (của …» whole on hover
        # A long title wraps onto a second line: the list scrolled sideways, every long title cut at its edge.
        self.form_list.setWordWrap(True)
        self.form_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.form_list.setMinimumWidth(scaled(self.form_list, 260))
        self.form_list.currentRowChanged.connect(self._on_form_selected)
        split.addWidget(self.form_list)

        right = QWidget()
        box = QVBoxLayout(right)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.details)

        self.member_box = QWidget()
        member_layout = QVBoxLayout(self.member_box)
        member_layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Lọc theo tên (không cần dấu)"))
        self.search.textChanged.connect(self._on_search)
        member_layout.addWidget(self.search)
        self.member_list = RowsList(text_at=2)  # a committee's 50,000 names: a model, not an item each
        self.member_list.setObjectName("memberList")
        member_layout.addWidget(self.member_list)
        box.addWidget(self.member_box)

        self.meeting_box = QComboBox()
        self.meeting_box.setObjectName("meetingBox")
        self.meeting_model = ListModel(self.meeting_box)  # a committee's meetings: thousands
        self.meeting_box.setModel(self.meeting_model)
        box.addWidget(self.meeting_box)

        options = FlowLayout()  # three ticks wrap on a narrow window (issue 11 §5)
        self.deputy = QCheckBox(tr("Phó Bí thư ký (K/T BÍ THƯ)"))
        self.pdf = QCheckBox(tr("Xuất thêm PDF"))
        self.pdf.setEnabled(forms.find_soffice() is not None)
        self.separate = QCheckBox(tr("Cả danh sách: mỗi người một tệp"))
        options.addWidget(self.deputy)
        options.addWidget(self.pdf)
        options.addWidget(self.separate)
        options.addStretch(1)
        box.addLayout(options)

        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.export_button = QPushButton(tr("Xuất Word"))
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.export_selected)
        self.batch_button = QPushButton(tr("Xuất cho cả danh sách đang lọc (một tệp)"))
        self.batch_button.clicked.connect(self.export_filtered)
        self.open_button = QPushButton(tr("Mở tệp vừa xuất"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_last)
        folder_button = QPushButton(tr("Thư mục lưu…"))
        folder_button.clicked.connect(self._choose_folder)
        for button in (self.export_button, self.batch_button, self.open_button, folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box.addLayout(buttons)

        template_buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.copy_button = QPushButton(tr("Sửa bản sao"))
        self.copy_button.setToolTip(tr("Chép mẫu vào thư mục mẫu riêng và mở bằng Word; bản sao được dùng thay mẫu gốc."))
        self.copy_button.clicked.connect(self.edit_copy)
        self.restore_button = QPushButton(tr("Dùng lại mẫu gốc"))
        self.restore_button.clicked.connect(self.use_builtin)
        self.check_button = QPushButton(tr("Kiểm tra mẫu"))
        self.check_button.clicked.connect(self.check_selected)
        for button in (self.copy_button, self.restore_button, self.check_button):
            template_buttons.addWidget(button)
        template_buttons.addStretch(1)
        box.addLayout(template_buttons)

        self.status = QLabel()
        self.status.setObjectName("formsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.status)
        box.addStretch(1)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        split.setSizes([430, 670])
        return tab

    def _build_register_tab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        note = QLabel(tr("Số văn bản được cấp khi xuất văn bản có số, theo từng loại (NQ, BB, BC…), đánh lại từ 01 "
                         "mỗi nhiệm kỳ cấp ủy; xuất lại cùng văn bản giữ nguyên số, số đã cấp không dùng lại."))
        note.setWordWrap(True)
        box.addWidget(note)
        headers = [tr("Số"), tr("Ngày"), tr("Mẫu"), tr("Tên văn bản"), tr("Về"), tr("Nhiệm kỳ từ"), tr("Người cấp số")]
        if self.branch_box is not None:
            headers.insert(1, tr("Đơn vị ban hành"))
        self.register_table = RowsTable(headers)
        self.register_table.setObjectName("registerTable")
        self.register_table.horizontalHeader().setSectionResizeMode(headers.index(tr("Tên văn bản")),
                                                                    QHeaderView.ResizeMode.Stretch)
        heading_tips(self.register_table)  # a narrow window cuts a heading
        full_text_tips(self.register_table)
        box.addWidget(self.register_table)
        return tab

    # --- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        current = self.form_list.currentRow()
        self.entries = forms.catalog()
        self.form_list.clear()
        for entry in self.entries:
            mark = tr(" (bản sao riêng)") if entry.has_user_copy else ""
            item = QListWidgetItem(f"{entry.code} — {entry.title}{mark}")
            item.setData(UUID_ROLE, entry.code)
            self.form_list.addItem(item)
        database = self.context.database  # the worker gets plain objects, never this widget
        committee = self.branch_box is not None
        self.context.runner.run(lambda _flag: load_page_data(database, committee), on_result=self._loaded,
                                on_error=lambda e: show_error(self, e))
        self.form_list.setCurrentRow(max(current, 0))

    def _loaded(self, result) -> None:
        self.members, self.register, self.meetings = result
        self._fill_lists()

    def _keeps(self, unit_id) -> bool:
        return self.branch_box is None or self.branch_box.keeps(unit_id)

    def _fill_lists(self) -> None:
        """The member list, the meetings and the register of the chosen branch (or all): rows made on
        the worker, picked here."""
        self._fill_members()
        self.meeting_model.set_rows([row for row in self.meetings if self._keeps(row[2])])
        if self.meeting_box.count() and self.meeting_box.currentIndex() < 0:
            self.meeting_box.setCurrentIndex(0)
        self.register_table.set_rows([(None, values, False) for unit_id, values in self.register
                                      if self._keeps(unit_id)])  # by the issuing unit

    @Slot(str)
    def _on_search(self, _text: str) -> None:
        self._fill_members()

    def _fill_members(self) -> None:
        """The members' own rows, picked: no text is made here (50,000 labels took 0.1 s a choice)."""
        wanted = fold(self.search.text())
        chosen = self.branch_box.unit_id() if self.branch_box is not None else None
        if not wanted and chosen is None:
            rows = list(self.members)
        else:
            rows = [row for row in self.members
                    if (not wanted or wanted in row[4]) and (chosen is None or row[3] == chosen)]
        self.member_list.set_rows(rows)
        if self.member_list.count():
            self.member_list.setCurrentRow(0)

    # --- selection -----------------------------------------------------------------------------
    def current_entry(self):
        row = self.form_list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    @Slot(int)
    def _on_form_selected(self, _row: int) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        numbered = tr("đánh số …-{0}/…").format(entry.doc_type) if entry.doc_type else tr("không đánh số")
        template = tr("bản sao riêng") if entry.has_user_copy else tr("mẫu gốc")
        self.details.setText(
            f"{entry.code} — {entry.title}\n"
            f"{tr('Về')}: {SUBJECT_LABELS.get(entry.subject, entry.subject)}; {tr('ký ban hành')}: "
            f"{SCOPE_LABELS.get(entry.scope, entry.scope)}; {numbered}; {tr('đang dùng')}: {template}.\n"
            f"{tr('Căn cứ')}: {entry.source}\n{tr('Lưu ý')}: {entry.notes}")
        self.member_box.setVisible(entry.subject in ("member", "list"))
        self.meeting_box.setVisible(entry.subject == "meeting")
        self.batch_button.setVisible(entry.subject in ("member", "list"))
        self.restore_button.setEnabled(entry.has_user_copy)

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn thư mục lưu văn bản"), str(self.output_dir))
        if folder:
            self.output_dir = Path(folder)

    # --- actions -------------------------------------------------------------------------------
    @Slot()
    def export_selected(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        options: dict = {"deputy": self.deputy.isChecked(), "on": date.today()}
        label = entry.code
        if entry.subject == "member":
            item = self.member_list.currentItem()
            if item is None:
                QMessageBox.information(self, tr("Biểu mẫu"), tr("Hãy chọn một đảng viên trong danh sách."))
                return
            options["member_uuid"] = item.data(UUID_ROLE)
            label += " " + item.text().split(" — ")[0]
        elif entry.subject == "meeting":
            if self.meeting_box.currentIndex() < 0:
                QMessageBox.information(self, tr("Biểu mẫu"), tr("Chưa có cuộc họp nào để lập văn bản."))
                return
            options["meeting_uuid"] = self.meeting_box.currentData()
            options.pop("on")
            label += " " + self.meeting_box.currentText().split(" — ")[0].replace("/", "-")
        elif entry.subject == "list" and entry.code == "DS-ĐV" and self.search.text().strip():
            options["member_uuids"] = self._filtered_uuids()
        out = self.output_dir / f"{_file_part(label)}.docx"
        want_pdf = self.pdf.isChecked()
        database, actor = self.context.database, self.context.actor

        def work(_flag):
            from handbook_desktop.services.forms.build import export_form

            path = export_form(database, actor, entry.code, out, **options)
            return (path, forms.export_pdf(path) if want_pdf else None)

        self.context.runner.run(work, on_result=self._exported, on_error=lambda e: show_error(self, e),
                                progress_title=tr("Đang xuất văn bản…"), parent=self)

    def _filtered_uuids(self) -> list[str]:
        return [self.member_list.item(i).data(UUID_ROLE) for i in range(self.member_list.count())]

    @Slot()
    def export_filtered(self) -> None:
        """One form for every member of the filtered list, merged into one file."""
        entry = self.current_entry()
        if entry is None:
            return
        uuids = self._filtered_uuids()
        if not uuids:
            QMessageBox.information(self, tr("Biểu mẫu"), tr("Danh sách đang lọc không có ai."))
            return
        if entry.subject == "list":
            self.export_selected()
            return
        merge = not self.separate.isChecked()
        stem = f"{_file_part(entry.code)} - {len(uuids)} đảng viên"
        out = self.output_dir / (f"{stem}.docx" if merge else stem)
        names = [f"{entry.code} {self.member_list.item(i).text().split(' — ')[0]}" for i in range(self.member_list.count())]
        database, actor, deputy = self.context.database, self.context.actor, self.deputy.isChecked()

        def work(flag):
            from handbook_desktop.services.forms.build import build_context

            contexts = []
            with database.immediate() as session:
                for uuid in uuids:
                    flag.check()
                    contexts.append(build_context(session, entry.code, actor=actor, member_uuid=uuid, deputy=deputy))
                margins = forms.margins_mm(session)
            path = yield from forms.render_batch(entry.code, contexts, out, margins=margins, flag=flag,
                                                 merge=merge, names=names)
            return (path, None)

        self.context.runner.run(work, on_result=self._exported, on_error=lambda e: show_error(self, e),
                                progress_title=tr("Đang xuất {0} văn bản…").format(len(uuids)), parent=self)

    @Slot()
    def open_last(self) -> None:
        if self.last_file is not None:
            forms.open_with_system(self.last_file)

    def _exported(self, result) -> None:
        path, pdf = result
        self.last_file = Path(pdf or path)
        self.open_button.setEnabled(True)
        self.status.setText(tr("Đã lưu: {0}").format(path) + (f"\n{tr('PDF')}: {pdf}" if pdf else ""))
        self.context.hub.changed.emit("document")

    @Slot()
    def edit_copy(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        try:
            copy = forms.make_user_copy(entry.code)
        except Exception as error:  # noqa: BLE001
            show_error(self, error)
            return
        opened = forms.open_with_system(copy)
        self.status.setText(tr("Bản sao của mẫu: {0}. Sửa bằng Word, lưu lại, rồi bấm «Kiểm tra mẫu».").format(copy)
                            + ("" if opened else tr(" (Không tự mở được Word: hãy mở tệp này.)")))
        self.reload()

    @Slot()
    def use_builtin(self) -> None:
        entry = self.current_entry()
        if entry is None or not entry.has_user_copy:
            return
        aside = forms.remove_user_copy(entry.code)
        self.status.setText(tr("Đã dùng lại mẫu gốc; bản sao được cất thành {0}.").format(aside))
        self.reload()

    @Slot()
    def check_selected(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        problems = forms.check_template(code=entry.code)
        if not problems:
            self.status.setText(tr("Mẫu {0}: không thấy lỗi.").format(entry.code))
            return
        lines = [("Lỗi — " if p.severity == "error" else "Lưu ý — ") + str(p) for p in problems]
        self.status.setText(tr("Mẫu {0}:").format(entry.code) + "\n" + "\n".join(lines))
