"""Register files kept between preview and import

An uploaded register file (the whole register as JSON) is kept between the preview an admin
reads and its application in one transaction, with the SHA-256 of the register it was planned
against; its document is emptied once applied or expired.

Revision ID: d6a39f780e91
Revises: 5d0c2a7e91b4
Create Date: 2026-12-01 05:22:04.919182

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6a39f780e91'
down_revision = '5d0c2a7e91b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=254), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('document', sa.JSON(), nullable=True),
    sa.Column('register_digest', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('pending', 'applied', name='register_import_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('applied_by', sa.String(length=254), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_import')),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('register_import')
