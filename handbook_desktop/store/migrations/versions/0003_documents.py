"""document number register and forms (issue 5)

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer_unit", sa.String(length=40), nullable=False),
        sa.Column("issuer_abbr", sa.String(length=10), nullable=False),
        sa.Column("doc_type", sa.String(length=10), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("number_text", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("form_code", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("concerns_kind", sa.String(length=20), nullable=True),
        sa.Column("concerns_uuid", sa.String(length=36), nullable=True),
        sa.Column("concerns_label", sa.String(length=300), nullable=True),
        sa.Column("issued_by", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_unit", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
        sa.UniqueConstraint("uuid", name=op.f("uq_issued_document_uuid")),
    )
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_issued_document_counter", ["issuer_unit", "doc_type", "term_start", "number"], unique=True
        )
        batch_op.create_index(
            "ix_issued_document_concerns", ["issuer_unit", "doc_type", "concerns_uuid"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_index("ix_issued_document_concerns")
        batch_op.drop_index("ix_issued_document_counter")
    op.drop_table("issued_document")
