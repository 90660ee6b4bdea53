"""replacement notices

Revision ID: de5323e99799
Revises: 76b51ff43626
Create Date: 2026-11-22 04:25:49.332475

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de5323e99799'
down_revision = '76b51ff43626'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_notice_change_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=8),
                              type_=sa.String(length=11), existing_nullable=False)
        batch_op.create_check_constraint(
            'change_kind', "kind IN ('addition', 'removal', 'replacement')")
        batch_op.add_column(sa.Column('replaced_subprocessor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_change_notice_replaced_subprocessor_id'), 'subprocessor',
            ['replaced_subprocessor_id'], ['id'])
        batch_op.create_check_constraint(
            'replacement_names_the_replaced',
            "(kind = 'replacement') = (replaced_subprocessor_id IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_notice_replacement_names_the_replaced'),
                                 type_='check')
        batch_op.drop_constraint(op.f('fk_change_notice_replaced_subprocessor_id'),
                                 type_='foreignkey')
        batch_op.drop_column('replaced_subprocessor_id')
        batch_op.drop_constraint(op.f('ck_change_notice_change_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=11),
                              type_=sa.String(length=8), existing_nullable=False)
        batch_op.create_check_constraint('change_kind', "kind IN ('addition', 'removal')")
