"""Webhook endpoints, their delivery attempts, and the message kinds of webhooks

Revision ID: 69ec4862a577
Revises: 89178c6b9a82
Create Date: 2026-12-01 05:10:02.056072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '69ec4862a577'
down_revision = '89178c6b9a82'
branch_labels = None
depends_on = None

OLD_KINDS = ", ".join(
    f"'{kind}'"
    for kind in (
        "objection_confirmation",
        "objection_acknowledgement",
        "subscription_confirmation",
        "notice_announced",
        "notice_reminder",
        "notice_withdrawn",
        "customer_notice_announced",
        "customer_notice_reminder",
        "customer_notice_withdrawn",
        "customer_notice_moved",
        "objection_outcome",
        "customer_view_link",
    )
)
NEW_KINDS = "'customer_notice_in_effect', 'webhook_disabled', 'webhook_test'"


def upgrade():
    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('format', sa.Enum('standard', 'slack', 'teams', name='webhook_format', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.String(length=200), server_default='', nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('previous_secret', sa.String(length=100), nullable=True),
    sa.Column('previous_secret_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_reason', sa.Text(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('consecutive_failures >= 0', name=op.f('ck_webhook_endpoint_failures_counted')),
    sa.CheckConstraint('enabled OR disabled_at IS NOT NULL', name=op.f('ck_webhook_endpoint_disabled_says_when')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_webhook_endpoint_customer_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_endpoint_customer_id'), ['customer_id'], unique=False)

    op.create_table('webhook_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('event_type', sa.String(length=60), nullable=False),
    sa.Column('webhook_id', sa.String(length=200), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('delivered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'], name=op.f('fk_webhook_attempt_endpoint_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_webhook_attempt_message_id'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_attempt'))
    )
    with op.batch_alter_table('webhook_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_attempt_endpoint', ['endpoint_id', 'attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_attempt_message_id'), ['message_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.create_check_constraint('message_kind', f"kind IN ({OLD_KINDS}, {NEW_KINDS})")


def downgrade():
    op.execute(f"DELETE FROM outbox_message WHERE kind IN ({NEW_KINDS})")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.create_check_constraint('message_kind', f"kind IN ({OLD_KINDS})")

    with op.batch_alter_table('webhook_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_attempt_message_id'))
        batch_op.drop_index('ix_webhook_attempt_endpoint')

    op.drop_table('webhook_attempt')
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_endpoint_customer_id'))

    op.drop_table('webhook_endpoint')
