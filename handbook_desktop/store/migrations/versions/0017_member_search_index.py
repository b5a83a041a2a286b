"""member search index: FTS5 trigram (SQLite) or pg_trgm GIN (PostgreSQL) over member.search_key

Revision ID: 0017
Revises: 0016

Issue 18 point 4: the search box no longer scans the register. store.search_index holds the DDL;
the index is built here over the members already there.
"""

from alembic import op
import sqlalchemy as sa

from handbook_desktop.store import search_index

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_member_trash", "member", ["deleted_at", "search_key"], unique=False,
                    sqlite_where=sa.text("deleted_at IS NOT NULL"), postgresql_where=sa.text("deleted_at IS NOT NULL"))
    search_index.create(op.get_bind())


def downgrade() -> None:
    search_index.drop(op.get_bind())
    op.drop_index("ix_member_trash", table_name="member")
