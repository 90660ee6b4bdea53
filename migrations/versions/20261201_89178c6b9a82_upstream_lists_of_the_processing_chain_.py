"""Upstream lists of the processing chain, and their reviews

A direct subprocessor's own list of the companies it engages (chain_source: an address or a
file, its format and which column holds what) is checked against our record of its chain; the
differences wait in a review (chain_review, one open per subprocessor) for an editor.

Revision ID: 89178c6b9a82
Revises: 135cfa73f091
Create Date: 2026-12-01 03:47:01.377089

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '89178c6b9a82'
down_revision = '135cfa73f091'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chain_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subprocessor_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('open', 'reviewed', 'dismissed', name='chain_review_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=254), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("(state = 'open') = (closed_at IS NULL)", name=op.f('ck_chain_review_closed_when_not_open')),
    sa.ForeignKeyConstraint(['subprocessor_id'], ['subprocessor.id'], name=op.f('fk_chain_review_subprocessor_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_review')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('chain_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_review_subprocessor_id'), ['subprocessor_id'], unique=False)
        batch_op.create_index('uq_chain_review_open', ['subprocessor_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))

    op.create_table('chain_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subprocessor_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('format', sa.Enum('csv', 'json', 'html', name='chain_list_format', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_digest', sa.String(length=64), nullable=True),
    sa.Column('last_count', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.CheckConstraint("url IS NULL OR lower(url) LIKE 'https://%' OR lower(url) LIKE 'http://%'", name=op.f('ck_chain_source_url_http')),
    sa.CheckConstraint('url IS NOT NULL OR content IS NOT NULL', name=op.f('ck_chain_source_read_from_an_address_or_a_file')),
    sa.ForeignKeyConstraint(['subprocessor_id'], ['subprocessor.id'], name=op.f('fk_chain_source_subprocessor_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_source')),
    sa.UniqueConstraint('subprocessor_id', name=op.f('uq_chain_source_subprocessor_id'))
    )


def downgrade():
    op.drop_table('chain_source')
    with op.batch_alter_table('chain_review', schema=None) as batch_op:
        batch_op.drop_index('uq_chain_review_open', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_chain_review_subprocessor_id'))

    op.drop_table('chain_review')
