"""an index of roll-call marks for the attendance screening (issue 18 §5)

Revision ID: 0019
Revises: 0018

The to-do's screening reads a year's absences without reason, and the members absent with reason
more than the limit allows — a few thousand of a committee's 700,000 roll-call lines a year. With
``ix_attendance_mark`` (the mark first, then the member) both are answered from the index alone
instead of a walk through every line of the year (SQLite, 50,000 members: 1.3 s → 0.15 s).
"""

from alembic import op


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attendance_mark", "attendance",
                    ["attendance", "member_id", "meeting_id", "member_status", "deleted_at"])


def downgrade() -> None:
    op.drop_index("ix_attendance_mark", table_name="attendance")
