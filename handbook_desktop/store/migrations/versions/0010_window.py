"""reserved for issue 11 (the window: records start, drafts)

Revision ID: 0010
Revises: 0009

Reserved so that work on several issues at once keeps one straight chain of revisions; it changes
nothing until that work fills it in.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
