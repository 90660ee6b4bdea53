"""A keyed audit trail and sessions that end at logout

Events written from now on are hashed with an HMAC under a key kept outside the database; those
written before keep their plain SHA-256 (keyed false) and stay verifiable. A user's session
version is part of every session cookie: bumping it ends the sessions made before.

Revision ID: 73891fad5ce3
Revises: 6eeb88ea5a2c
Create Date: 2026-11-30 22:12:29.759283

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '73891fad5ce3'
down_revision = '6eeb88ea5a2c'
branch_labels = None
depends_on = None


# migrations/env.py turns SQLite's foreign keys off for the whole run, so the rebuilds of
# batch mode cascade to nothing (a user's API tokens).


def upgrade():
    # Adding a column needs no rebuild, on SQLite either.
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # Keyed events cannot be verified without the key once the flag is gone: the downgrade
    # keeps their hashes, and `audit verify` of the older code reports them as edited.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('keyed')
