"""Per-table converters for travelling records (issue 18 §3): what ``tables.from_json`` and
``tables.to_json`` decide for each column, decided once per table instead of once per value.

``Codec.normalise(fields)`` gives the record's fields in our canonical JSON form (what the merge
compares and the sync state keeps) and the same values as Python (what the writer inserts), with
the same checks and the same refusals (``BadValue`` naming the column) as the generic functions.
"""

from __future__ import annotations

import base64
import unicodedata
from datetime import date, datetime, timezone

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, Numeric, String, Text

from handbook_desktop.services.sync.tables import BadValue, SyncedTable, _base_type, from_json, to_json

_LIMIT = 2 ** 62
_UTC = timezone.utc


def _text(name: str, length: int | None):
    def convert(value):
        if not isinstance(value, str):
            raise BadValue(name)
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        if length and len(value) > length:
            raise BadValue(name)
        return value, value
    return convert


def _day(name: str):
    def convert(value):
        if not isinstance(value, str):
            raise BadValue(name)
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError) as error:
            raise BadValue(name) from error
        return day.isoformat(), day
    return convert


def _moment(name: str):
    def convert(value):
        if not isinstance(value, str):
            raise BadValue(name)
        try:
            parsed = datetime.fromisoformat(value)
            moment = parsed.astimezone(_UTC) if parsed.tzinfo else parsed.replace(tzinfo=_UTC)
        except (TypeError, ValueError, OverflowError) as error:
            raise BadValue(name) from error
        return moment.isoformat(), moment
    return convert


def _integer(name: str):
    def convert(value):
        if isinstance(value, bool) or not isinstance(value, int) or not -_LIMIT < value < _LIMIT:
            raise BadValue(name)
        return value, value
    return convert


def _boolean(name: str):
    def convert(value):
        if not isinstance(value, bool):
            raise BadValue(name)
        return value, value
    return convert


def _generic(column):
    def convert(value):
        python = from_json(column, value)
        return to_json(column, python), from_json(column, to_json(column, python))
    return convert


def _converter(column):
    kind = _base_type(column)
    if isinstance(kind, LargeBinary) or isinstance(kind, Numeric):
        return _generic(column)  # rare: the generic functions, same answers
    if isinstance(kind, DateTime):
        return _moment(column.name)
    if isinstance(kind, Date):
        return _day(column.name)
    if isinstance(kind, Boolean):
        return _boolean(column.name)
    if isinstance(kind, Integer):
        return _integer(column.name)
    if isinstance(kind, (String, Text)):
        return _text(column.name, getattr(kind, "length", None))
    return _generic(column)


class Codec:
    """One table's converters, and what a new row must carry."""

    def __init__(self, item: SyncedTable):
        self.item = item
        columns = item.table.c
        self.fields = [(name, columns[name].nullable, name in item.fks, None if name in item.fks
                        else _converter(columns[name]))
                       for name in item.columns if name not in ("uuid", "version")]
        self.required = [name for name in item.columns if name not in ("uuid", "version")
                         and not columns[name].nullable and columns[name].default is None
                         and columns[name].server_default is None]

    def normalise(self, fields: dict) -> tuple[dict, dict]:
        """(canonical JSON fields, Python values of the columns that are not foreign keys)."""
        result, python = {}, {}
        for name, nullable, is_fk, convert in self.fields:
            if name not in fields:
                continue  # a sender with an older schema: the column keeps its default or our value
            value = fields[name]
            if value is None:
                if not nullable:
                    raise BadValue(name)
                result[name] = None
                if not is_fk:
                    python[name] = None
            elif is_fk:
                if not isinstance(value, str):
                    raise BadValue(name)
                result[name] = value
            else:
                result[name], python[name] = convert(value)
        return result, python

    def absent(self, fields: dict) -> list[str]:
        return [name for name in self.required if fields.get(name) is None]


_CODECS: dict[int, tuple[SyncedTable, Codec]] = {}


def codec(item: SyncedTable) -> Codec:
    """The table's codec, made on first use (the table is kept with it, so its id stays its own)."""
    key = id(item)
    found = _CODECS.get(key)
    if found is None:
        found = _CODECS[key] = (item.table, Codec(item))
    return found[1]
