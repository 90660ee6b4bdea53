"""The Data Privacy Framework List, imported

Each saved copy of the list imported (file name, SHA-256, who, when, how many entries) and the
entries of the last one, which the check compares with the register's US importers.

Revision ID: 135cfa73f091
Revises: c6340af64727
Create Date: 2026-12-01 03:41:03.393022

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '135cfa73f091'
down_revision = 'c6340af64727'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dpf_list_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=254), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('entry_count >= 0', name=op.f('ck_dpf_list_import_entry_count_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dpf_list_import'))
    )
    with op.batch_alter_table('dpf_list_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpf_list_import_imported_at'), ['imported_at'], unique=False)

    op.create_table('dpf_list_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.String(length=500), nullable=False),
    sa.Column('matching_name', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('covers_hr', sa.Boolean(), nullable=False),
    sa.Column('covers_non_hr', sa.Boolean(), nullable=False),
    sa.Column('frameworks', sa.String(length=500), nullable=True),
    sa.Column('eu_us', sa.Boolean(), nullable=True),
    sa.Column('next_recertification', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['dpf_list_import.id'], name=op.f('fk_dpf_list_entry_import_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dpf_list_entry'))
    )
    with op.batch_alter_table('dpf_list_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpf_list_entry_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dpf_list_entry_matching_name'), ['matching_name'], unique=False)



def downgrade():
    with op.batch_alter_table('dpf_list_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpf_list_entry_matching_name'))
        batch_op.drop_index(batch_op.f('ix_dpf_list_entry_import_id'))

    op.drop_table('dpf_list_entry')
    with op.batch_alter_table('dpf_list_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpf_list_import_imported_at'))

    op.drop_table('dpf_list_import')
