"""Outbox messages go through channels

Each message names the channel it goes through; every message queued before is an email.
'email' is the server default, so the rows already there and a worker still running the
previous release (which does not name the channel) both get it. SQLite adds the column in place.

Revision ID: 42aa81c2d2c5
Revises: a48e36cc9fee
Create Date: 2026-12-02 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '42aa81c2d2c5'
down_revision = 'a48e36cc9fee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=False,
                                      server_default='email'))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('channel')
