"""Which tables travel, in which order, who owns which field, and how a row becomes JSON.

Tables are discovered from ``Base.metadata``: every model with the ``Synced`` mixin travels, in
foreign-key order. Foreign keys travel as the referenced row's uuid; integer keys never leave the
database. Ownership is data (``OWNERSHIP``); a table not listed there belongs to the branch (its
day-to-day records), which is what every area added so far keeps (meetings, dues, ratings …).
"""

from __future__ import annotations

import base64
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, Numeric, String, Table, Text
from sqlalchemy.types import TypeDecorator

from handbook_desktop.store.base import Synced
from handbook_desktop.store.models import Base

BRANCH, COMMITTEE, SHARED = "branch", "committee", "shared"
# A committee sending up to the level above it: it carries its branches' records (their fields) and
# its own decisions about them (the committee's fields), both for the units under it only.
RELAY = "relay"


@dataclass(frozen=True)
class Ownership:
    owner: str = BRANCH  # who owns the fields not listed below
    committee_fields: frozenset[str] = frozenset()
    branch_fields: frozenset[str] = frozenset()
    shared_fields: frozenset[str] = frozenset()
    down_only: bool = False  # travels only from a committee to its branches
    tree: bool = False  # the tree of units: also travels up, the units under the sender only
    local_fields: frozenset[str] = frozenset()  # never travel (this installation only)
    natural_key: tuple[str, ...] = ()  # matches a row born twice (shipped rules, a unit set up twice)
    # Ownership per unit (scope.py): a table not tied to a unit by foreign keys is owned by the unit
    # whose code this field holds; values of a field only the committee decides (a branch records
    # them but cannot lift them); rows a committee issued (origin_unit = its code) that stay its own.
    owner_code: str = "origin_unit"
    committee_values: tuple[tuple[str, frozenset[str]], ...] = ()
    issuer_owns_row: bool = False

    def owner_of(self, name: str) -> str:
        if name in self.shared_fields:
            return SHARED
        if name in self.committee_fields:
            return COMMITTEE
        if name in self.branch_fields:
            return BRANCH
        return self.owner


# DESIGN.md "Sync packages": the branch owns its members' day-to-day records, meetings, dues and
# ratings; the committee owns decisions (admission and official decision numbers and dates, card
# numbers, transfers between branches) and rules.
OWNERSHIP: dict[str, Ownership] = {
    # A unit's place name, term start and header text are kept by the installation that prints with them.
    # A unit is placed by the unit above it: a committee sends up the branches it placed under itself.
    "unit": Ownership(owner=COMMITTEE, down_only=True, tree=True, natural_key=("code",),
                      local_fields=frozenset({"is_home", "place_name", "term_start", "higher_body_name"})),
    "rule": Ownership(owner=COMMITTEE, down_only=True, natural_key=("key", "effective_from")),
    "member": Ownership(
        owner=BRANCH,
        committee_fields=frozenset({"decision_date", "official_date", "party_card_number", "card_issued_date",
                                    "record_number", "unit_id"}),
        shared_fields=frozenset({"status"}),
        local_fields=frozenset({"name_fold", "name_sort", "search_key"}),
        # Expulsion, removal from the rolls and an official transfer out are the committee's decisions:
        # a branch records them on its own members but cannot lift them.
        committee_values=(("status", frozenset({"expelled", "removed", "transferred_out"})),),
    ),
    "member_event": Ownership(owner=BRANCH, committee_fields=frozenset({"decision_number", "issuer"}),
                              issuer_owns_row=True),
    "issued_document": Ownership(owner=SHARED, owner_code="issuer_unit"),
    "calendar_day": Ownership(owner=COMMITTEE, down_only=True, natural_key=("day",)),
    "candidate": Ownership(owner=BRANCH, committee_fields=frozenset({"decision_number", "decision_date"})),
}
DEFAULT_OWNERSHIP = Ownership()
BOOKKEEPING = ("uuid", "version", "updated_at", "deleted_at", "origin_unit")

TABLE_LABELS = {
    "unit": "Đơn vị", "member": "Đảng viên", "member_event": "Quá trình (sự kiện)", "rule": "Quy định",
    "meeting": "Sinh hoạt", "attendance": "Điểm danh", "agenda_item": "Nội dung sinh hoạt", "speech": "Phát biểu",
    "vote": "Biểu quyết", "candidate": "Quần chúng ưu tú", "dues_month": "Đảng phí", "rating": "Xếp loại",
    "issued_document": "Văn bản", "thematic_meeting": "Sinh hoạt chuyên đề", "dues_basis": "Mức đóng đảng phí",
    "calendar_day": "Ngày nghỉ, ngày làm bù", "meeting_amendment": "Đính chính biên bản",
    "meeting_attachment": "Tài liệu kèm biên bản",
}
FIELD_LABELS = {
    "full_name": "Họ và tên", "status": "Tình trạng", "unit_id": "Đơn vị", "gender": "Giới tính",
    "date_of_birth": "Ngày sinh", "birth_place": "Nơi sinh", "hometown": "Quê quán",
    "permanent_address": "Thường trú", "temporary_address": "Tạm trú", "ethnicity": "Dân tộc",
    "religion": "Tôn giáo", "national_id": "Số CCCD", "phone": "Điện thoại", "decision_date": "Ngày vào Đảng",
    "ceremony_date": "Ngày kết nạp", "official_date": "Ngày chính thức", "party_card_number": "Số thẻ đảng viên",
    "card_issued_date": "Ngày cấp thẻ", "record_number": "Số lý lịch", "party_position": "Chức vụ Đảng",
    "occupation": "Nghề nghiệp", "workplace": "Nơi làm việc", "notes": "Ghi chú", "deleted_at": "Đã xóa lúc",
    "kind": "Loại", "event_date": "Ngày", "decision_number": "Số quyết định", "issuer": "Cơ quan ban hành",
    "name": "Tên", "code": "Mã", "level": "Cấp", "parent_id": "Cấp trên", "note": "Ghi chú", "detail": "Chi tiết",
    "member_id": "Đảng viên", "photo": "Ảnh", "awards": "Khen thưởng", "discipline": "Kỷ luật",
}
SENSITIVE = {"national_id", "phone", "permanent_address", "temporary_address"}


def may_decide_under(level: str, home_level: str) -> bool:
    """A unit of ``level`` is a committee that decides for its branches, and may sit under a unit of
    ``home_level``: home is on its way up in the rule ``unit.levels`` (a card names its own level, so
    a branch's card calling itself a committee must not make it one)."""
    from handbook_desktop.services.levels import issues_decisions
    from handbook_desktop.services.setup import unit_levels

    if not issues_decisions(level):  # the rule unit.levels says which levels decide (issue 15 §7)
        return False
    above = {row["code"]: row.get("above") or None for row in unit_levels()}
    seen, current = set(), above.get(level)
    while current is not None and current not in seen:
        if current == home_level:
            return True
        seen.add(current)
        current = above.get(current)
    return False


def sender_side(peer, home_level: str) -> str:
    """Which fields a package from this peer may carry: a parent sends the committee's, a branch (or a
    đảng bộ bộ phận, which decides nothing) its own, a committee sending up both for its branches."""
    if peer.relation != "child":
        return COMMITTEE
    return RELAY if may_decide_under(peer.level, home_level) else BRANCH


def ownership(table_name: str) -> Ownership:
    return OWNERSHIP.get(table_name, DEFAULT_OWNERSHIP)


@dataclass
class SyncedTable:
    name: str
    table: Table
    fks: dict[str, str] = field(default_factory=dict)  # column → referenced synced table
    columns: list[str] = field(default_factory=list)  # travelling columns (FKs included)
    unit_path: list[tuple[str, str]] = field(default_factory=list)  # (fk column, table) chain to unit

    @property
    def ownership(self) -> Ownership:
        return ownership(self.name)

    @property
    def label(self) -> str:
        return TABLE_LABELS.get(self.name, self.name)


@lru_cache(maxsize=1)
def synced_tables() -> tuple[SyncedTable, ...]:
    """Every synced table in an order where referenced tables come first."""
    synced_names = {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, Synced) and isinstance(mapper.local_table, Table)
    }
    result: dict[str, SyncedTable] = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in synced_names:
            continue
        local = ownership(table.name).local_fields
        item = SyncedTable(table.name, table)
        for column in table.columns:
            if column.primary_key or column.name in local:
                continue
            targets = [fk.column.table.name for fk in column.foreign_keys]
            if targets:
                if targets[0] not in synced_names:
                    continue  # points at a local table (users …): stays here
                item.fks[column.name] = targets[0]
            item.columns.append(column.name)
        result[table.name] = item
    for item in result.values():
        item.unit_path = _unit_path(item, result, set())
    return tuple(result.values())


def _unit_path(item: SyncedTable, tables: dict[str, SyncedTable], seen: set[str]) -> list[tuple[str, str]]:
    if item.name == "unit" or item.name in seen:
        return []
    seen = seen | {item.name}
    for column, target in item.fks.items():
        if target == "unit":
            return [(column, "unit")]
    for column, target in item.fks.items():
        if target != item.name:
            rest = _unit_path(tables[target], tables, seen)
            if rest:
                return [(column, target)] + rest
    return []


def table_by_name() -> dict[str, SyncedTable]:
    return {item.name: item for item in synced_tables()}


def _base_type(column):
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl if not isinstance(kind.impl, type) else kind.impl()
    return kind


def to_json(column, value):
    if value is None:
        return None
    kind = _base_type(column)
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(kind, Numeric) and not isinstance(kind, Integer):
        return str(value)
    return value


class BadValue(ValueError):
    pass


def from_json(column, value):
    """A travelling value back to Python, checked against the column's type (NFC for text)."""
    if value is None:
        return None
    kind = _base_type(column)
    try:
        if isinstance(kind, LargeBinary):
            return base64.b64decode(value, validate=True)
        if isinstance(kind, DateTime):
            if not isinstance(value, str):
                raise BadValue(column.name)
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        if isinstance(kind, Date):
            if not isinstance(value, str):
                raise BadValue(column.name)
            return date.fromisoformat(value)
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise BadValue(column.name)
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int) or not -2 ** 62 < value < 2 ** 62:
                raise BadValue(column.name)
            return value
        if isinstance(kind, Numeric):
            from decimal import Decimal

            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise BadValue(column.name)
            return Decimal(str(value))
        if isinstance(kind, (String, Text)):
            if not isinstance(value, str):
                raise BadValue(column.name)
            length = getattr(kind, "length", None)
            value = unicodedata.normalize("NFC", value)
            if length and len(value) > length:
                raise BadValue(column.name)
            return value
    except (TypeError, ValueError, ArithmeticError) as error:
        raise BadValue(column.name) from error
    return value


def _code_labels(field: str) -> dict[str, str]:
    from handbook_desktop.domain import states

    if field == "status":
        return {key.value if hasattr(key, "value") else key: value for key, value in states.STATUS_LABELS.items()}
    if field == "party_position":
        return {key.value if hasattr(key, "value") else key: value for key, value in states.POSITION_LABELS.items()}
    if field == "level":
        from handbook_desktop.services.levels import level_labels

        return level_labels()
    if field == "gender":
        return {"male": "Nam", "female": "Nữ"}
    if field == "kind":
        try:
            from handbook_desktop.services.procedures.common import EVENT_LABELS
        except ImportError:
            return {}
        return dict(EVENT_LABELS)
    return {}


def display_value(field: str, value, *, reveal: bool = False):
    """A travelling value as a secretary reads it: labels for codes, dd/mm/yyyy dates, masked numbers
    (in full only when the person asked to reveal them, which the caller audits)."""
    if value is None or value == "":
        return None
    if field in SENSITIVE and isinstance(value, str) and not reveal:
        from handbook_desktop.domain.text import mask_digits

        return mask_digits(value)
    if isinstance(value, str):
        labels = _code_labels(field)
        if value in labels:
            return labels[value]
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
        if len(value) > 19 and value[4] == "-" and value[10] == "T":
            try:
                return datetime.fromisoformat(value).astimezone().strftime("%d/%m/%Y %H:%M")
            except ValueError:
                return value
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def read_only_fields(table_name: str, home_level: str) -> set[str]:
    """Fields this installation may show but not edit: at a committee, what its branches own; at a
    branch, the committee's decisions. Pages browsing records use it to lock their editors."""
    item = table_by_name().get(table_name)
    if item is None:
        return set()
    mine = BRANCH if home_level == "chi-bo" else COMMITTEE
    return {name for name in item.columns
            if name not in BOOKKEEPING and item.ownership.owner_of(name) not in (mine, SHARED)}
