"""Each outbox worker's heartbeat, for the readiness probe

Every worker process writes the time it last finished a loop into its own row
(worker_heartbeat); /readyz answers 503 while the newest row is older than
WORKER_HEARTBEAT_MAX_AGE_SECONDS.

Revision ID: 24ddf918e44d
Revises: 69ec4862a577
Create Date: 2026-12-01 05:11:40.186686

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '24ddf918e44d'
down_revision = '69ec4862a577'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('worker_heartbeat',
    sa.Column('worker', sa.String(length=200), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('worker', name=op.f('pk_worker_heartbeat'))
    )
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeat_beat_at'), ['beat_at'], unique=False)



def downgrade():
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeat_beat_at'))

    op.drop_table('worker_heartbeat')
