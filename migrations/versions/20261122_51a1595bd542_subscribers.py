"""Subscribers to the email notices, and notice emails in the outbox

Revision ID: 51a1595bd542
Revises: bb6f88560e13
Create Date: 2026-11-22 05:36:41.774741

"""
from alembic import op
import sqlalchemy as sa


OLD_KINDS = "'objection_confirmation', 'objection_acknowledgement'"
NEW_KINDS = ("'subscription_confirmation', 'notice_announced', 'notice_reminder', "
             "'notice_withdrawn'")

# revision identifiers, used by Alembic.
revision = '51a1595bd542'
down_revision = 'bb6f88560e13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Enum('pending', 'confirmed', 'unsubscribed', name='subscription_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subscribed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmation_requests', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'confirmed') = (confirmed_at IS NOT NULL)", name=op.f('ck_subscriber_confirmed_when_confirmed')),
    sa.CheckConstraint('confirmation_requests >= 1', name=op.f('ck_subscriber_confirmation_requested')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriber')),
    sa.UniqueConstraint('email', name=op.f('uq_subscriber_email'))
    )
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriber_state'), ['state'], unique=False)

    op.create_table('subscriber_service',
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_subscriber_service_service_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_subscriber_service_subscriber_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscriber_id', 'service_id', name=op.f('pk_subscriber_service'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.create_check_constraint('message_kind', f"kind IN ({OLD_KINDS}, {NEW_KINDS})")
        batch_op.add_column(sa.Column('subscriber_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outbox_message_subject', ['subject_id', 'kind', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_subscriber_id'), 'subscriber', ['subscriber_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_subscriber_id'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_subscriber_id'))
        batch_op.drop_index('ix_outbox_message_subject')
        batch_op.drop_column('subscriber_id')
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.create_check_constraint('message_kind', f"kind IN ({OLD_KINDS})")

    op.drop_table('subscriber_service')
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriber_state'))

    op.drop_table('subscriber')
