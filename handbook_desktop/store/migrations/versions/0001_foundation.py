"""foundation: units, members, events, users, audit, rules, settings

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 06:35:39.841605
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('recovery_hash', sa.String(length=300), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=True),
    sa.Column('entity_uuid', sa.String(length=36), nullable=True),
    sa.Column('field', sa.String(length=60), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_uuid'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_unit', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule')),
    sa.UniqueConstraint('uuid', name=op.f('uq_rule_uuid'))
    )
    with op.batch_alter_table('rule', schema=None) as batch_op:
        batch_op.create_index('ix_rule_key_from', ['key', 'effective_from'], unique=True)

    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('higher_body_name', sa.String(length=200), nullable=True),
    sa.Column('place_name', sa.String(length=100), nullable=True),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('is_home', sa.Boolean(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_unit', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code')),
    sa.UniqueConstraint('uuid', name=op.f('uq_unit_uuid'))
    )
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('name_fold', sa.String(length=120), nullable=False),
    sa.Column('name_sort', sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql'), nullable=False),
    sa.Column('birth_name', sa.String(length=120), nullable=True),
    sa.Column('alias', sa.String(length=120), nullable=True),
    sa.Column('gender', sa.String(length=10), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('birth_place', sa.String(length=250), nullable=True),
    sa.Column('hometown', sa.String(length=250), nullable=True),
    sa.Column('permanent_address', sa.String(length=250), nullable=True),
    sa.Column('temporary_address', sa.String(length=250), nullable=True),
    sa.Column('ethnicity', sa.String(length=50), nullable=True),
    sa.Column('religion', sa.String(length=50), nullable=True),
    sa.Column('national_id', sa.String(length=20), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('ceremony_date', sa.Date(), nullable=True),
    sa.Column('admitted_in', sa.String(length=200), nullable=True),
    sa.Column('introducer_1', sa.String(length=120), nullable=True),
    sa.Column('introducer_2', sa.String(length=120), nullable=True),
    sa.Column('official_date', sa.Date(), nullable=True),
    sa.Column('party_card_number', sa.String(length=20), nullable=True),
    sa.Column('card_issued_date', sa.Date(), nullable=True),
    sa.Column('record_number', sa.String(length=20), nullable=True),
    sa.Column('party_position', sa.String(length=30), nullable=True),
    sa.Column('awards', sa.Text(), nullable=True),
    sa.Column('discipline', sa.Text(), nullable=True),
    sa.Column('occupation', sa.String(length=120), nullable=True),
    sa.Column('workplace', sa.String(length=250), nullable=True),
    sa.Column('government_position', sa.String(length=200), nullable=True),
    sa.Column('youth_union_date', sa.Date(), nullable=True),
    sa.Column('general_education', sa.String(length=20), nullable=True),
    sa.Column('professional_level', sa.String(length=200), nullable=True),
    sa.Column('academic_degree', sa.String(length=50), nullable=True),
    sa.Column('academic_title', sa.String(length=50), nullable=True),
    sa.Column('political_theory', sa.String(length=50), nullable=True),
    sa.Column('foreign_language', sa.String(length=100), nullable=True),
    sa.Column('it_skill', sa.String(length=100), nullable=True),
    sa.Column('social_policy', sa.String(length=200), nullable=True),
    sa.Column('dues_category', sa.String(length=30), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_unit', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_member_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('uuid', name=op.f('uq_member_uuid'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('ix_member_name_fold', ['name_fold'], unique=False)
        batch_op.create_index('ix_member_name_sort', ['name_sort'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_national_id'), ['national_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_party_card_number'), ['party_card_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_phone'), ['phone'], unique=False)
        batch_op.create_index('ix_member_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('member_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('decision_number', sa.String(length=60), nullable=True),
    sa.Column('issuer', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_unit', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_event_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_event')),
    sa.UniqueConstraint('uuid', name=op.f('uq_member_event_uuid'))
    )
    with op.batch_alter_table('member_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_event_member_id'), ['member_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('member_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_event_member_id'))

    op.drop_table('member_event')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ix_member_unit_status')
        batch_op.drop_index(batch_op.f('ix_member_phone'))
        batch_op.drop_index(batch_op.f('ix_member_party_card_number'))
        batch_op.drop_index(batch_op.f('ix_member_national_id'))
        batch_op.drop_index('ix_member_name_sort')
        batch_op.drop_index('ix_member_name_fold')

    op.drop_table('member')
    op.drop_table('unit')
    op.drop_table('setting')
    with op.batch_alter_table('rule', schema=None) as batch_op:
        batch_op.drop_index('ix_rule_key_from')

    op.drop_table('rule')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index('ix_audit_entity')

    op.drop_table('audit_log')
    op.drop_table('app_user')

