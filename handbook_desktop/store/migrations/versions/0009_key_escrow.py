"""recovery escrow for the sync keys (issue 8: a password reset must not lose them)

Revision ID: 0009
Revises: 0008

Keys made before this have no escrow copy; making a new recovery code (Cài đặt → Tài khoản)
puts them in escrow.
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_escrow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_private", sa.LargeBinary(), nullable=False),
        sa.Column("kdf", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_escrow")),
    )
    op.add_column("sync_key", sa.Column("recovery_sealed", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_key") as batch_op:
        batch_op.drop_column("recovery_sealed")
    op.drop_table("key_escrow")
