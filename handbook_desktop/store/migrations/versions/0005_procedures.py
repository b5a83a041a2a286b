"""candidates, procedures, dues, ratings, calendar (issue 7)

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _synced(table: str) -> list:
    return [
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_unit", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{table}_uuid")),
    ]


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        *_synced("calendar_day"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_day")),
        sa.UniqueConstraint("day", name=op.f("uq_calendar_day_day")),
    )
    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=True),
        sa.Column("proposed_by", sa.String(length=200), nullable=True),
        sa.Column("course_certificate_date", sa.Date(), nullable=True),
        sa.Column("application_date", sa.Date(), nullable=True),
        sa.Column("background_verified_on", sa.Date(), nullable=True),
        sa.Column("introducer_1_uuid", sa.String(length=36), nullable=True),
        sa.Column("introducer_1_known_since", sa.Date(), nullable=True),
        sa.Column("introducer_2_uuid", sa.String(length=36), nullable=True),
        sa.Column("introducer_2_known_since", sa.Date(), nullable=True),
        sa.Column("youth_union_resolution", sa.Boolean(), nullable=False),
        sa.Column("opinions_date", sa.Date(), nullable=True),
        sa.Column("considered_on", sa.Date(), nullable=True),
        sa.Column("meeting_uuid", sa.String(length=36), nullable=True),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("denominator", sa.Integer(), nullable=True),
        sa.Column("decision_number", sa.String(length=60), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("decision_received_on", sa.Date(), nullable=True),
        sa.Column("ceremony_date", sa.Date(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_synced("candidate"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_candidate_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_member_id"), ["member_id"], unique=False)

    op.create_table(
        "dues_basis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("base_amount", sa.Integer(), nullable=True),
        sa.Column("flat_amount", sa.Integer(), nullable=True),
        sa.Column("reduction_percent", sa.Integer(), nullable=False),
        sa.Column("reduction_until", sa.Date(), nullable=True),
        sa.Column("exempt_reason", sa.String(length=200), nullable=True),
        *_synced("dues_basis"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_basis_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_basis")),
    )
    with op.batch_alter_table("dues_basis", schema=None) as batch_op:
        batch_op.create_index("ix_dues_basis_member_from", ["member_id", "effective_from"], unique=False)

    op.create_table(
        "dues_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("basis_kind", sa.String(length=20), nullable=False),
        sa.Column("base_amount", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("exempt", sa.Boolean(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("excused", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_synced("dues_month"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_month_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_month")),
    )
    with op.batch_alter_table("dues_month", schema=None) as batch_op:
        batch_op.create_index("ix_dues_month_member_month", ["member_id", "month"], unique=True)
        batch_op.create_index("ix_dues_month_month", ["month"], unique=False)

    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("self_score", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("automatic_reason", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_synced("rating"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_rating_member_id_member")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_rating_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating")),
    )
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_rating_unit_year", ["unit_id", "year"], unique=False)


def downgrade() -> None:
    for table in ("rating", "dues_month", "dues_basis", "candidate", "calendar_day"):
        op.drop_table(table)
