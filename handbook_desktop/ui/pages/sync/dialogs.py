"""Dialogs of the sync page: trusting a peer (fingerprint confirmation) and the import preview."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout,
)

from handbook_desktop.domain.text import number
from handbook_desktop.services.levels import level_label
from handbook_desktop.services.sync.merge import OUTCOME_LABELS
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.dialog_keys import KeyedDialog

OUTCOME_COLOURS = {"new": "#1b5e20", "changed": "#0d47a1", "deleted": "#6d4c41", "conflict": "#b71c1c",
                   "rejected": "#b71c1c", "unchanged": "#616161"}


def _level(code: str) -> str:
    return level_label(code)


def _show(value) -> str:
    if value is None or value == "":
        return tr("(trống)")
    return str(value)


class TrustDialog(KeyedDialog, QDialog):
    """Shows the peer's unit and fingerprint; OK only after the person ticks the confirmation."""

    def __init__(self, card: dict, parent=None):
        super().__init__(parent)
        self.setObjectName("trustDialog")
        self.setWindowTitle(tr("Tin cậy đơn vị"))
        self.card = card
        unit = card["unit"]
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(tr("Đơn vị:"), QLabel(f"{unit['name']} ({unit['code']})"))
        form.addRow(tr("Cấp:"), QLabel(_level(unit["level"])))
        if unit.get("parent_code"):
            form.addRow(tr("Cấp trên:"), QLabel(unit["parent_code"]))
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("Dấu vân tay (gọi điện cho đơn vị kia, cùng đọc từng nhóm số):")))
        self.fingerprint = QLabel(card["fingerprint"])
        self.fingerprint.setObjectName("fingerprint")
        font = QFont("monospace")
        font.setPointSize(16)
        font.setBold(True)
        self.fingerprint.setFont(font)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.fingerprint)
        self.confirm = QCheckBox(tr("Tôi đã đọc đối chiếu dấu vân tay qua điện thoại với đơn vị kia và khớp hoàn toàn"))
        self.confirm.setObjectName("confirmFingerprint")
        layout.addWidget(self.confirm)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("Tin cậy đơn vị này"))
        self.ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Hủy"))
        self.confirm.toggled.connect(self.ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


class PreviewDialog(KeyedDialog, QDialog):
    """The dry run: totals, then per table and per record what would happen; apply or cancel.

    CCCD and phone numbers are masked; ``reveal`` (given by the page) returns the same preview with them
    in full and audits the asking — the box to tick appears only when such a number changes."""

    def __init__(self, result: dict, parent=None, *, reveal=None, sender_label: str | None = None):
        super().__init__(parent)
        self.setObjectName("previewDialog")
        self.setWindowTitle(tr("Xem trước gói nhận"))
        self.resize(900, 600)
        self._masked, self._reveal_source, self._revealed = result, reveal, None
        layout = QVBoxLayout(self)
        package = result["package"]
        totals = result["totals"]
        heading = QLabel(tr("Gói số {n} từ {sender} — tạo lúc {at}").format(
            n=package["sequence"], sender=sender_label or tr("đơn vị {code}").format(code=package["sender"]),
            at=_when(package["created_at"])))
        heading.setObjectName("pageTitle")
        heading.setWordWrap(True)  # a branch's whole name is long
        layout.addWidget(heading)
        self.summary = QLabel(tr(
            "Tổng {total} bản ghi: {new} mới, {changed} thay đổi, {unchanged} không đổi, {deleted} xóa, "
            "{conflict} xung đột, {rejected} từ chối.").format(**totals))
        if result.get("status") == "refused":  # nothing will be written: say so first
            self.summary.setText(result["message"])
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setObjectName("previewTree")
        self.tree.setHeaderLabels([tr("Bản ghi"), tr("Kết quả"), tr("Chi tiết")])
        layout.addWidget(self.tree, 1)
        self.reveal = QCheckBox(tr("Hiện đầy đủ số CCCD, điện thoại (việc xem được ghi vào nhật ký)"),
                                objectName="reveal")
        sensitive = any(record.get("sensitive") for table in result["tables"] for record in table["records"])
        self.reveal.setVisible(sensitive and reveal is not None)
        self.reveal.toggled.connect(self._reveal_toggled)
        layout.addWidget(self.reveal)
        self._fill(result)
        note = QLabel(tr("Khi nhập, chương trình tự sao lưu cơ sở dữ liệu trước; nếu có lỗi, không có gì bị ghi."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox()
        self.apply_button = QPushButton(tr("Nhập vào cơ sở dữ liệu"))
        self.apply_button.setObjectName("applyButton")
        self.cancel_button = QPushButton(tr("Hủy, không nhập"))
        if result.get("status") == "refused":
            self.apply_button.setText(tr("Ghi nhận từ chối và tạo biên nhận"))
            note.setText(tr("Gói không được nhập: không bản ghi nào bị ghi. Biên nhận nêu từng bản ghi bị từ chối "
                            "để đơn vị gửi biết."))
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _fill(self, result: dict) -> None:
        from handbook_desktop.services.privacy import mask_text

        revealed = result is self._revealed
        self.tree.clear()
        for table in result["tables"]:
            counts = {OUTCOME_LABELS[outcome]: count for outcome, count in table["totals"].items()}
            parent_item = QTreeWidgetItem([f"{table['label']} ({number(table['count'])})",
                                           ", ".join(f"{k}: {number(v)}" for k, v in counts.items()), ""])
            self.tree.addTopLevelItem(parent_item)
            for record in table["records"]:
                detail = record["reason"] or ""
                if record["changes"]:
                    detail = "; ".join(f"{c['field_label']}: {_show(c['old'])} → {_show(c['new'])}"
                                       for c in record["changes"]) + (f" ({detail})" if detail else "")
                if record["conflicts"]:
                    detail = "; ".join(f"{c['field_label']}: của mình {_show(c['ours'])}, của đơn vị gửi "
                                       f"{_show(c['theirs'])}" for c in record["conflicts"])
                if not revealed:  # a number in a reason or a label is masked too, whatever put it there
                    detail = mask_text(detail)
                label = record["label"] if revealed else mask_text(record["label"])
                item = QTreeWidgetItem([label, record["outcome_label"], detail])
                item.setForeground(1, _brush(record["outcome"]))
                item.setToolTip(0, label)
                item.setToolTip(2, detail)
                parent_item.addChild(item)
            if table.get("left_off"):  # a whole committee's package: the totals above count them all
                parent_item.addChild(QTreeWidgetItem([tr("… và {n} bản ghi khác (đã tính trong tổng ở trên)").format(
                    n=number(table["left_off"])), "", ""]))
            parent_item.setExpanded(table["table"] == "member" or len(table["records"]) <= 20)
        self._size_columns()

    def _size_columns(self) -> None:
        """«Bản ghi» and «Kết quả» as wide as their texts (the font's, so large text too), «Bản ghi» at most
        about 40 % of the dialog; «Chi tiết» takes the rest, a cut detail whole on hover (its tooltip)."""
        for column in (0, 1):
            self.tree.resizeColumnToContents(column)
        cap = max(int(self.width() * 0.4), self.tree.fontMetrics().horizontalAdvance("M") * 16)
        if self.tree.columnWidth(0) > cap:
            self.tree.setColumnWidth(0, cap)
    def _reveal_toggled(self, checked: bool) -> None:
        if checked and self._revealed is None and self._reveal_source is not None:
            self._revealed = self._reveal_source()  # audited by the page
        self._fill(self._revealed if checked and self._revealed is not None else self._masked)


def _brush(outcome: str):
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(OUTCOME_COLOURS.get(outcome, "#000000")))


def _when(value) -> str:
    from datetime import datetime

    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.astimezone().strftime("%d/%m/%Y %H:%M")
