"""A notice keeps the facts a customer decides on

What the subprocessor does and each location the change concerns, with the facts of its
transfer, as announced (`registry.notices.decision`). Notices announced before keep none and
show what they showed.

Revision ID: a48e36cc9fee
Revises: 31622d3732aa
Create Date: 2026-12-01 00:29:27.522475

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a48e36cc9fee'
down_revision = '31622d3732aa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_notice') as batch_op:
        batch_op.add_column(sa.Column('decision', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    # SQLite drops a column by rebuilding the table: keep its ids never reused.
    with op.batch_alter_table(
        'change_notice', table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_column('decision')
