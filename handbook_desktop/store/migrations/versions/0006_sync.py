"""sync keys, peers, outbox, inbox, per-row agreed state, conflicts (issue 6)

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_code', sa.String(length=40), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_uuid', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('base_json', sa.Text(), nullable=True),
    sa.Column('ours_json', sa.Text(), nullable=True),
    sa.Column('theirs_json', sa.Text(), nullable=True),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=60), nullable=True),
    sa.Column('resolution', sa.String(length=10), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflict'))
    )
    op.create_index('ix_sync_conflict_row', 'sync_conflict', ['peer_code', 'row_uuid'], unique=False)
    op.create_table('sync_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('peer_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('manifest_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('counts_json', sa.Text(), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_by', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_inbox')),
    sa.UniqueConstraint('package_id', name=op.f('uq_sync_inbox_package_id'))
    )
    op.create_index('ix_sync_inbox_peer_seq', 'sync_inbox', ['peer_code', 'sequence'], unique=False)
    op.create_table('sync_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=False),
    sa.Column('sign_public', sa.LargeBinary(), nullable=False),
    sa.Column('box_public', sa.LargeBinary(), nullable=False),
    sa.Column('sealed_private', sa.LargeBinary(), nullable=False),
    sa.Column('kdf', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_key')),
    sa.UniqueConstraint('key_id', name=op.f('uq_sync_key_key_id'))
    )
    op.create_table('sync_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.String(length=36), nullable=False),
    sa.Column('peer_code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('manifest_hash', sa.String(length=64), nullable=False),
    sa.Column('counts_json', sa.Text(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_json', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_outbox')),
    sa.UniqueConstraint('package_id', name=op.f('uq_sync_outbox_package_id'))
    )
    op.create_index('ix_sync_outbox_peer_seq', 'sync_outbox', ['peer_code', 'sequence'], unique=False)
    op.create_table('sync_peer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=40), nullable=False),
    sa.Column('unit_uuid', sa.String(length=36), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=False),
    sa.Column('relation', sa.String(length=10), nullable=False),
    sa.Column('trusted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trusted_by', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_peer')),
    sa.UniqueConstraint('unit_code', name=op.f('uq_sync_peer_unit_code'))
    )
    op.create_table('sync_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_code', sa.String(length=40), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_uuid', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('data_json', sa.Text(), nullable=True),
    sa.Column('sent_version', sa.Integer(), nullable=True),
    sa.Column('sent_json', sa.Text(), nullable=True),
    sa.Column('sent_package', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_row')),
    sa.UniqueConstraint('peer_code', 'row_uuid', name='uq_sync_row_peer_code')
    )
    op.create_index(op.f('ix_sync_row_row_uuid'), 'sync_row', ['row_uuid'], unique=False)
    op.create_table('sync_peer_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('peer_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=False),
    sa.Column('sign_public', sa.LargeBinary(), nullable=False),
    sa.Column('box_public', sa.LargeBinary(), nullable=False),
    sa.Column('fingerprint', sa.String(length=80), nullable=False),
    sa.Column('trusted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['peer_id'], ['sync_peer.id'], name=op.f('fk_sync_peer_key_peer_id_sync_peer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_peer_key')),
    sa.UniqueConstraint('key_id', name=op.f('uq_sync_peer_key_key_id'))
    )
    op.create_index(op.f('ix_sync_peer_key_peer_id'), 'sync_peer_key', ['peer_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sync_peer_key_peer_id'), table_name='sync_peer_key')
    op.drop_table('sync_peer_key')
    op.drop_index(op.f('ix_sync_row_row_uuid'), table_name='sync_row')
    op.drop_table('sync_row')
    op.drop_table('sync_peer')
    op.drop_index('ix_sync_outbox_peer_seq', table_name='sync_outbox')
    op.drop_table('sync_outbox')
    op.drop_table('sync_key')
    op.drop_index('ix_sync_inbox_peer_seq', table_name='sync_inbox')
    op.drop_table('sync_inbox')
    op.drop_index('ix_sync_conflict_row', table_name='sync_conflict')
    op.drop_table('sync_conflict')
