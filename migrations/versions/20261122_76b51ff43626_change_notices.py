"""change notices

Revision ID: 76b51ff43626
Revises: a9038f7626d2
Create Date: 2026-11-22 04:10:59.253196

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '76b51ff43626'
down_revision = 'a9038f7626d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('addition', 'removal', name='change_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('announced', 'effective', 'withdrawn', name='notice_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subprocessor_id', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('announced_by', sa.String(length=254), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('objection_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('takes_effect_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('emergency_reason', sa.Text(), nullable=True),
    sa.Column('announcement_hash', sa.String(length=64), nullable=False),
    sa.Column('effective_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('takes_effect_at >= objection_deadline', name=op.f('ck_change_notice_effect_after_deadline')),
    sa.CheckConstraint('window_days >= 1', name=op.f('ck_change_notice_window_positive')),
    sa.ForeignKeyConstraint(['subprocessor_id'], ['subprocessor.id'], name=op.f('fk_change_notice_subprocessor_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_notice'))
    )
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_notice_subprocessor_id'), ['subprocessor_id'], unique=False)



def downgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_notice_subprocessor_id'))

    op.drop_table('change_notice')
