"""Small pieces shared by the procedure pages: date fields, a form dialog built from field specs,
running a change on the database worker, and opening a produced document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox,
    QVBoxLayout, QWidget,
)

from handbook_desktop.domain.dates import format_date, parse_date
from handbook_desktop.domain.text import DATE_PLACEHOLDER, money, number
from handbook_desktop.services.errors import UserError
from handbook_desktop.ui.i18n import tr
from handbook_desktop.ui.unsaved import AsksBeforeClosing
from handbook_desktop.ui.dialog_keys import KeyedDialog


def number_text(value: int | None) -> str:
    return number(value)


def money_text(value: int | None) -> str:
    return "" if value is None else money(value)


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy (what a secretary writes); checked when read."""

    def __init__(self, value: date | None = None, label: str = ""):
        super().__init__(format_date(value))
        self.label = label
        self.setPlaceholderText(DATE_PLACEHOLDER)
        self.setMaximumWidth(140)

    def value(self, required: bool = True) -> date | None:
        try:
            found = parse_date(self.text())
        except ValueError:
            raise UserError(f"{self.label}: ngày '{self.text()}' không hợp lệ, hãy viết ngày/tháng/năm, ví dụ 05/03/2026.") from None
        if found is None and required:
            raise UserError(f"Cần nhập {self.label.lower()}.")
        return found


@dataclass
class Field:
    key: str
    label: str
    kind: str = "text"  # text | date | optional_date | int | choice | member | check
    default: Any = None
    options: list[tuple[str, Any]] | None = None  # (label, value) for choice and member


class FieldDialog(AsksBeforeClosing, KeyedDialog, QDialog):
    """A dialog of labelled fields; OK calls ``submit(values)``; a refusal shows inside the dialog."""

    submitted = Signal(object)

    def __init__(self, parent: QWidget | None, title: str, fields: list[Field], submit: Callable[[dict], None],
                 intro: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("fieldDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(460)
        self.submit = submit
        self.widgets: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        if intro:
            note = QLabel(intro)
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a long label above its field, not cut
        for spec in fields:
            widget = self._make(spec)
            widget.setObjectName(spec.key)
            self.widgets[spec.key] = widget
            form.addRow(tr(spec.label), widget)
        layout.addLayout(form)
        self.fields = {spec.key: spec for spec in fields}
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Ghi"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Đóng"))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._refused = False  # the message on screen came from the action (the database), not the fields
        from handbook_desktop.ui.stale import clears_when_fixed

        clears_when_fixed(self, self.error, self._recheck)
        if any(spec.kind == "member" for spec in fields):
            self.setMinimumWidth(760)  # labels and a member's full name side by side
        self.adjustSize()
        self.remember_state()

    def save_unsaved(self) -> None:
        self._accept()

    def _make(self, spec: Field) -> QWidget:
        if spec.kind in ("date", "optional_date"):
            return DateField(spec.default, spec.label)
        if spec.kind == "int":
            box = QSpinBox()
            box.setRange(0, 1_000_000_000)
            box.setGroupSeparatorShown(True)
            box.setValue(int(spec.default or 0))
            return box
        if spec.kind == "check":
            box = QCheckBox()
            box.setChecked(bool(spec.default))
            return box
        if spec.kind in ("choice", "member"):
            options = spec.options or []
            many = spec.kind == "member" and bool(options) and len(options[0]) >= 3
            if spec.kind == "member":  # introducer, helper: any part of the name, diacritics or not
                from handbook_desktop.ui.member_picker import MemberPicker

                box = MemberPicker()
            else:
                box = QComboBox()
            if many:  # a committee's members, labels folded on the worker (label, value, folded…): one reset
                box.set_members(options)
            else:
                for label, value, *_folded in options:
                    box.addItem(label, value)
            if spec.default is not None:
                index = box.findData(spec.default)
                box.setCurrentIndex(max(index, 0) if spec.kind == "choice" else index)
            elif spec.kind == "member":
                box.setCurrentIndex(-1)
            # As wide as a usual choice, not as the longest (a rule's name, a namesake's tag): the dialog
            # was squeezed past a 1366×768 laptop at 125 %; the list opens as wide as its items.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(28)
            box.view().setMinimumWidth((_longest_width(box, options) if many else box.view().sizeHintForColumn(0)) + 24)
            if spec.kind == "member":
                box.setMinimumWidth(340)
                box.lineEdit().setCursorPosition(0)  # the name first, not the end of the line
            return box
        edit = QLineEdit(spec.default or "")
        return edit

    def values(self) -> dict:
        result = {}
        for key, widget in self.widgets.items():
            spec = self.fields[key]
            if spec.kind in ("date", "optional_date"):
                result[key] = widget.value(required=spec.kind == "date")
            elif spec.kind == "int":
                result[key] = widget.value()
            elif spec.kind == "check":
                result[key] = widget.isChecked()
            elif spec.kind in ("choice", "member"):
                value = widget.currentData() if widget.currentIndex() >= 0 else None
                if spec.kind == "member" and widget.currentIndex() >= 0 and widget.currentText() != widget.itemText(widget.currentIndex()):
                    value = None
                result[key] = value
            else:
                result[key] = widget.text().strip() or None
        return result

    def _recheck(self) -> str | None:
        try:
            self.values()
        except UserError as error:
            return str(error)
        return None if self._refused else ""

    def _accept(self) -> None:
        self._refused = False
        try:
            values = self.values()
        except UserError as error:
            self.error.setText(str(error))
            return
        self.error.setText("")
        self.submit(values)

    def fail(self, error: BaseException) -> None:
        from handbook_desktop.ui.errors import user_text

        self._refused = True
        self.error.setText(user_text(error))

    def succeed(self, result=None) -> None:
        self.submitted.emit(result)
        self.accept()


def _longest_width(box: QComboBox, options) -> int:
    """What ``sizeHintForColumn`` gives for a list of thousands, from its longest labels only (Qt
    measures every row: 45,000 introducers took half a second to open the dialog)."""
    from PySide6.QtWidgets import QStyle

    longest = sorted((entry[0] for entry in options), key=len, reverse=True)[:50]
    metrics = box.view().fontMetrics()
    margin = 2 * (box.view().style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, box.view()) + 1)
    return max((metrics.horizontalAdvance(text) for text in longest), default=0) + margin


def run_change(context, work: Callable, *, on_done: Callable | None = None, on_error: Callable | None = None,
               what: str = "member") -> None:
    """``work(session)`` in one write transaction on the database worker; announce the change."""

    def task(_flag):
        with context.database.immediate() as session:
            return work(session)

    def done(result):
        context.hub.changed.emit(what)
        if on_done is not None:
            on_done(result)

    context.runner.run(task, on_result=done, on_error=on_error)


def open_change_dialog(tab, title: str, fields: list[Field], call: Callable, intro: str = "") -> FieldDialog:
    """A form whose values go to ``call(session, values)`` in one write; the tab's page refreshes after."""
    dialog = FieldDialog(tab, title, fields, lambda values: None, intro)

    def submit(values):
        run_change(tab.context, lambda session: call(session, values), on_done=dialog.succeed, on_error=dialog.fail)

    dialog.submit = submit
    dialog.submitted.connect(lambda _r: tab.page.refresh())
    dialog.open()
    return dialog


def run_read(context, work: Callable, on_done: Callable) -> None:
    def task(_flag):
        with context.database.read() as session:
            return work(session)

    context.runner.run(task, on_result=on_done)


def documents_folder() -> Path:
    from handbook_desktop import paths

    folder = paths.data_dir() / "van-ban"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def document_path(code: str, who: str, on: date) -> Path:
    from handbook_desktop.domain.text import clean

    # Readable: the form's code, whom it is about (in Vietnamese, as written) and the day.
    who = re.sub(r'[<>:"/\\|?*]+', "-", clean(who) or "") or "danh sách"
    return documents_folder() / f"{code} {who} {on:%d-%m-%Y}.docx"


BIG_LIST = 5_000  # rows from which a hidden page lets its list go (a committee's, never a branch's)


class LazyRefresh(QObject):
    """Refresh a page after changes elsewhere only when it is seen, and once for a burst of changes.

    Every page shares one database worker: a hidden page recomputing its list after each change made
    on another page would make that page wait.

    ``release``: a page's way to let go of a committee's lists once it has been out of sight for
    ``RELEASE_AFTER_MS`` (it returns True if it let go of something); the page is then read again
    when it is next shown, as on its first showing (issue 18 §6: a window that had shown every page
    held each page's 50,000 rows).
    """

    RELEASE_AFTER_MS = 300_000  # five minutes out of sight

    def __init__(self, page: QWidget, kinds: set[str] | None = None, delay_ms: int = 250,
                 release: Callable[[], bool] | None = None):
        super().__init__(page)
        self.page = page
        self.kinds = kinds
        self.stale = False
        self.initial = False  # the page's first load is still to come (``first``)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._run)
        self.release = release
        self.release_timer = QTimer(self)
        self.release_timer.setSingleShot(True)
        self.release_timer.timeout.connect(self._release)
        page.installEventFilter(self)
        page.context.hub.changed.connect(self.changed)

    def first(self) -> None:
        """The page's first load: now if it is on screen, else when it is first shown — a
        committee's window would otherwise compute every hidden page's lists while starting."""
        self.stale = True
        self.initial = True
        if self.page.isVisible():
            self._run()

    def changed(self, what: str) -> None:
        if self.kinds is not None and what not in self.kinds:
            return
        self.stale = True
        if self.page.isVisible():
            self.timer.start()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.page and event.type() == QEvent.Type.Hide and self.release is not None:
            self.release_timer.start(self.RELEASE_AFTER_MS)
        if watched is self.page and event.type() == QEvent.Type.Show:
            self.release_timer.stop()
            if self.stale:
                if self.initial:
                    self._run()  # the first time (or after a release): no burst of changes to wait for
                else:
                    self.timer.start()
        return False

    def _release(self) -> None:
        if self.page.isVisible() or self.release is None:
            return
        if self.release():
            self.stale = self.initial = True

    def _run(self) -> None:
        if self.stale:
            self.stale = self.initial = False
            self.page.refresh()
