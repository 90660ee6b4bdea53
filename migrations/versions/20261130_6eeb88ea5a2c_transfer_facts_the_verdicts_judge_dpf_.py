"""Transfer facts the verdicts judge: DPF List entries, BCRs, SCC decisions, occasional derogations, transit

Revision ID: 6eeb88ea5a2c
Revises: 1aecc523ca55
Create Date: 2026-11-30 21:17:58.935168

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6eeb88ea5a2c'
down_revision = '1aecc523ca55'
branch_labels = None
depends_on = None

ROLES = "'storage', 'processing', 'backup', 'support_access', 'follow_the_sun'"
SCC_DETAILS = "scc_module IS NULL AND uk_tool IS NULL AND NOT swiss_adaptation"
DEROGATION_DETAILS = "derogation IS NULL AND derogation_justification IS NULL"
# Alembic does not see check constraints: these mirror the model's, by the same names.
NEW_CHECKS = {
    'scc_details_need_scc':
        f"coalesce(transfer_tool, '') = 'scc' OR ({SCC_DETAILS} AND scc_decision IS NULL "
        "AND scc_signed_on IS NULL)",
    'derogation_details_need_derogation':
        f"coalesce(transfer_tool, '') = 'derogation' OR ({DEROGATION_DETAILS} "
        "AND NOT derogation_occasional AND derogation_occasional_reason IS NULL "
        "AND authority_informed_on IS NULL AND data_subjects_informed_on IS NULL)",
    'bcr_details_need_bcr':
        "coalesce(transfer_tool, '') = 'bcr' OR (bcr_group IS NULL AND bcr_kind IS NULL "
        "AND bcr_lead_authority IS NULL AND bcr_approved_on IS NULL AND bcr_importer_bound IS NULL)",
    'occasional_needs_reason':
        "NOT derogation_occasional OR derogation_occasional_reason IS NOT NULL",
    'scc_decision': "scc_decision IN ('2021/914', '2010/87/EU')",
    'bcr_kind': "bcr_kind IN ('bcr_c', 'bcr_p')",
}


# migrations/env.py turns SQLite's foreign keys off for the whole run, so the rebuilds of
# batch mode cascade to nothing.


def upgrade():
    with op.batch_alter_table('processing_location', schema=None) as batch_op:
        for name in ('location_role', 'scc_details_need_scc', 'derogation_details_need_derogation'):
            batch_op.drop_constraint(op.f(f'ck_processing_location_{name}'), type_='check')
        batch_op.add_column(sa.Column('scc_decision', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('scc_signed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('derogation_occasional', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('derogation_occasional_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('authority_informed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('data_subjects_informed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bcr_group', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('bcr_kind', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('bcr_lead_authority', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('bcr_approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bcr_importer_bound', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('recipient_protection', sa.Text(), nullable=True))
        batch_op.create_check_constraint('location_role', f"role IN ({ROLES}, 'transit')")
        for name, condition in NEW_CHECKS.items():
            batch_op.create_check_constraint(name, condition)

    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dpf_listed_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('dpf_scope', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('dpf_verified_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('dpf_recertification_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('subject_to_gdpr_art_3_2', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('hr_data', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint('dpf_scope', "dpf_scope IN ('non_hr', 'hr', 'both')")
        batch_op.create_check_constraint(
            'dpf_details_need_listing',
            "dpf_certified OR (dpf_listed_name IS NULL AND dpf_scope IS NULL "
            "AND dpf_recertification_due IS NULL)")


def downgrade():
    # Transit locations have no role the older schema knows: they go with the downgrade.
    op.execute("DELETE FROM processing_location WHERE role = 'transit'")
    with op.batch_alter_table('subprocessor', schema=None) as batch_op:
        for name in ('dpf_details_need_listing', 'dpf_scope'):
            batch_op.drop_constraint(op.f(f'ck_subprocessor_{name}'), type_='check')
        batch_op.drop_column('hr_data')
        batch_op.drop_column('subject_to_gdpr_art_3_2')
        batch_op.drop_column('dpf_recertification_due')
        batch_op.drop_column('dpf_verified_on')
        batch_op.drop_column('dpf_scope')
        batch_op.drop_column('dpf_listed_name')

    with op.batch_alter_table('processing_location', schema=None) as batch_op:
        for name in ('location_role', *NEW_CHECKS):
            batch_op.drop_constraint(op.f(f'ck_processing_location_{name}'), type_='check')
        batch_op.drop_column('recipient_protection')
        batch_op.drop_column('bcr_importer_bound')
        batch_op.drop_column('bcr_approved_on')
        batch_op.drop_column('bcr_lead_authority')
        batch_op.drop_column('bcr_kind')
        batch_op.drop_column('bcr_group')
        batch_op.drop_column('data_subjects_informed_on')
        batch_op.drop_column('authority_informed_on')
        batch_op.drop_column('derogation_occasional_reason')
        batch_op.drop_column('derogation_occasional')
        batch_op.drop_column('scc_signed_on')
        batch_op.drop_column('scc_decision')
        batch_op.create_check_constraint('location_role', f"role IN ({ROLES})")
        batch_op.create_check_constraint(
            'scc_details_need_scc', f"coalesce(transfer_tool, '') = 'scc' OR ({SCC_DETAILS})")
        batch_op.create_check_constraint(
            'derogation_details_need_derogation',
            f"coalesce(transfer_tool, '') = 'derogation' OR ({DEROGATION_DETAILS})")
