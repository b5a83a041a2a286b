"""Đồng bộ: identity and trusted units, sending packages (outbox), receiving them with a preview
(inbox, held packages), and the conflicts queue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel,
    QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from handbook_desktop.services.sync.status import inbox_rows, outbox_rows, sync_status
from handbook_desktop.ui.flow_layout import FlowLayout
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.pages import PageSpec
from handbook_desktop.ui.pages.sync.conflicts import ConflictsTab
from handbook_desktop.ui.pages.sync.dialogs import PreviewDialog, TrustDialog, _when

KIND_LABELS = {"changes": "Thay đổi", "full": "Toàn bộ", "decisions": "Quyết định", "receipt": "Biên nhận",
               "rules": "Quy định"}
FILTER = "Gói đồng bộ (*.hbsync)"


def _table(columns: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels([tr(c) for c in columns])
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[tuple]) -> None:
    table.setRowCount(len(rows))
    for index, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(index, column, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


class SyncPage(QWidget):
    def __init__(self, context):
        super().__init__()
        self.context = context
        self.setObjectName("syncPage")
        self._keyring = None
        self.preview_dialog: PreviewDialog | None = None
        self.last_message = ""
        layout = QVBoxLayout(self)
        title = QLabel(tr("Đồng bộ"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.message = QLabel()  # what was just done, above the tabs so it shows on every tab
        self.message.setObjectName("syncMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_identity()
        self._build_send()
        self._build_receive()
        self.conflicts = ConflictsTab(context)
        self.tabs.addTab(self.conflicts, tr("Xung đột"))
        context.hub.changed.connect(lambda _what: self.refresh())
        self.refresh()

    # --- tabs ---------------------------------------------------------------------------------

    def _build_identity(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.identity = QLabel()
        self.identity.setObjectName("identityLabel")
        self.identity.setWordWrap(True)
        layout.addWidget(self.identity)
        row = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        self.save_card = QPushButton(tr("Lưu thẻ định danh của đơn vị mình…"))
        self.trust_button = QPushButton(tr("Tin cậy thẻ định danh của đơn vị khác…"))
        self.trust_button.setObjectName("trustButton")
        self.revoke_button = QPushButton(tr("Thu hồi khóa của đơn vị đã chọn…"))
        self.revoke_button.setObjectName("revokeButton")
        row.addWidget(self.save_card)
        row.addWidget(self.trust_button)
        row.addWidget(self.revoke_button)
        self.repair_button = QPushButton(tr("Kiểm tra cây đơn vị…"))
        self.repair_button.setObjectName("repairButton")
        self.repair_button.setToolTip(tr("Tìm vòng lặp trong cây đơn vị và thẻ định danh mạo danh mà phiên bản cũ "
                                         "để lọt; xem trước rồi mới sửa"))
        row.addWidget(self.repair_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.identity_help = QLabel(tr(
            "Thẻ định danh là tệp nhỏ mang tên đơn vị và khóa công khai của đơn vị: gửi thẻ của mình cho đơn vị "
            "kia (USB, thư), nhận thẻ của họ và bấm 'Tin cậy'. Dấu vân tay là 8 nhóm, mỗi nhóm 5 chữ số, tóm tắt "
            "khóa ghi trong thẻ: thẻ bị đánh tráo thì dấu vân tay khác ngay. Cách so: gọi điện tới số điện thoại "
            "đã biết từ trước (không dùng số ghi kèm thẻ), một bên đọc lần lượt từng nhóm số, bên kia nhìn màn "
            "hình của mình và xác nhận từng nhóm; chỉ cần một chữ số khác là không tin cậy và báo cấp ủy."),
            objectName="identityHelp", wordWrap=True)
        layout.addWidget(self.identity_help)
        layout.addWidget(QLabel(tr("Các đơn vị đã tin cậy:")))
        self.peers = _table(("Mã", "Tên đơn vị", "Quan hệ", "Dấu vân tay", "Gói đã gửi", "Đã nhận đến gói",
                             "Gói đang giữ"), "peersTable")
        layout.addWidget(self.peers, 1)
        self.save_card.clicked.connect(self._ask_save_card)
        self.trust_button.clicked.connect(self._ask_trust)
        self.save_card.setEnabled(self.context.actor.can("keys"))
        self.trust_button.setEnabled(self.context.actor.can("keys"))
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.revoke_button.setEnabled(self.context.actor.can("keys") and not self.context.readonly)
        self.repair_button.clicked.connect(self.ask_repair)
        self.repair_button.setEnabled(self.context.actor.can("keys") and not self.context.readonly)
        self.tabs.addTab(tab, tr("Đơn vị và khóa"))

    def _build_send(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = FlowLayout()  # wraps on a narrow window (issue 11 §5)
        row.addWidget(QLabel(tr("Gửi cho:")))
        self.peer_combo = QComboBox()
        self.peer_combo.setObjectName("peerCombo")
        self.peer_combo.setMinimumWidth(320)
        self.peer_combo.setToolTip(tr("Đơn vị nhận gói: chi bộ gửi lên đảng ủy cấp trên, đảng ủy gửi xuống chi bộ."))
        row.addWidget(self.peer_combo)
        self.full = QCheckBox(tr("Gửi toàn bộ dữ liệu (không chỉ phần thay đổi)"))
        row.addWidget(self.full)
        self.export_button = QPushButton(tr("Tạo gói gửi…"))
        self.export_button.setObjectName("exportButton")
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.send_help = QLabel(tr(
            "Gửi cho: chọn đơn vị sẽ nhận gói. Chi bộ chọn đảng ủy cấp trên của mình; đảng ủy chọn chi bộ cần nhận "
            "quyết định hay quy định. Danh sách chỉ có các đơn vị đã tin cậy ở thẻ 'Đơn vị và khóa'. Gói chỉ mở "
            "được ở đơn vị nhận. Đánh dấu 'Gửi toàn bộ dữ liệu' khi gửi lần đầu hoặc khi cấp trên đề nghị gửi lại đủ."),
            objectName="sendHelp", wordWrap=True)
        layout.addWidget(self.send_help)
        layout.addWidget(QLabel(tr("Các gói đã gửi (gói chưa có biên nhận sẽ được gửi lại phần thay đổi trong gói sau):")))
        self.outbox = _table(("Ngày tạo", "Gửi cho", "Số", "Loại", "Số bản ghi", "Biên nhận", "Bị từ chối"),
                             "outboxTable")
        layout.addWidget(self.outbox, 1)
        again = QHBoxLayout()
        self.reexport_button = QPushButton(tr("Ghi lại gói đã chọn ra tệp (khi gói bị thất lạc)…"))
        again.addWidget(self.reexport_button)
        again.addStretch(1)
        layout.addLayout(again)
        self.export_button.clicked.connect(self._ask_export)
        self.reexport_button.clicked.connect(self._ask_reexport)
        self.export_button.setEnabled(not self.context.readonly)
        self.tabs.addTab(tab, tr("Gửi gói"))

    def _build_receive(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.import_button = QPushButton(tr("Nhận gói từ tệp…"))
        self.import_button.setObjectName("importButton")
        row.addWidget(self.import_button)
        self.receive_note = QLabel(tr("Mỗi gói được kiểm tra chữ ký và xem trước trước khi nhập."))
        row.addWidget(self.receive_note)
        row.addStretch(1)
        layout.addLayout(row)
        self.inbox = _table(("Nhận lúc", "Từ đơn vị", "Số", "Loại", "Trạng thái", "Kết quả"), "inboxTable")
        layout.addWidget(self.inbox, 1)
        self.import_button.clicked.connect(self._ask_import)
        self.import_button.setEnabled(not self.context.readonly)
        self.tabs.addTab(tab, tr("Nhận gói"))

    # --- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        database = self.context.database
        self.context.runner.run(
            lambda _flag: (sync_status(database), outbox_rows(database), inbox_rows(database)), on_result=self._show)
        self.conflicts.refresh()

    def _show(self, result) -> None:
        status, outbox, inbox = result
        self.identity.setText(tr(
            "Đơn vị: {name} ({code})\nDấu vân tay của đơn vị mình: {fp}\nKhi đơn vị kia nhận thẻ định danh của "
            "mình, hãy đọc dãy số này cho họ qua điện thoại để họ so với dãy hiện trên máy của họ.").format(
                name=status["unit_name"], code=status["unit_code"], fp=status["fingerprint"] or tr("(chưa có khóa)")))
        _fill(self.peers, [(p["unit_code"], p["unit_name"], p["relation_label"], p["fingerprint"], p["sent"],
                            p["last_received"] or "", ", ".join(map(str, p["held"]))) for p in status["peers"]])
        current = self.peer_combo.currentData()
        self.peer_combo.clear()
        for peer in status["peers"]:
            self.peer_combo.addItem(f"{peer['unit_name']} ({peer['unit_code']})", peer["unit_code"])
        if current:
            index = self.peer_combo.findData(current)
            if index >= 0:
                self.peer_combo.setCurrentIndex(index)
        self.outbox_data = outbox
        _fill(self.outbox, [(_when(r["created_at"]), r["peer"], r["sequence"] or "", KIND_LABELS.get(r["kind"], r["kind"]),
                             r["records"], _when(r["acknowledged_at"]) if r["acknowledged_at"] else
                             (tr("chưa có") if r["kind"] != "receipt" else ""),
                             (r["result"] or {}).get("totals", {}).get("rejected", "")) for r in outbox])
        states = {"applied": tr("Đã nhập"), "held": tr("Đang giữ (chờ gói trước)"),
                  "refused": tr("Bị từ chối toàn bộ (ngoài phạm vi đơn vị gửi)"),
                  "revoked": tr("Bỏ qua (khóa đã bị thu hồi)")}
        _fill(self.inbox, [(_when(r["received_at"]), r["peer"], r["sequence"] or "", KIND_LABELS.get(r["kind"], r["kind"]),
                            states.get(r["status"], r["status"]), _result_text(r["result"])) for r in inbox])
        self.tabs.setTabText(3, tr("Xung đột ({n})").format(n=status["open_conflicts"]) if status["open_conflicts"]
                             else tr("Xung đột"))

    # --- keys ---------------------------------------------------------------------------------

    def keyring(self):
        """Our private keys, opened once per session with the administrator's password."""
        if self._keyring is not None:
            return self._keyring
        from handbook_desktop import paths
        from handbook_desktop.services.auth import DEMO_PASSWORD
        from handbook_desktop.services.errors import UserError
        from handbook_desktop.services.sync.keys import unlock

        database = self.context.database
        if database.file is not None and database.file.resolve() == paths.demo_database().resolve():
            self._keyring = unlock(database, DEMO_PASSWORD)
            return self._keyring
        password, ok = QInputDialog.getText(self, tr("Mở khóa đồng bộ"),
                                            tr("Mật khẩu quản trị viên (để ký và mở gói):"), QLineEdit.EchoMode.Password)
        if not ok:
            raise UserError(tr("Chưa nhập mật khẩu: không làm gì."))
        self._keyring = unlock(database, password)
        return self._keyring

    def set_keyring(self, keyring) -> None:
        self._keyring = keyring

    def _guard(self, work) -> None:
        from handbook_desktop.ui.errors import show_error

        try:
            work()
        except Exception as error:  # noqa: BLE001 - the user sees one sentence; bugs go to the log
            show_error(self, error)

    # --- actions ------------------------------------------------------------------------------

    def _ask_save_card(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Lưu thẻ định danh"), f"the-dinh-danh-{self.context.home_code}.json",
                                              "Thẻ định danh (*.json)")
        if path:
            self._guard(lambda: self.save_card_to(Path(path)))

    def save_card_to(self, path: Path) -> dict:
        from handbook_desktop.services.sync.keys import write_identity_card

        card = write_identity_card(self.context.database, self.keyring(), path)
        self.message.setText(tr("Đã lưu thẻ định danh vào {path}.").format(path=path))
        return card

    def _ask_trust(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Chọn thẻ định danh của đơn vị kia"), "", "Thẻ định danh (*.json)")
        if path:
            self._guard(lambda: self.trust_file(Path(path)))

    def trust_file(self, path: Path) -> TrustDialog:
        from handbook_desktop.services.sync.keys import read_identity_card, trust_card

        card = read_identity_card(path)
        dialog = TrustDialog(card, self)
        self.trust_dialog = dialog

        def accepted() -> None:
            from handbook_desktop.services.sync.trust import NeedsReEnrol

            try:
                trust_card(self.context.database, self.context.actor, card, card["fingerprint"])
            except NeedsReEnrol as error:
                self._offer_re_enrol(card, str(error))
                return
            except Exception as error:  # noqa: BLE001 - one sentence for the user
                from handbook_desktop.ui.errors import show_error

                show_error(self, error)
                return
            self.context.hub.changed.emit("unit")

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def _offer_re_enrol(self, card: dict, reason: str) -> QMessageBox:
        """A known unit shows a key its old key did not hand over: only a person may re-enrol it."""
        from handbook_desktop.services.sync.keys import trust_card

        box = QMessageBox(QMessageBox.Icon.Warning, tr("Đăng ký lại đơn vị"), reason + "\n\n" + tr(
            "Nếu đơn vị {code} đã mất khóa và anh/chị vừa gọi điện so đúng dấu vân tay, có thể đăng ký lại: mọi khóa "
            "cũ của đơn vị đó bị thu hồi.").format(code=card["unit"]["code"]), parent=self)
        box.setObjectName("reEnrolBox")
        yes = box.addButton(tr("Đăng ký lại với khóa mới"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Hủy"), QMessageBox.ButtonRole.RejectRole)

        def chosen(button) -> None:
            if button is yes:
                self._guard(lambda: trust_card(self.context.database, self.context.actor, card, card["fingerprint"],
                                               re_enrol=True))
                self.message.setText(tr("Đã đăng ký lại {code}: các khóa cũ đã bị thu hồi.").format(
                    code=card["unit"]["code"]))
                self.context.hub.changed.emit("unit")

        box.buttonClicked.connect(chosen)
        self.re_enrol_box = box
        box.open()
        return box

    def ask_repair(self) -> QMessageBox:
        from handbook_desktop.ui.pages.sync.repair import ask_repair

        self.repair_box = ask_repair(self)
        return self.repair_box

    def ask_revoke(self) -> QMessageBox | None:
        """Stop trusting the selected unit's keys, after a confirmation (audited)."""
        indexes = self.peers.selectionModel().selectedRows()
        if not indexes:
            self.message.setText(tr("Hãy chọn đơn vị trong danh sách trước."))
            return None
        code = self.peers.item(indexes[0].row(), 0).text()
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Thu hồi khóa"), tr(
            "Thu hồi mọi khóa của đơn vị {code}? Sau đó không nhận gói nào đơn vị đó đã ký bằng các khóa này; muốn "
            "trao đổi lại, đơn vị đó phải gửi thẻ định danh mới để đăng ký lại.").format(code=code), parent=self)
        box.setObjectName("revokeBox")
        yes = box.addButton(tr("Thu hồi"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(tr("Hủy"), QMessageBox.ButtonRole.RejectRole)

        def chosen(button) -> None:
            if button is not yes:
                return
            from handbook_desktop.services.sync.trust import revoke

            def work() -> None:
                keys = revoke(self.context.database, self.context.actor, code)
                self.message.setText(tr("Đã thu hồi {n} khóa của đơn vị {code}.").format(n=len(keys), code=code))
                self.context.hub.changed.emit("sync")

            self._guard(work)

        box.buttonClicked.connect(chosen)
        self.revoke_box = box
        box.open()
        return box

    def _ask_export(self) -> None:
        code = self.peer_combo.currentData()
        if not code:
            QMessageBox.information(self, tr("Gửi gói"), tr("Chưa tin cậy đơn vị nào: hãy tin cậy thẻ định danh trước."))
            return
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn nơi lưu gói (ví dụ USB)"))
        if folder:
            self._guard(lambda: self.export_to(code, Path(folder), full=self.full.isChecked()))

    def export_to(self, code: str, folder: Path, *, full: bool = False) -> None:
        from handbook_desktop.services.sync.exchange import export_package

        keyring = self.keyring()

        def done(result) -> None:
            target = folder / result.file_name
            target.write_bytes(result.data)
            self.message.setText(tr("Đã tạo gói số {n} gửi {to} ({count} bản ghi): {path}").format(
                n=result.sequence, to=result.recipient, count=sum(result.counts.values()), path=target))
            self.context.hub.changed.emit("sync")

        self.message.setText(tr("Đang tạo gói, xin chờ…"))
        self.context.runner.run(
            lambda _flag: export_package(self.context.database, self.context.actor, keyring, code, full=full),
            on_result=done, parent=self)

    def _ask_reexport(self) -> None:
        indexes = self.outbox.selectionModel().selectedRows()
        if not indexes:
            return
        row = self.outbox_data[indexes[0].row()]
        folder = QFileDialog.getExistingDirectory(self, tr("Chọn nơi ghi lại gói"))
        if folder:
            from handbook_desktop.services.sync.exchange import reexport

            def write() -> None:
                result = reexport(self.context.database, row["package_id"])
                (Path(folder) / result.file_name).write_bytes(result.data)
                self.message.setText(tr("Đã ghi lại gói số {n}: {name}").format(n=result.sequence, name=result.file_name))

            self._guard(write)

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Chọn gói nhận"), "", tr(FILTER))
        if path:
            self._guard(lambda: self.import_file(Path(path)))

    def import_file(self, path: Path) -> None:
        """Check and preview on the worker; the preview dialog then applies or cancels."""
        from handbook_desktop.services.sync.importer import preview

        data = path.read_bytes()
        keyring = self.keyring()

        def previewed(result) -> None:
            if result.status == "refused" and result.plans:  # outside its sender's scope: show each row
                self.preview_dialog = PreviewDialog(result.public(), self, reveal=lambda: revealed(result),
                                                    sender_label=sender_label(result))
                self.preview_dialog.accepted.connect(lambda: self._apply(path, data, keyring))
                self.preview_dialog.rejected.connect(lambda: self.message.setText(tr("Đã hủy: không nhập gì.")))
                self.preview_dialog.open()
                return
            if result.status != "dry_run" or not result.plans:
                if result.status == "dry_run":  # a receipt: nothing to preview, apply at once
                    self._apply(path, data, keyring)
                    return
                self.message.setText(result.message)
                return
            self.preview_dialog = PreviewDialog(result.public(), self, reveal=lambda: revealed(result),
                                            sender_label=sender_label(result))
            self.preview_dialog.accepted.connect(lambda: self._apply(path, data, keyring))
            self.preview_dialog.rejected.connect(lambda: self.message.setText(tr("Đã hủy: không nhập gì.")))
            self.preview_dialog.open()

        def sender_label(result) -> str | None:
            """The sender as the «Gửi cho» box names it: «Chi bộ … (CB-001)»."""
            index = self.peer_combo.findData(result.manifest.get("sender"))
            return self.peer_combo.itemText(index) if index >= 0 else None

        def revealed(result) -> dict:
            """The person asked to see CCCD and phone in full: audited (who, where, which package)."""
            from handbook_desktop.services.privacy import record_reveal

            record_reveal(self.context.database, self.context.actor, "sync_preview",
                          {"file": path.name, "package": result.manifest.get("package_id")})
            return result.public(reveal=True)

        self.context.runner.run(lambda _flag: preview(self.context.database, keyring, data), on_result=previewed,
                                parent=self)

    def _apply(self, path: Path, data: bytes, keyring) -> None:
        from handbook_desktop.services.sync.importer import import_package

        def done(result) -> None:
            text = result.message
            for receipt in result.receipts:
                target = path.parent / receipt.file_name
                target.write_bytes(receipt.data)
                text += " " + tr("Hãy gửi tệp biên nhận này lại cho đơn vị {to}: {path}").format(
                    to=receipt.recipient, path=target)
            if result.receipt_summary and result.receipt_summary["rejected"]:
                reasons = {item["reason"] for item in result.receipt_summary["rejected"]}
                text += " " + tr("Lý do từ chối: {r}").format(r="; ".join(sorted(r for r in reasons if r)))
            self.import_button.setEnabled(True)
            self.message.setText(text)
            self.last_message = text
            for what in ("member", "meeting", "unit", "sync"):
                self.context.hub.changed.emit(what)

        def failed(error) -> None:
            from handbook_desktop.ui.errors import show_error

            self.import_button.setEnabled(True)
            self.message.setText(tr("Không nhập được gói: không có gì bị ghi."))
            show_error(self, error)

        # No progress dialog: the runner's progress dialog crashed now and then (reported); the page
        # says what it is doing instead, and one package takes about a second.
        self.message.setText(tr("Đang sao lưu và nhập gói, xin chờ…"))
        self.import_button.setEnabled(False)
        self.context.runner.run(
            lambda _flag: import_package(self.context.database, self.context.actor, keyring, data),
            on_result=done, on_error=failed, parent=self)


def _result_text(result) -> str:
    if not result:
        return ""
    if "totals" in result:
        result = result["totals"]
    return tr("{new} mới, {changed} thay đổi, {conflict} xung đột, {rejected} từ chối").format(
        **{key: result.get(key, 0) for key in ("new", "changed", "conflict", "rejected")})


PAGE = PageSpec(key="sync", title="Đồng bộ", order=80, factory=SyncPage)
