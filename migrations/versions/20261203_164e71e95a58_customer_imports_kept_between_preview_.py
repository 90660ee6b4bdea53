"""Customer imports kept between preview and application

An uploaded file of customers is kept, parsed, between the preview the editor reads and its
application in one transaction; its rows are emptied once applied or expired.

Revision ID: 164e71e95a58
Revises: 779080ea8577
Create Date: 2026-12-01 02:32:20.437354

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '164e71e95a58'
down_revision = '779080ea8577'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customer_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=254), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'applied', name='customer_import_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('applied_by', sa.String(length=254), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_import')),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('customer_import')
