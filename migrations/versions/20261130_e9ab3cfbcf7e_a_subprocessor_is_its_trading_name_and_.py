"""A subprocessor is its trading name and legal name together

The same trading name under a new legal name is another legal entity: a new entry, announced as
the replacement of the one it takes over from. So the name alone is no longer unique.

Revision ID: e9ab3cfbcf7e
Revises: a2b9fa5dc299
Create Date: 2026-11-30 21:19:00.423944

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e9ab3cfbcf7e'
down_revision = 'a2b9fa5dc299'
branch_labels = None
depends_on = None


# migrations/env.py turns SQLite's foreign keys off for the whole run, so the rebuilds of
# batch mode cascade to nothing.


def upgrade():
    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_subprocessor_name'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_subprocessor_name_legal_name'), ['name', 'legal_name'])


def downgrade():
    # Fails while two entries share a trading name, rather than merging or renaming them.
    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_subprocessor_name_legal_name'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_subprocessor_name'), ['name'])
