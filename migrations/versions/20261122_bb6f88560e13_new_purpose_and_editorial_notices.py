"""Notices of new purposes or data categories, and editorial changes without a window

Revision ID: bb6f88560e13
Revises: 7d65859106cc
Create Date: 2026-11-22 05:22:28.681790

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bb6f88560e13'
down_revision = '7d65859106cc'
branch_labels = None
depends_on = None


KINDS = "'addition', 'removal', 'replacement', 'new_location'"


def upgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_notice_change_kind'), type_='check')
        batch_op.create_check_constraint(
            'change_kind', f"kind IN ({KINDS}, 'new_purpose', 'editorial')")
        batch_op.drop_constraint(op.f('ck_change_notice_window_positive'), type_='check')
        batch_op.create_check_constraint(
            'window_positive_unless_editorial',
            "window_days >= 1 OR (kind = 'editorial' AND window_days = 0)")
        batch_op.add_column(sa.Column('proposed_terms', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('editorial_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            'new_purpose_names_the_terms', "(kind = 'new_purpose') = (proposed_terms IS NOT NULL)")
        batch_op.create_check_constraint(
            'editorial_says_why', "(kind = 'editorial') = (editorial_reason IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('change_notice', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_notice_editorial_says_why'), type_='check')
        batch_op.drop_constraint(op.f('ck_change_notice_new_purpose_names_the_terms'),
                                 type_='check')
        batch_op.drop_column('editorial_reason')
        batch_op.drop_column('proposed_terms')
        batch_op.drop_constraint(op.f('ck_change_notice_window_positive_unless_editorial'),
                                 type_='check')
        batch_op.create_check_constraint('window_positive', "window_days >= 1")
        batch_op.drop_constraint(op.f('ck_change_notice_change_kind'), type_='check')
        batch_op.create_check_constraint('change_kind', f"kind IN ({KINDS})")
