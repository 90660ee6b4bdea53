"""A notice says when its window was shortened under a contract term

A shorter window is no longer an emergency the admin explains, only what a contract term allows
(NOTICE_WINDOW_MIN_DAYS). emergency_reason stays: notices that gave one keep showing it.

Revision ID: a2b9fa5dc299
Revises: eede7f2a7a4e
Create Date: 2026-11-30 21:12:10.962077

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a2b9fa5dc299'
down_revision = 'eede7f2a7a4e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window_shortened', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_column('window_shortened')
