"""member register: search, trash, duplicates (issue 3)

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The list's filters and its order (name_sort, then id for equal names) in one covering index:
# search and paging at 50,000 members never touch the table rows. With "id" second, SQLite
# prefers this index to ix_member_name_sort for ORDER BY name_sort, id.
LIST_COLUMNS = ["name_sort", "id", "name_fold", "deleted_at", "status", "unit_id", "gender", "party_position",
                "date_of_birth"]


def upgrade() -> None:
    op.create_index("ix_member_list", "member", LIST_COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_member_list", table_name="member")
