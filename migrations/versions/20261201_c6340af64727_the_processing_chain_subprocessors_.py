"""The processing chain: subprocessors engaged by subprocessors

A subprocessor may be engaged by another (chain_link) rather than by one of our entities
(engaged_directly false); each has a contact person or function, and a direct subprocessor's
contract records where it flows our obligations down (GDPR Art. 28(4)). Every subprocessor
already recorded is engaged directly.

Revision ID: c6340af64727
Revises: 164e71e95a58
Create Date: 2026-12-01 03:38:51.645631

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c6340af64727'
down_revision = '164e71e95a58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chain_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=500), nullable=False),
    sa.CheckConstraint('parent_id != child_id', name=op.f('ck_chain_link_not_its_own_subprocessor')),
    sa.ForeignKeyConstraint(['child_id'], ['subprocessor.id'], name=op.f('fk_chain_link_child_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['subprocessor.id'], name=op.f('fk_chain_link_parent_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_link')),
    sa.UniqueConstraint('parent_id', 'child_id', name=op.f('uq_chain_link_parent_id_child_id'))
    )
    with op.batch_alter_table('chain_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_link_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_link_parent_id'), ['parent_id'], unique=False)

    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('engaged_directly', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('contact', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('flow_down_clause', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('flow_down_signed_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.drop_column('flow_down_signed_on')
        batch_op.drop_column('flow_down_clause')
        batch_op.drop_column('contact')
        batch_op.drop_column('engaged_directly')

    with op.batch_alter_table('chain_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_link_parent_id'))
        batch_op.drop_index(batch_op.f('ix_chain_link_child_id'))

    op.drop_table('chain_link')
