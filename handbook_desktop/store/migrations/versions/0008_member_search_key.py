"""member search key: name, phone and card number in one narrow column (issue 3)

Revision ID: 0008
Revises: 0007

Search as you type at 50,000 members scanned two indexes for a number (phone, card) and the wide
list index for a count. ``search_key`` holds the folded name and the bare digits of the phone and
card number; ``ix_member_list`` carries it instead of ``name_fold``, and the narrow
``ix_member_find`` serves the count.
"""

from alembic import op
import sqlalchemy as sa

from handbook_desktop.domain.text import search_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_LIST = ["name_sort", "id", "name_fold", "deleted_at", "status", "unit_id", "gender", "party_position",
            "date_of_birth"]
NEW_LIST = ["name_sort", "id", "search_key", "deleted_at", "status", "unit_id", "gender", "party_position",
            "date_of_birth"]


def upgrade() -> None:
    op.add_column("member", sa.Column("search_key", sa.String(length=200), nullable=False, server_default=""))
    connection = op.get_bind()
    member = sa.table("member", sa.column("id", sa.Integer), sa.column("full_name", sa.String),
                      sa.column("phone", sa.String), sa.column("party_card_number", sa.String),
                      sa.column("search_key", sa.String))
    rows = connection.execute(sa.select(member.c.id, member.c.full_name, member.c.phone,
                                        member.c.party_card_number)).all()
    keys = [{"row_id": row.id, "key": search_key(row.full_name, row.phone, row.party_card_number)} for row in rows]
    statement = member.update().where(member.c.id == sa.bindparam("row_id")).values(search_key=sa.bindparam("key"))
    for start in range(0, len(keys), 5000):
        connection.execute(statement, keys[start:start + 5000])
    op.drop_index("ix_member_list", table_name="member")
    op.create_index("ix_member_list", "member", NEW_LIST, unique=False)
    op.create_index("ix_member_find", "member", ["search_key", "deleted_at", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_member_find", table_name="member")
    op.drop_index("ix_member_list", table_name="member")
    op.create_index("ix_member_list", "member", OLD_LIST, unique=False)
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("search_key")
