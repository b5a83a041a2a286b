"""Declarative base and the columns every synced table carries (DESIGN.md "Data")."""

from __future__ import annotations

import random
import uuid as _uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_uuid_source: ContextVar[random.Random | None] = ContextVar("uuid_source", default=None)


def new_uuid() -> str:
    source = _uuid_source.get()
    if source is not None:
        return str(_uuid.UUID(int=source.getrandbits(128), version=4))
    return str(_uuid.uuid4())


@contextmanager
def seeded_uuids(source: random.Random) -> Iterator[None]:
    """Within the block, new rows get uuids drawn from ``source`` (demo data is the same for a seed)."""
    token = _uuid_source.set(source)
    try:
        yield
    finally:
        _uuid_source.reset(token)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite too (which stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


# Binary order on PostgreSQL for sort keys built to sort byte-wise (domain.text.name_sort_key).
SortKey = String(400).with_variant(String(400, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced:
    """Mixin for tables that travel in sync packages.

    ``uuid`` is the row's identity everywhere; integer keys never leave the database. ``version``
    goes up by one with every change (``store.events``), ``deleted_at`` makes a tombstone that
    travels instead of a hard delete.
    """

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    origin_unit: Mapped[str] = mapped_column(String(40), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
