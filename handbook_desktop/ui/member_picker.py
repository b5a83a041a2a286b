"""A member picker (chair, secretary, presenter, speaker, introducer): type any part of a name, with or
without diacritics ("nguyen van an" finds "Nguyễn Văn An"), and namesakes are told apart by birth year
and party position ("Nguyễn Văn An (sinh 1958, Bí thư)"). Folding is ``domain.text.fold``, the one the
member search uses."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from handbook_desktop.domain.text import fold

FOLD_ROLE = Qt.ItemDataRole.UserRole + 7


def member_label(name: str, tag: str = "") -> str:
    return f"{name} ({tag})" if tag else name


class MemberPicker(QComboBox):
    """``free_text=True`` (the speaker) also keeps a name that is no member's: a guest."""

    def __init__(self, parent=None, *, free_text: bool = False):
        super().__init__(parent)
        self.free_text = free_text
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setCompleter(None)  # Qt's own completer matches the start, with diacritics; ours below
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
        label = member_label(name, tag)
        self.addItem(label, uuid)
        self.setItemData(self.count() - 1, fold(label), FOLD_ROLE)

    def addItem(self, text, userData=None):  # noqa: N802 - Qt's name; every item gets its folded text
        super().addItem(text, userData)
        self.setItemData(self.count() - 1, fold(text), FOLD_ROLE)

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
            matches = [row for row in range(self.count()) if folded and folded in (self.itemData(row, FOLD_ROLE) or "")
                       and self.itemData(row) is not None]
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
