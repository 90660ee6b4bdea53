"""A queued message wakes the worker (PostgreSQL)

On PostgreSQL, a statement that inserts into outbox_message sends a notification on the
channel registry_outbox, which PostgreSQL delivers as the transaction commits (never for one
rolled back), with the table's schema as its payload: installations sharing a database in
schemas of their own wake only their own workers. A waiting worker LISTENs on it and starts its
round at once (registry/outbox/wakeup.py). SQLite has no notifications: the worker polls it every second.

Revision ID: 5d0c2a7e91b4
Revises: 24ddf918e44d
Create Date: 2026-12-01 05:31:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d0c2a7e91b4'
down_revision = '24ddf918e44d'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION outbox_message_queued() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('registry_outbox', TG_TABLE_SCHEMA);
            RETURN NULL;
        END
        $$
        """
    )
    # Once per statement: a notice fanned out to 10,000 subscribers is one notification.
    op.execute(
        "CREATE TRIGGER outbox_message_queued AFTER INSERT ON outbox_message "
        "FOR EACH STATEMENT EXECUTE FUNCTION outbox_message_queued()"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_message_queued ON outbox_message")
    op.execute("DROP FUNCTION outbox_message_queued()")
