"""A committee's branch choice and the branch column of its lists (issue 17 §0).

At a committee every list mixes the members and meetings of many branches: the pages that show
them (Nghiệp vụ, Đảng phí, Biểu mẫu, the document register) get a branch box whose first choice is
every branch, and a "Chi bộ" column beside the name so that two namesakes — or two meetings on the
same day — can be told apart. At a branch neither is shown and the lists are as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QComboBox

from handbook_desktop.ui.i18n import tr

ALL_BRANCHES = "Mọi chi bộ"
BRANCH_HEADER = "Chi bộ"


class BranchBox(QComboBox):
    """``Mọi chi bộ`` then each branch of the committee, by code; ``unit_id()`` is None for all."""

    def __init__(self, context, parent=None):
        super().__init__(parent)
        from handbook_desktop.services.members.query import branches

        self.setObjectName("branchFilter")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(22)
        self.addItem(tr(ALL_BRANCHES), None)
        with context.database.read() as session:
            for unit_id, _code, name in branches(session):
                self.addItem(name, unit_id)

    def unit_id(self) -> int | None:
        return self.currentData()

    def keeps(self, unit_id: int | None) -> bool:
        chosen = self.unit_id()
        return chosen is None or unit_id == chosen

    def choose(self, unit_id: int | None) -> None:
        self.setCurrentIndex(max(self.findData(unit_id), 0))


def branch_box_for(context, parent=None) -> BranchBox | None:
    """The box at a committee, None at a branch (its lists are its own)."""
    return BranchBox(context, parent) if context.is_committee else None


def with_branch_header(headers: list[str], box: BranchBox | None) -> list[str]:
    """The table's headings with "Chi bộ" second (after the name) at a committee."""
    return [headers[0], BRANCH_HEADER, *headers[1:]] if box is not None else list(headers)


def branch_rows(box: BranchBox | None, rows: Iterable[tuple[str, list[str], bool]],
                branch_of: Callable[[tuple], tuple[int | None, str]]) -> list[tuple[str, list[str], bool]]:
    """Rows ``(uuid, cells, flag)`` of the chosen branch, each with its branch's name as the second cell.

    ``branch_of(row)`` gives the row's (unit id, branch name). At a branch the rows pass unchanged."""
    if box is None:
        return list(rows)
    kept = []
    for row in rows:
        unit_id, name = branch_of(row)
        if box.keeps(unit_id):
            uuid, cells, flag = row
            kept.append((uuid, [cells[0], name, *cells[1:]], flag))
    return kept


def empty_text(box: BranchBox | None, what: str) -> str:
    """What an empty list says: «Không có hồ sơ kết nạp đang làm.», at a committee whose (every branch,
    or the one chosen) — an empty table with no word looked like a list still loading or broken."""
    if box is None:
        return tr("Không có {what}.").format(what=tr(what))
    if box.unit_id() is None:
        return tr("Không chi bộ nào có {what}.").format(what=tr(what))
    return tr("{branch} không có {what}.").format(branch=box.currentText(), what=tr(what))
