"""reserved for issue 13 (security on the PC)

Revision ID: 0012
Revises: 0011

Reserved so that work on several issues at once keeps one straight chain of revisions; it changes
nothing until that work fills it in.
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
