"""member sheets: a birth year kept alone, column mappings remembered per sheet layout (issue 16)

Revision ID: 0014
Revises: 0013

Many branch lists give only the year of birth ("Năm sinh: 1958"). ``member.birth_year`` keeps it
while ``date_of_birth`` stays empty, so no form or list shows an invented 01/01/1958. The
``sheet_layout`` table remembers, per layout of header (hashed), the field of each column the
secretary confirmed, for next month's import of the same sheet.
"""

from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
    op.create_table(
        "sheet_layout",
        sa.Column("signature", sa.String(length=64), primary_key=True),
        sa.Column("sheet_name", sa.String(length=200), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sheet_layout")
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("birth_year")
