"""new location notices

Revision ID: c9a3fe1757ba
Revises: de5323e99799
Create Date: 2026-11-22 04:45:37.655262

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9a3fe1757ba'
down_revision = 'de5323e99799'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_notice_change_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=11),
                              type_=sa.String(length=12), existing_nullable=False)
        batch_op.create_check_constraint(
            'change_kind', "kind IN ('addition', 'removal', 'replacement', 'new_location')")
        batch_op.add_column(sa.Column('proposed_location', sa.JSON(), nullable=True))
        batch_op.create_check_constraint(
            'new_location_names_the_location',
            "(kind = 'new_location') = (proposed_location IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_notice_new_location_names_the_location'),
                                 type_='check')
        batch_op.drop_column('proposed_location')
        batch_op.drop_constraint(op.f('ck_change_notice_change_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=12),
                              type_=sa.String(length=11), existing_nullable=False)
        batch_op.create_check_constraint(
            'change_kind', "kind IN ('addition', 'removal', 'replacement')")
