"""Quy tắc: every version of every rule the program reads, with its date, source and where it came
from; the committee adds a version (key, value, effective date, source, note), which travels down in
the next package (issue 15 §6)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from handbook_desktop.domain.text import to_check_text
from handbook_desktop.domain.dates import format_date
from handbook_desktop.services.rule_names import rule_title, stored_text, value_text
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.procedures.common import fill_table, make_table
from handbook_desktop.ui.pages.procedures.widgets import Field, FieldDialog, run_change, run_read


KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class RulesTab(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        self.context = page.context
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("Tìm quy tắc:")))
        self.filter = QLineEdit()
        self.filter.setObjectName("ruleFilter")
        self.filter.setPlaceholderText(tr("ví dụ: đảng phí, huy hiệu, 01-QĐ/TW"))
        self.filter.textChanged.connect(self._apply_filter)
        top.addWidget(self.filter, 1)
        self.only_check = QCheckBox(tr("Chỉ những quy tắc còn cần đối chiếu văn bản"))
        self.only_check.setObjectName("ruleOnlyCheck")
        self.only_check.toggled.connect(self._apply_filter)
        top.addWidget(self.only_check)
        layout.addLayout(top)
        note = QLabel(tr("Mỗi hồ sơ được xét theo phiên bản quy tắc có hiệu lực vào ngày của nó. Quy tắc do cấp "
                         "ủy ghi được gửi xuống các chi bộ trong gói đồng bộ tới."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = make_table("rulesTable", ["Quy tắc", "Từ ngày", "Giá trị", "Căn cứ", "Nơi ban hành", "Ghi chú"])
        # A long value (a list of bands) must not push the source out of sight: fixed width, full text on hover.
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        from handbook_desktop.ui.cells import scaled

        self.table.setColumnWidth(2, scaled(self.table, 260))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(tr("Ghi phiên bản quy tắc mới…"))
        self.add_button.setObjectName("addRule")
        self.add_button.setEnabled(not self.context.readonly)
        self.add_button.clicked.connect(self.add_rule)
        row.addWidget(self.add_button)
        self.message = QLabel("")
        self.message.setObjectName("rulesMessage")
        row.addWidget(self.message, 1)
        layout.addLayout(row)
        self._versions: list = []

    def refresh(self) -> None:
        from handbook_desktop.services.rules import rule_versions

        run_read(self.context, lambda session: rule_versions(session), self._show)

    def _show(self, versions) -> None:
        self._versions = versions
        self._apply_filter()

    def _apply_filter(self, *_args) -> None:
        from handbook_desktop.domain.text import fold

        needle = fold(self.filter.text().strip())
        rows = []
        for v in self._versions:
            if self.only_check.isChecked() and not v.check:
                continue
            # The rule's Vietnamese name and its value in words; the stored key and JSON on hover (what a
            # new version is typed like, and what the command line names).
            cells = [rule_title(v.key), format_date(v.effective_from), value_text(v.key, v.value),
                     to_check_text(v.source), v.origin, to_check_text(v.note)]
            if needle and needle not in fold(" ".join(cells + [v.key])):
                continue
            rows.append((v, cells, False))
        fill_table(self.table, [(f"{v.key}@{v.effective_from.isoformat()}", cells, flag) for v, cells, flag in rows])
        for r, (v, cells, _flag) in enumerate(rows):
            self.table.item(r, 0).setData(KEY_ROLE, v.key)
            self.table.item(r, 0).setToolTip(tr("Mã quy tắc: {key}").format(key=v.key))
            self.table.item(r, 2).setToolTip(tr("{text}\nGhi trong dữ liệu: {stored}").format(
                text=cells[2], stored=stored_text(v.value)))

    def add_rule(self) -> FieldDialog:
        from handbook_desktop.services.rules import add_rule

        actor = self.context.actor
        keys = sorted({v.key for v in self._versions})
        current = self.table.currentRow()
        chosen = self.table.item(current, 0).data(KEY_ROLE) if current >= 0 and self.table.item(current, 0) else None
        # the rule the secretary is looking at is the one most likely to get a new version
        fields = [Field("key", "Quy tắc", "choice", chosen or (keys[0] if keys else ""), [(rule_title(k), k) for k in keys]),
                  Field("value", "Giá trị (số, chữ hoặc JSON như các phiên bản trước)"),
                  Field("effective_from", "Có hiệu lực từ ngày", "date", self.page.today),
                  Field("source", "Căn cứ (số, ngày văn bản)"),
                  Field("note", "Ghi chú")]
        dialog = FieldDialog(self, tr("Phiên bản quy tắc mới"), fields, lambda v: None)

        def submit(values):
            def work(session):
                row = add_rule(session, actor, values["key"], values["value"] or "", values["effective_from"],
                               values["source"] or "", values["note"])
                return row.key, row.effective_from

            def done(result):
                key, day = result
                self.message.setText(tr("Đã ghi «{name}» từ {day}; sẽ gửi xuống trong gói đồng bộ tới.").format(
                    name=rule_title(key), day=format_date(day)))
                dialog.succeed(result)

            run_change(self.context, work, on_done=done, on_error=dialog.fail, what="rules")

        dialog.submit = submit
        dialog.submitted.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog
