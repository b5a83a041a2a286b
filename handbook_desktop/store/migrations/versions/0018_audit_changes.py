"""audit trail: one line per changed record, the fields inside it (issue 18, point 3)

Revision ID: 0018
Revises: 0017

``audit_log.changes`` holds the changed fields of one record as JSON, ``{"field": [old, new], …}``
(sensitive values masked), so a change of twenty fields — or an import of 20,000 members — writes one
line per record instead of one per field. Lines written before keep their ``field``, ``old_value``
and ``new_value``; readers take ``changes`` when it is there.
"""

from alembic import op
import sqlalchemy as sa


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("changes", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("changes")
