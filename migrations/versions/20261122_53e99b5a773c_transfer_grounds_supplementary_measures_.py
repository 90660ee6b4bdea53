"""transfer grounds, supplementary measures and importer certifications

Revision ID: 53e99b5a773c
Revises: 7bfc33a30bf5
Create Date: 2026-11-22 03:13:57.909223

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '53e99b5a773c'
down_revision = '7bfc33a30bf5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('location_measure',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['processing_location.id'], name=op.f('fk_location_measure_location_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'code', name=op.f('pk_location_measure'))
    )
    with op.batch_alter_table('processing_location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_tool', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('adequacy_decision', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('scc_module', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('uk_tool', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('swiss_adaptation', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('derogation', sa.String(length=19), nullable=True))
        batch_op.add_column(sa.Column('derogation_justification', sa.Text(), nullable=True))
        # Alembic does not see check constraints: these mirror the model's, by the same names.
        batch_op.create_check_constraint(
            'transfer_tool', "transfer_tool IN ('adequacy', 'scc', 'bcr', 'derogation')")
        batch_op.create_check_constraint('uk_tool', "uk_tool IN ('uk_addendum', 'uk_idta')")
        batch_op.create_check_constraint(
            'derogation', "derogation IN ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'second_subparagraph')")
        batch_op.create_check_constraint('scc_module_range', 'scc_module BETWEEN 1 AND 4')
        batch_op.create_check_constraint(
            'scc_details_need_scc',
            "coalesce(transfer_tool, '') = 'scc' OR (scc_module IS NULL AND uk_tool IS NULL AND NOT swiss_adaptation)")
        batch_op.create_check_constraint(
            'derogation_details_need_derogation',
            "coalesce(transfer_tool, '') = 'derogation' OR (derogation IS NULL AND derogation_justification IS NULL)")
        batch_op.create_check_constraint(
            'decision_needs_adequacy', "coalesce(transfer_tool, '') = 'adequacy' OR adequacy_decision IS NULL")

    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dpf_certified', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('subject_to_pipeda', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.drop_column('subject_to_pipeda')
        batch_op.drop_column('dpf_certified')

    with op.batch_alter_table('processing_location', schema=None) as batch_op:
        for name in ('decision_needs_adequacy', 'derogation_details_need_derogation',
                     'scc_details_need_scc', 'scc_module_range', 'derogation', 'uk_tool',
                     'transfer_tool'):
            batch_op.drop_constraint(op.f(f'ck_processing_location_{name}'), type_='check')
        batch_op.drop_column('derogation_justification')
        batch_op.drop_column('derogation')
        batch_op.drop_column('swiss_adaptation')
        batch_op.drop_column('uk_tool')
        batch_op.drop_column('scc_module')
        batch_op.drop_column('adequacy_decision')
        batch_op.drop_column('transfer_tool')

    op.drop_table('location_measure')
