"""A member picker (chair, secretary, presenter, speaker, introducer): type any part of a name, with or
without diacritics ("nguyen van an" finds "Nguyễn Văn An"), and namesakes are told apart by birth year
and party position ("Nguyễn Văn An (sinh 1958, Bí thư)"). Folding is ``domain.text.fold``, the one the
member search uses.

A branch's few names are Qt items, added one by one. A committee's 50,000 (``set_members``) live
in one Python list behind a model (``ChoicesModel``), one reset, their labels and folded texts made
on the worker thread (``picker_rows``): 50,000 ``addItem`` calls froze the window for 2 s and held
150,000 Qt items (issue 11 §3, issue 18 §6). ``addItem`` and the other ``QComboBox`` calls still
work on either, one entry at a time."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from handbook_desktop.domain.text import fold

FOLD_ROLE = Qt.ItemDataRole.UserRole + 7
_DISPLAY, _EDIT, _USER = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole), int(Qt.ItemDataRole.UserRole)
_FOLD = int(FOLD_ROLE)
_TEXT_ROLES = (_DISPLAY, _EDIT)


def member_label(name: str, tag: str = "") -> str:
    return f"{name} ({tag})" if tag else name


def picker_rows(choices) -> list[tuple[str, object, str]]:
    """(label, data) pairs as the picker's entries (label, data, folded label); plain Python, for the
    worker thread: folding 50,000 labels takes a second."""
    return [(label, data, fold(label)) for label, data in choices]


class ChoicesModel(QAbstractListModel):
    """rows: (text, data on UserRole, folded text on FOLD_ROLE, anything else the caller keeps); other
    roles set on a row are kept aside."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[tuple[str, object, str]] = []
        self.extra: dict[tuple[int, int], object] = {}

    def set_rows(self, rows: list[tuple[str, object, str]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)  # its own: entries added later must not change the caller's list
        self.extra = {}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=_DISPLAY):
        if not index.isValid():
            return None
        role = int(role)
        if role == _DISPLAY or role == _EDIT:
            return self.rows[index.row()][0]
        if role == _FOLD:
            return self.rows[index.row()][2]
        if role == _USER:
            return self.rows[index.row()][1]
        return self.extra.get((index.row(), role)) if self.extra else None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt's name
        if not index.isValid() or index.row() >= len(self.rows):
            return False
        text, data, folded = self.rows[index.row()][:3]  # a row may carry more (MemberRows)
        role = int(role)
        if role in _TEXT_ROLES:
            text = value or ""
            folded = fold(text)
        elif role == _USER:
            data = value
        elif role == _FOLD:
            folded = value or ""
        else:
            self.extra[(index.row(), role)] = value
        self.rows[index.row()] = (text, data, folded)
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def insertRows(self, row: int, count: int, parent=QModelIndex()) -> bool:  # noqa: N802 - Qt's name
        if parent.isValid() or not 0 <= row <= len(self.rows) or count < 1:
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self.rows[row:row] = [("", None, "")] * count
        self.extra = {(r + count if r >= row else r, role): v for (r, role), v in self.extra.items()}
        self.endInsertRows()
        return True

    def removeRows(self, row: int, count: int, parent=QModelIndex()) -> bool:  # noqa: N802 - Qt's name
        if parent.isValid() or row < 0 or count < 1 or row + count > len(self.rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self.rows[row:row + count]
        self.extra = {(r - count if r >= row + count else r, role): v for (r, role), v in self.extra.items()
                      if not row <= r < row + count}
        self.endRemoveRows()
        return True


class MemberPicker(QComboBox):
    """``free_text=True`` (the speaker) also keeps a name that is no member's: a guest."""

    def __init__(self, parent=None, *, free_text: bool = False):
        super().__init__(parent)
        self.free_text = free_text
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setCompleter(None)  # Qt's own completer matches the start, with diacritics; ours below
        self.choices: ChoicesModel | None = None  # set_members puts a model of plain rows in place
        self.finder = QCompleter(self)
        self.finder.setModel(self.model())
        self.finder.setCompletionRole(FOLD_ROLE)
        self.finder.setFilterMode(Qt.MatchFlag.MatchContains)
        self.finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.finder.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.finder.setWidget(self.lineEdit())
        self.finder.activated[QModelIndex].connect(self._chosen)
        self.lineEdit().textEdited.connect(self._typed)
        self.lineEdit().editingFinished.connect(self._settle)

    def add_member(self, name: str, uuid, tag: str = "") -> None:
        self.addItem(member_label(name, tag), uuid)

    def addItem(self, text, userData=None):  # noqa: N802 - Qt's name; every item gets its folded text
        super().addItem(text, userData)
        if self.choices is None:  # Qt's own model (a branch's few names); ChoicesModel folds by itself
            self.setItemData(self.count() - 1, fold(text), FOLD_ROLE)

    def set_members(self, rows: list[tuple[str, object, str]]) -> None:
        """Every entry at once (``picker_rows``: label, data, folded label), one reset; nothing chosen.
        For a committee's thousands: a model of plain rows instead of Qt's item per entry."""
        if self.choices is None:
            self.choices = ChoicesModel(self)
            self.setModel(self.choices)
            self.finder.setModel(self.choices)
        self.choices.set_rows(rows)
        self.setCurrentIndex(-1)

    def findData(self, data, role=Qt.ItemDataRole.UserRole, flags=None) -> int:  # noqa: N802 - Qt's name
        """As QComboBox's (an exact match); on plain rows read from the list (Qt's asks row by row)."""
        if self.choices is not None and flags is None and role == Qt.ItemDataRole.UserRole:
            return next((row for row, entry in enumerate(self.choices.rows) if entry[1] == data), -1)
        return super().findData(data, role) if flags is None else super().findData(data, role, flags)

    def findText(self, text: str, flags=Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchCaseSensitive) -> int:  # noqa: N802
        if self.choices is not None and flags in (
                Qt.MatchFlag.MatchExactly, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchCaseSensitive):
            return next((row for row, entry in enumerate(self.choices.rows) if entry[0] == text), -1)
        return super().findText(text, flags)

    def _folded_entries(self):
        """(row, data, folded text) of every entry."""
        if self.choices is not None:
            return [(row, entry[1], entry[2]) for row, entry in enumerate(self.choices.rows)]
        return [(row, self.itemData(row), self.itemData(row, FOLD_ROLE) or "") for row in range(self.count())]

    def _typed(self, text: str) -> None:
        folded = fold(text)
        if not folded:
            self.finder.popup().hide()
            return
        self.finder.setCompletionPrefix(folded)
        self.finder.complete()

    def _chosen(self, index: QModelIndex) -> None:
        source = self.finder.completionModel().mapToSource(index)
        if source.isValid():
            self.setCurrentIndex(source.row())
            self.lineEdit().setText(self.itemText(source.row()))

    def _settle(self) -> None:
        """Leaving the field: the text is a member's (exactly, or the only one matching), or it stays a
        guest's name (free text), or it goes back to the member chosen before — never a silent mismatch."""
        if self.finder.popup().isVisible():
            return  # still choosing in the list of matches
        text = self.lineEdit().text()
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0 and text.strip():
            folded = fold(text)
            matches = [row for row, data, entry in self._folded_entries()
                       if folded and folded in entry and data is not None]
            if len(matches) == 1:
                index = matches[0]
        if index >= 0:
            self.setCurrentIndex(index)
            self.lineEdit().setText(self.itemText(index))
        elif not self.free_text:
            self.lineEdit().setText(self.itemText(self.currentIndex()) if self.currentIndex() >= 0 else "")

    def chosen_uuid(self):
        """The member whose name is in the field, or None (a guest, or nothing)."""
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        return self.itemData(index) if index >= 0 else None
