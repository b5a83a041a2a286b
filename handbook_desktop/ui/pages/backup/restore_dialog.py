"""Restore: show what the backup holds, say what will happen, do it, say how to undo."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from handbook_desktop.services import backup as backups
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.backup.common import size_text, when_text
from handbook_desktop.ui.dialog_keys import KeyedDialog


class RestoreDialog(KeyedDialog, QDialog):
    def __init__(self, context, info, password: str | None, parent=None):
        super().__init__(parent)
        self.context = context
        self.info = info
        self.password = password
        self.result_info = None
        self.setWindowTitle(tr("Khôi phục bản sao lưu"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.contents = QLabel(tr("Đang đọc bản sao lưu…"), objectName="contents")
        self.contents.setWordWrap(True)
        layout.addWidget(self.contents)
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        # A backup of another unit replaces this unit's records with theirs: said plainly, and the
        # restore button waits for a tick (issue 13, point 8).
        self.other_unit = QLabel(objectName="otherUnit")
        self.other_unit.setWordWrap(True)
        self.other_unit.setStyleSheet("color: #b00020; font-weight: bold")
        self.other_unit.hide()
        layout.addWidget(self.other_unit)
        self.confirm_other = QCheckBox(tr("Tôi biết đây là dữ liệu của đơn vị khác và vẫn muốn khôi phục"),
                                       objectName="confirmOtherUnit")
        self.confirm_other.hide()
        self.confirm_other.toggled.connect(lambda checked: self.restore_button.setEnabled(checked))
        layout.addWidget(self.confirm_other)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(tr("Khôi phục"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("confirmRestore")
        self.close_button = self.buttons.addButton(tr("Đóng"), QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        context.runner.run(lambda _flag: backups.inspect_backup(info, password=password),
                           on_result=self._inspected, on_error=self._failed)

    def _inspected(self, contents) -> None:
        info, counts = self.info, contents.counts
        lines = [
            tr("<b>Bản sao lúc {when}</b> — {reason}, {size}.").format(
                when=when_text(info.created_at), reason=info.reason_label, size=size_text(info.size)),
            tr("Đơn vị: {unit}. Gồm {members} hồ sơ đảng viên, {events} sự kiện, {meetings} cuộc họp, "
               "{audit} dòng nhật ký.").format(unit=contents.unit_code or "—", members=counts.get("member", 0),
                                             events=counts.get("member_event", 0),
                                             meetings=counts.get("meeting", 0), audit=counts.get("audit_log", 0)),
        ]
        if contents.schema_state == "newer":
            self.message.setText(backups.restore.newer_schema_message(contents.schema_version))
            self.message.setStyleSheet("color: #b00020")
            self.contents.setText("<br>".join(lines))
            return
        if contents.schema_state == "older":
            lines.append(tr("Bản sao từ phiên bản cũ hơn: sẽ được nâng cấp khi khôi phục."))
        lines.append("")
        lines.append(tr("Trước khi khôi phục, dữ liệu hiện tại được sao lưu tự động; sau đó toàn bộ dữ liệu "
                        "được thay bằng nội dung bản sao này. Những gì nhập sau thời điểm sao lưu sẽ không còn "
                        "(nhưng vẫn nằm trong bản sao tự động, có thể khôi phục lại)."))
        self.contents.setText("<br>".join(lines))
        foreign = backups.restore.other_unit(self.info, self.context.database.file, contents.unit_code) \
            if self.context.database.file is not None else None
        if foreign:
            self.other_unit.setText(foreign)
            self.other_unit.show()
            self.confirm_other.show()
        self.restore_button.setEnabled(not foreign)
        self.adjustSize()

    def _failed(self, error) -> None:
        from handbook_desktop.ui.errors import user_text

        self.message.setText(user_text(error))
        self.message.setStyleSheet("color: #b00020")
        self.restore_button.setEnabled(False)
        self.adjustSize()

    def restore(self) -> None:
        self.restore_button.setEnabled(False)
        self.close_button.setEnabled(False)
        context = self.context
        database = context.database
        context.runner.run(
            lambda _flag: backups.restore_backup(database.file, self.info, actor=context.actor,
                                                 password=self.password, database=database,
                                                 other_unit_ok=self.confirm_other.isChecked()),
            on_result=self._restored, on_error=self._restore_failed,
            progress_title=tr("Đang khôi phục"), parent=self)

    def _restored(self, result) -> None:
        self.result_info = result
        text = tr("Đã khôi phục và kiểm tra: {members} hồ sơ đảng viên.").format(
            members=result.counts.get("member", 0))
        if result.migrated_from:
            text += " " + tr("Dữ liệu đã được nâng cấp lên phiên bản hiện tại.")
        self.message.setText(text + "\n" + result.undo_hint)
        self.message.setStyleSheet("color: #1b5e20")
        self.close_button.setEnabled(True)
        self.adjustSize()
        self.context.hub.changed.emit("all")

    def _restore_failed(self, error) -> None:
        self._failed(error)
        self.message.setText(self.message.text() + "\n" + tr("Dữ liệu hiện tại giữ nguyên."))
        self.close_button.setEnabled(True)
