"""records across time (issue 15): where each working-day calendar entry comes from

Revision ID: 0013
Revises: 0012

Days off and make-up working days are data with their source (the published notice), shipped by the
program for the years it knows and added or corrected by the committee; the source is shown beside
each day. Existing rows keep an empty source (entered before this, by the committee).
"""

from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calendar_day", sa.Column("source", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calendar_day") as batch_op:
        batch_op.drop_column("source")
