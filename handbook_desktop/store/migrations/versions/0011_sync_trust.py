"""reserved for issue 12 (trust at the committee)

Revision ID: 0011
Revises: 0010

Reserved so that work on several issues at once keeps one straight chain of revisions; it changes
nothing until that work fills it in.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
