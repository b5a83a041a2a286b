"""The Sao lưu page: list of backups with what each holds and its verification; actions."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from handbook_desktop import paths
from handbook_desktop.services import backup as backups
from handbook_desktop.services.location import location_warnings
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages.audit.model import RowsModel
from handbook_desktop.ui.pages.backup.check_tab import DataCheckTab
from handbook_desktop.ui.pages.backup.common import ask_password, holds_text, size_text, verdict_text, when_text

COLUMNS = ["Thời điểm", "Lý do", "Dung lượng", "Nội dung", "Mã hóa", "Kiểm tra"]


class BackupsTab(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.backups: list = []
        layout = QVBoxLayout(self)
        self.warning = QLabel(objectName="warning")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        explain = QLabel(tr(
            "Chương trình tự sao lưu vào đầu mỗi ngày, khi đóng chương trình và trước mỗi lần nhập dữ liệu, "
            "nâng cấp hay khôi phục; giữ 7 bản hằng ngày, 4 bản hằng tuần, 12 bản hằng tháng. "
            "Mỗi bản đều được kiểm tra ngay sau khi tạo."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.folder = QLabel(objectName="folder")
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder)
        buttons = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.create_button = QPushButton(tr("Sao lưu ngay"), objectName="createBackup")
        self.encrypt = QCheckBox(tr("Mã hóa bằng mật khẩu"), objectName="encrypt")
        self.verify_button = QPushButton(tr("Kiểm tra lại bản đã chọn"), objectName="verifyBackup")
        self.restore_button = QPushButton(tr("Khôi phục bản đã chọn…"), objectName="restoreBackup")
        self.open_button = QPushButton(tr("Mở thư mục sao lưu"), objectName="openFolder")
        for widget in (self.create_button, self.encrypt, self.verify_button, self.restore_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)
        self.model = RowsModel([tr(c) for c in COLUMNS], self)
        self.table = QTableView(objectName="backupTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # «Nội dung» (the counts) takes what is left, «Kiểm tra» keeps its result whole: as the last,
        # stretched column it was squeezed to 32 px at 125 %.
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        from handbook_desktop.ui.cells import full_text_tips

        full_text_tips(self.table)  # a check's result cut on a narrow window: whole on hover
        layout.addWidget(self.table, 1)
        self.status = QLabel(objectName="status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        can_write = context.actor.can("write") and not context.database.readonly
        self.create_button.setEnabled(can_write)
        self.encrypt.setEnabled(can_write)
        self.restore_button.setEnabled(context.actor.can("restore") and not context.database.readonly)
        if not self.restore_button.isEnabled():
            self.restore_button.setToolTip(tr("Chỉ Bí thư (toàn quyền) được khôi phục dữ liệu."))
        self.create_button.clicked.connect(self.create_now)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.backups_dir()))))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.refresh()

    # ----- list
    def refresh(self) -> None:
        self.context.runner.run(lambda _flag: self._load(), on_result=self._show)

    def _load(self):
        database = self.context.database
        second = backups.create.configured_second_folder(database)
        warnings = location_warnings(database.file)
        missing = backups.second_folder_warning(second)
        if missing:
            warnings.append(missing)
        return backups.backups_of(database), warnings, second

    def _show(self, loaded) -> None:
        self.backups, warnings, second = loaded
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))
        where = tr("Thư mục sao lưu: {folder}").format(folder=paths.backups_dir())
        if second:
            where += "\n" + tr("Thư mục thứ hai (USB): {folder}").format(folder=second)
        else:
            where += "\n" + tr("Chưa đặt thư mục thứ hai (USB) — đặt trong trang Cài đặt.")
        self.folder.setText(where)
        texts, red = [], set()
        for row, info in enumerate(self.backups):
            texts.append([when_text(info.created_at), info.reason_label, size_text(info.size), holds_text(info),
                          tr("Có") if info.encrypted else tr("Không"), verdict_text(info)])
            if info.verified_ok is False:
                red.add((row, 5))
        self.model.set_rows(texts, list(self.backups), red=red)
        empty = tr("Chưa có bản sao lưu nào. Bấm 'Sao lưu ngay' để tạo bản đầu tiên.")
        if not self.backups:
            self.status.setText(empty)
        elif self.status.text() in {"", empty}:  # never "no backup yet" above a list of backups
            latest = max(self.backups, key=lambda info: info.created_at)
            self.status.setText(tr("Có {n} bản sao lưu; bản gần nhất lúc {when}.").format(
                n=len(self.backups), when=when_text(latest.created_at)))
        self._selection_changed()

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.verify_button.setEnabled(chosen)
        self.restore_button.setEnabled(chosen and self.context.actor.can("restore")
                                       and not self.context.database.readonly)

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.backups):
            return None
        return self.backups[rows[0].row()]

    # ----- actions
    def create_now(self) -> None:
        password = None
        if self.encrypt.isChecked():
            password = ask_password(self, tr("Mã hóa bản sao lưu"),
                                    tr("Mật khẩu sao lưu (ít nhất 8 ký tự; mất mật khẩu là mất bản sao):"))
            if password is None:
                return
            if len(password) < 8:
                QMessageBox.warning(self, tr("Mã hóa bản sao lưu"), tr("Mật khẩu sao lưu cần ít nhất 8 ký tự."))
                return
            again = ask_password(self, tr("Mã hóa bản sao lưu"), tr("Nhập lại mật khẩu sao lưu:"))
            if again != password:
                QMessageBox.warning(self, tr("Mã hóa bản sao lưu"), tr("Hai lần nhập mật khẩu không khớp."))
                return
        context = self.context
        self.status.setText(tr("Đang sao lưu…"))
        context.runner.run(
            lambda _flag: backups.create_backup(context.database, reason="manual", password=password,
                                                actor=context.actor),
            on_result=self._created, on_error=self._failed, progress_title=tr("Đang sao lưu"), parent=self)

    def _created(self, result) -> None:
        info = result.info
        text = tr("Đã sao lưu và kiểm tra: {name} ({holds}).").format(name=info.path.name, holds=holds_text(info))
        if result.second_copy:
            text += " " + tr("Đã chép sang thư mục thứ hai.")
        for warning in result.warnings:
            text += "\n" + warning
        self.status.setText(text)
        self.context.hub.changed.emit("backup")
        self.refresh()

    def _failed(self, error) -> None:
        from handbook_desktop.ui.errors import show_error, user_text

        self.status.setText(user_text(error))
        show_error(self, error)

    def verify_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        password = None
        if info.encrypted:
            password = ask_password(self, tr("Kiểm tra bản sao lưu"), tr("Mật khẩu sao lưu:"))
            if password is None:
                return
        self.context.runner.run(lambda _flag: backups.verify_backup(info, password=password),
                                on_result=self._verified, on_error=self._failed,
                                progress_title=tr("Đang kiểm tra bản sao lưu"), parent=self)

    def _verified(self, info) -> None:
        self.status.setText(tr("Bản sao lúc {when}: {verdict}").format(when=when_text(info.created_at),
                                                                       verdict=info.verify_message))
        self.refresh()

    def restore_selected(self):
        info = self.selected()
        if info is None:
            return None
        from handbook_desktop.ui.pages.backup.restore_dialog import RestoreDialog

        password = None
        if info.encrypted:
            password = ask_password(self, tr("Khôi phục"), tr("Mật khẩu sao lưu:"))
            if password is None:
                return None
        dialog = RestoreDialog(self.context, info, password, self)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog


class BackupPage(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.setObjectName("backupPage")
        layout = QVBoxLayout(self)
        title = QLabel(tr("Sao lưu và kiểm tra dữ liệu"), objectName="pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        self.backups_tab = BackupsTab(context)
        self.check_tab = DataCheckTab(context)
        self.tabs.addTab(self.backups_tab, tr("Bản sao lưu"))
        self.tabs.addTab(self.check_tab, tr("Kiểm tra dữ liệu"))
        layout.addWidget(self.tabs, 1)
        context.hub.changed.connect(self._changed)

    def _changed(self, what: str) -> None:
        if what in {"backup", "restore", "all"}:
            self.backups_tab.refresh()


__all__ = ["BackupPage", "os"]
