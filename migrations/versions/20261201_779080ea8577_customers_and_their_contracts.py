"""Customers and their contracts

Customers with their entity, services, addendum and notice period; their contacts (known to the
trail by a pseudonym); each notice as it applies to each customer; objections bound to a
customer, with the new outcomes; outbox messages to a customer's contacts.

Revision ID: 779080ea8577
Revises: 42aa81c2d2c5
Create Date: 2026-12-01 02:17:14.211499

"""
from alembic import op
import sqlalchemy as sa


OLD_KINDS = ("'objection_confirmation', 'objection_acknowledgement', "
             "'subscription_confirmation', 'notice_announced', 'notice_reminder', "
             "'notice_withdrawn'")
NEW_KINDS = ("'customer_notice_announced', 'customer_notice_reminder', "
             "'customer_notice_withdrawn', 'customer_notice_moved', 'objection_outcome', "
             "'customer_view_link'")
OLD_OUTCOMES = "'change_withdrawn', 'objection_withdrawn', 'contract_ended'"
NEW_OUTCOMES = "'data_excluded', 'contract_ended_by_us', 'rejected'"

# revision identifiers, used by Alembic.
revision = '779080ea8577'
down_revision = '42aa81c2d2c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('dpa_version', sa.String(length=40), nullable=True),
    sa.Column('dpa_signed_on', sa.Date(), nullable=True),
    sa.Column('authorisation', sa.Enum('general', 'specific', name='authorisation', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('shortest_notice_days', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('contract_ended_on', sa.Date(), nullable=True),
    sa.Column('feed_token', sa.String(length=64), nullable=False),
    sa.CheckConstraint('notice_days >= 1', name=op.f('ck_customer_notice_days_positive')),
    sa.CheckConstraint('shortest_notice_days IS NULL OR (shortest_notice_days >= 1 AND shortest_notice_days <= notice_days)', name=op.f('ck_customer_shortest_notice_within_notice')),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_customer_entity_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer')),
    sa.UniqueConstraint('feed_token', name=op.f('uq_customer_feed_token')),
    sa.UniqueConstraint('reference', name=op.f('uq_customer_reference')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_entity_id'), ['entity_id'], unique=False)

    op.create_table('customer_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('role', sa.String(length=100), server_default='', nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(erased_at IS NULL) = (email IS NOT NULL AND name IS NOT NULL)', name=op.f('ck_customer_contact_erased_has_no_address')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_contact_customer_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_contact')),
    sa.UniqueConstraint('customer_id', 'email', name=op.f('uq_customer_contact_customer_id_email')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_customer_contact_pseudonym')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('customer_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_contact_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_contact_email'), ['email'], unique=False)

    op.create_table('customer_service',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_service_customer_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_customer_service_service_id')),
    sa.PrimaryKeyConstraint('customer_id', 'service_id', name=op.f('pk_customer_service'))
    )
    op.create_table('customer_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('objection_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=254), nullable=True),
    sa.Column('effect', sa.Enum('pending', 'in_effect', 'held', 'excluded', 'withdrawn', 'contract_ended', name='customer_effect', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('effect_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved_at IS NULL OR needs_approval', name=op.f('ck_customer_notice_approved_only_when_needed')),
    sa.CheckConstraint('revision >= 0', name=op.f('ck_customer_notice_revision_counted')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_notice_customer_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['notice_id'], ['change_notice.id'], name=op.f('fk_customer_notice_notice_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_notice')),
    sa.UniqueConstraint('notice_id', 'customer_id', name=op.f('uq_customer_notice_notice_id_customer_id'))
    )
    with op.batch_alter_table('customer_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_notice_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_notice_notice_id'), ['notice_id'], unique=False)

    with op.batch_alter_table(
        'objection', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_constraint(op.f('ck_objection_objection_outcome'), type_='check')
        batch_op.create_check_constraint(
            'objection_outcome', f"outcome IN ({OLD_OUTCOMES}, {NEW_OUTCOMES})")
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            'rejection_says_why',
            "outcome IS NULL OR outcome != 'rejected' OR outcome_reason IS NOT NULL")
        batch_op.create_index(batch_op.f('ix_objection_customer_id'), ['customer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_objection_contact_id'), 'customer_contact', ['contact_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_objection_customer_id'), 'customer', ['customer_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.create_check_constraint('message_kind', f"kind IN ({OLD_KINDS}, {NEW_KINDS})")
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_contact_id'), ['contact_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_contact_id'), 'customer_contact', ['contact_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_contact_id'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_contact_id'))
        batch_op.drop_column('contact_id')
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.create_check_constraint('message_kind', f"kind IN ({OLD_KINDS})")

    with op.batch_alter_table(
        'objection', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_constraint(op.f('ck_objection_rejection_says_why'), type_='check')
        batch_op.drop_constraint(op.f('ck_objection_objection_outcome'), type_='check')
        batch_op.create_check_constraint('objection_outcome', f"outcome IN ({OLD_OUTCOMES})")
        batch_op.drop_constraint(batch_op.f('fk_objection_customer_id'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_objection_contact_id'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_objection_customer_id'))
        batch_op.drop_column('outcome_reason')
        batch_op.drop_column('contact_id')
        batch_op.drop_column('customer_id')

    with op.batch_alter_table('customer_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_notice_notice_id'))
        batch_op.drop_index(batch_op.f('ix_customer_notice_customer_id'))

    op.drop_table('customer_notice')
    op.drop_table('customer_service')
    with op.batch_alter_table('customer_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_contact_email'))
        batch_op.drop_index(batch_op.f('ix_customer_contact_customer_id'))

    op.drop_table('customer_contact')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_entity_id'))

    op.drop_table('customer')
