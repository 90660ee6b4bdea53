"""Ids that reach links are never reused on SQLite

A subscriber's, an objection's and a notice's id are in signed links, feed entry ids and
outbox keys. Without AUTOINCREMENT SQLite gives the next row the highest id plus one, so after
`subscribers erase` the newcomer took the erased subscriber's id: its confirmation email was
never sent (the outbox key was taken) and the old links acted on it. SQLite can only add
AUTOINCREMENT by rebuilding the table; PostgreSQL's sequences never go back, so nothing
changes there.

Revision ID: f181ba5a87d9
Revises: 73891fad5ce3
Create Date: 2026-11-30 22:21:47.535319

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f181ba5a87d9'
down_revision = '73891fad5ce3'
branch_labels = None
depends_on = None

TABLES = ('change_notice', 'objection', 'subscriber')


def rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    # Dropping the old table would cascade to the rows that refer to it (the outbox, the
    # services a subscriber chose, the objections to a notice) unless foreign keys are off;
    # migrations/env.py turns them off for the run, before any transaction begins.
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('foreign keys are still enforced; the rebuild would cascade')
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
        ):
            pass


def upgrade():
    rebuild(autoincrement=True)


def downgrade():
    rebuild(autoincrement=False)
