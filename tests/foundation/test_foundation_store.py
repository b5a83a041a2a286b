"""Storage: pragmas on every connection, NFC on the way in, shadow columns and versions kept."""

from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import select, text

from handbook_desktop.domain.text import name_sort_key
from handbook_desktop.store.models import Member, Unit


def test_sqlite_pragmas_on_every_connection(db):
    for _ in range(2):
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def _home_id(session) -> int:
    return session.scalars(select(Unit.id).where(Unit.is_home.is_(True))).one()


def test_text_is_stored_nfc_with_shadow_columns(db):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    with db.session() as session:
        member = Member(unit_id=_home_id(session), full_name=decomposed, hometown=unicodedata.normalize("NFD", "Hà Nội"),
                        date_of_birth=date(1970, 1, 2))
        session.add(member)
    with db.read() as session:
        stored = session.scalars(select(Member)).one()
        assert stored.full_name == "Nguyễn Văn Đức" and unicodedata.is_normalized("NFC", stored.full_name)
        assert stored.hometown == "Hà Nội"
        assert stored.name_fold == "nguyen van duc"
        assert stored.name_sort == name_sort_key("Nguyễn Văn Đức")
        assert len(stored.uuid) == 36 and stored.version == 1 and stored.updated_at.tzinfo is not None


def test_each_change_raises_the_version_and_follows_the_name(db):
    with db.session() as session:
        member = Member(unit_id=_home_id(session), full_name="Lê Thị Ánh")
        session.add(member)
    first_update = member.updated_at
    with db.session() as session:
        row = session.get(Member, member.id)
        row.full_name = "Lê Thị Ân"
    with db.session() as session:
        row = session.get(Member, member.id)
        assert row.version == 2
        assert row.name_fold == "le thi an" and row.name_sort == name_sort_key("Lê Thị Ân")
        assert row.updated_at >= first_update
        row.hometown = None  # no real change: the version stays
    with db.read() as session:
        assert session.get(Member, member.id).version == 2


def test_foreign_keys_are_enforced(db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with db.session() as session:
            session.add(Member(unit_id=9999, full_name="Không có đơn vị"))
    with db.read() as session:
        assert session.scalars(select(Member)).all() == []


def test_log_masks_personal_numbers(handbook_home):
    import logging

    from handbook_desktop.logs import log_file, mask_personal_numbers, setup_logging

    assert mask_personal_numbers("CCCD 001234567889, ĐT 0912345678") == "CCCD 0012******89, ĐT 091*****78"
    setup_logging()
    logging.getLogger("test").warning("tra cứu %s", "001234567889")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = log_file().read_text(encoding="utf-8")
    assert "0012******89" in content and "001234567889" not in content
