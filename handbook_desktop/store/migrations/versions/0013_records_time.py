"""reserved for issue 15 (records across time)

Revision ID: 0013
Revises: 0012

Reserved so that work on several issues at once keeps one straight chain of revisions; it changes
nothing until that work fills it in.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
