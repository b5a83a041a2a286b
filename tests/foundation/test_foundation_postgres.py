"""PostgreSQL for a committee's shared office: the same migrations, setup, demo and info on a real server."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from handbook_desktop.services.demo import generate
from handbook_desktop.services.info import database_info
from handbook_desktop.services.progress import drain
from handbook_desktop.store import search_index
from handbook_desktop.store.database import Database
from handbook_desktop.store.models import Base, Member

pytestmark = pytest.mark.postgres


def test_postgres_database_migrates_and_holds_demo_data(pg_url):
    with Database.open(pg_url) as database:
        assert database.engine.dialect.name == "postgresql"
        assert database.lock is None  # a server database is shared on purpose
        with database.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False, "include_name": search_index.not_in_models}),
                                    Base.metadata) == []
        drain(generate(database, members=400, seed=3, today=date(2026, 11, 15)))
        with database.engine.connect() as connection:  # issue 18 §4: the trigram index behind the search box
            assert connection.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE indexname = %(name)s",
                                              {"name": search_index.TRIGRAM_INDEX}).scalar()
        from handbook_desktop.services.members import MemberFilter, count_members

        with database.read() as session:
            assert count_members(session, MemberFilter(search="nguyen")) > 0
        info = database_info(database)
        assert info["backend"] == "postgresql"
        assert info["members"] == 400 and info["units"] > 3
        assert info["schema_version"] == info["schema_head"]
        with database.read() as session:
            names = session.scalars(select(Member.full_name).order_by(Member.name_sort).limit(400)).all()
    from handbook_desktop.domain.text import name_sort_key

    # The server sorts the sort key byte-wise (collation "C"), as SQLite does.
    assert names == sorted(names, key=name_sort_key)
