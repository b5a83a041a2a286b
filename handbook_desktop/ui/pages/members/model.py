"""The member list as a lazy table model: a count, then pages of 100 rows fetched when shown.

Only the pages on screen (and a few recent ones) are kept, so 50,000 members cost a count query
and a page, not 50,000 objects (Anki's browser keeps ids and builds rows on demand).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from handbook_desktop.domain.dates import age_on, format_date
from handbook_desktop.domain.states import MemberStatus
from handbook_desktop.domain.text import mask_digits
from handbook_desktop.services.members import FirstPage, MemberFilter, fetch_page, first_page, narrows
from handbook_desktop.services.members.fields import FIELD_BY_KEY
from handbook_desktop.services.units import foreign_member_unit_ids
from handbook_desktop.ui.i18n import tr

UUID_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
PAGE_SIZE = 100
KEPT_PAGES = 20
KEPT_ANSWERS = 60


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    default: bool = False
    width: int = 110


COLUMNS = [
    Column("full_name", "Họ và tên", True, 210),
    Column("date_of_birth", "Ngày sinh", True, 100),
    Column("age", "Tuổi", False, 50),
    Column("gender", "Giới tính", True, 75),
    Column("status", "Trạng thái", True, 235),
    Column("party_position", "Chức vụ đảng", True, 110),
    Column("unit", "Chi bộ", False, 290),
    Column("decision_date", "Ngày kết nạp", True, 105),
    Column("ceremony_date", "Ngày lễ kết nạp", False, 110),
    Column("official_date", "Ngày chính thức", True, 110),
    Column("party_card_number", "Số thẻ", True, 95),
    Column("card_issued_date", "Ngày cấp thẻ", False, 105),
    Column("record_number", "Số lý lịch", False, 95),
    Column("national_id", "Số CCCD", True, 115),
    Column("phone", "Điện thoại", True, 105),
    Column("hometown", "Quê quán", False, 130),
    Column("birth_place", "Nơi sinh", False, 130),
    Column("permanent_address", "Nơi thường trú", False, 220),
    Column("ethnicity", "Dân tộc", False, 70),
    Column("religion", "Tôn giáo", False, 80),
    Column("occupation", "Nghề nghiệp", False, 130),
    Column("workplace", "Đơn vị công tác", False, 170),
    Column("political_theory", "Lý luận chính trị", False, 110),
    Column("general_education", "Giáo dục phổ thông", False, 90),
    Column("professional_level", "Chuyên môn", False, 130),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
DEFAULT_COLUMNS = [c.key for c in COLUMNS if c.default]
MASKED = {"national_id", "phone"}
_CENTRED_KEYS = {"date_of_birth", "decision_date", "ceremony_date", "official_date", "card_issued_date", "age", "gender"}
_CENTRED = int(Qt.AlignmentFlag.AlignCenter)


def cell_text(key: str, row: dict, today: date) -> str:
    if key == "unit":
        return row.get("unit_name") or ""
    if key == "age":
        birth = row.get("date_of_birth")
        return str(age_on(birth, today)) if birth else ""
    value = row.get(key)
    if value is None and key == "date_of_birth" and row.get("birth_year"):
        return f"…/…/{row['birth_year']}"  # the year alone, as a sheet gave it (to complete)
    if value is None:
        return ""
    if key in MASKED:
        return mask_digits(value)
    if isinstance(value, date):
        return format_date(value)
    if key == "status":
        return MemberStatus(value).label
    spec = FIELD_BY_KEY.get(key)
    if spec is not None and spec.kind == "enum":
        return spec.label_of(value)
    return str(value)


class MemberTableModel(QAbstractTableModel):
    def __init__(self, database, columns: list[str] | None = None, parent=None):
        super().__init__(parent)
        self.database = database
        self.columns = [COLUMN_BY_KEY[k] for k in (columns or DEFAULT_COLUMNS) if k in COLUMN_BY_KEY]
        self.filter = MemberFilter()
        self.total = 0
        self.more = False  # more matches than the search counts (services.members.query.COUNT_CAP)
        self.short = False  # too little typed to search by: the whole list is shown
        self._pages: OrderedDict[int, list[dict]] = OrderedDict()
        # Units outside our tree holding members who left: the same for every keystroke, so asked
        # once per change of data rather than twice per keystroke.
        self._foreign_units: list[int] | None = None
        self._all_ids: list[int] | None = None  # every match, when they fit in one page
        self._display: dict[int, list[str]] = {}  # row → its cells' text, for the pages kept
        # The first page and count of recent searches: a backspace, or a name typed again (so many
        # begin with "nguyen"), answers without asking the database. Emptied on any change of data.
        self._answers: OrderedDict[MemberFilter, FirstPage] = OrderedDict()
        self.last_from_memory = False  # the last search was answered from those (the benchmark tells)

    # --- loading -------------------------------------------------------------------------------
    def set_filter(self, flt: MemberFilter) -> None:
        """Count the matches and show the first page; one short read, no session kept."""
        page = self._answers.get(flt)
        self.last_from_memory = page is not None
        if page is None:
            # Typing on after a search with few matches looks only among those (issue 3: every keystroke).
            within = self._all_ids if self._all_ids is not None and narrows(self.filter, flt) else None
            with self.database.read() as session:
                if self._foreign_units is None:
                    self._foreign_units = foreign_member_unit_ids(session)
                page = first_page(session, flt, PAGE_SIZE, self._foreign_units, within)
            self._answers[flt] = page
            while len(self._answers) > KEPT_ANSWERS:
                self._answers.popitem(last=False)
        else:
            self._answers.move_to_end(flt)
        self.beginResetModel()
        self.filter = flt
        self.total = page.total
        self.more, self.short = page.more, page.short
        self._all_ids = page.ids if page.total <= PAGE_SIZE else None
        self._pages = OrderedDict({0: page.rows})
        self._display.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """After a change of data: the units outside our tree are looked up again (a transfer may
        have added one), then the list is read afresh."""
        self._foreign_units = None
        self._all_ids = None
        self._answers.clear()
        self.set_filter(self.filter)

    def set_columns(self, keys: list[str]) -> None:
        self.beginResetModel()
        self.columns = [COLUMN_BY_KEY[k] for k in keys if k in COLUMN_BY_KEY] or [COLUMN_BY_KEY["full_name"]]
        self._display.clear()
        self.endResetModel()

    def _page(self, number: int) -> list[dict]:
        rows = self._pages.get(number)
        if rows is None:
            with self.database.read() as session:
                rows = fetch_page(session, self.filter, number * PAGE_SIZE, PAGE_SIZE, self._foreign_units)
            self._pages[number] = rows
            while len(self._pages) > KEPT_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return rows

    def row_data(self, row: int) -> dict | None:
        if not 0 <= row < self.total:
            return None
        rows = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def uuid_at(self, row: int) -> str | None:
        data = self.row_data(row)
        return data["uuid"] if data else None

    def row_of(self, member_uuid: str) -> int | None:
        """The row of a member among the pages already loaded (after a save, to keep it selected)."""
        for number, rows in self._pages.items():
            for offset, data in enumerate(rows):
                if data["uuid"] == member_uuid:
                    return number * PAGE_SIZE + offset
        return None

    # --- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def _cells(self, row: int) -> list[str]:
        """The text of a row's cells, made once: a repaint asks for each cell several times."""
        cells = self._display.get(row)
        if cells is None:
            data = self.row_data(row)
            cells = [cell_text(c.key, data, self.filter.on) for c in self.columns] if data else [""] * len(self.columns)
            if len(self._display) >= KEPT_PAGES * PAGE_SIZE:
                self._display.clear()
            self._display[row] = cells
        return cells

    def data(self, index: QModelIndex, role: int = _DISPLAY):
        # Called for every role of every visible cell on each repaint: the unused roles leave first.
        if role == _DISPLAY:
            return self._cells(index.row())[index.column()]
        if role == _ALIGNMENT:
            return _CENTRED if self.columns[index.column()].key in _CENTRED_KEYS else None
        if role == UUID_ROLE:
            return self.uuid_at(index.row())
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return tr(self.columns[section].label) if section < len(self.columns) else None
        return str(section + 1)
