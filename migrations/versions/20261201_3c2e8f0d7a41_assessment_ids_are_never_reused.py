"""Assessment ids are never reused on SQLite

An assessment's id is in the links of the admin area (its report, its JSON, its edit page) and
in the audit trail's events. Without AUTOINCREMENT SQLite gave a discarded draft's id to the next
draft started, so an old link or an audit event named another assessment. SQLite can only add
AUTOINCREMENT by rebuilding the table (foreign keys are off for the run: migrations/env.py);
PostgreSQL's sequences never go back, so nothing changes there.

Revision ID: 3c2e8f0d7a41
Revises: f181ba5a87d9
Create Date: 2026-12-01 00:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c2e8f0d7a41'
down_revision = 'f181ba5a87d9'
branch_labels = None
depends_on = None


def rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('foreign keys are still enforced; the rebuild would cascade')
    with op.batch_alter_table(
        'transfer_assessment',
        recreate='always',
        table_kwargs={'sqlite_autoincrement': autoincrement},
    ):
        pass


def upgrade():
    rebuild(autoincrement=True)


def downgrade():
    rebuild(autoincrement=False)
