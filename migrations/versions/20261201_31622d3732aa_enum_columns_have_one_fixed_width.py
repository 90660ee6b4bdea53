"""Enum columns have one fixed width

Each enum column was as wide as its longest member, so adding a longer member changed the
column's type as well as its CHECK. Now every enum column is VARCHAR(32) (ENUM_LENGTH in
registry/database.py); the CHECK constraints that hold the allowed values are unchanged.
PostgreSQL widens the columns in place; SQLite, which does not enforce the width, rebuilds the
tables (foreign keys are off for the run: migrations/env.py).

Revision ID: 31622d3732aa
Revises: 3c2e8f0d7a41
Create Date: 2026-12-01 00:13:07.772906

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '31622d3732aa'
down_revision = '3c2e8f0d7a41'
branch_labels = None
depends_on = None

ENUM_LENGTH = 32
# table: [(column, width before, nullable)]
COLUMNS = {'change_notice': [('kind', 12, False), ('state', 9, False)], 'objection': [('state', 13, False), ('outcome', 19, True)], 'outbox_message': [('kind', 25, False), ('state', 6, False)], 'processing_location': [('role', 14, False), ('transfer_tool', 10, True), ('uk_tool', 11, True), ('derogation', 19, True), ('scc_decision', 10, True), ('bcr_kind', 5, True)], 'subprocessor': [('status', 9, False), ('dpf_scope', 6, True)], 'subscriber': [('state', 12, False)], 'transfer_assessment': [('state', 10, False), ('conclusion', 24, True)], 'user_account': [('role', 6, False)]}


# The tables whose ids are never reused on SQLite: a rebuild keeps their AUTOINCREMENT.
NEVER_REUSED = {'change_notice', 'objection', 'subscriber', 'transfer_assessment'}


def widen(to_fixed: bool) -> None:
    for table, columns in COLUMNS.items():
        kwargs = {'sqlite_autoincrement': True} if table in NEVER_REUSED else {}
        with op.batch_alter_table(table, table_kwargs=kwargs) as batch_op:
            for name, before, nullable in columns:
                old, new = (before, ENUM_LENGTH) if to_fixed else (ENUM_LENGTH, before)
                batch_op.alter_column(
                    name,
                    existing_type=sa.String(old),
                    type_=sa.String(new),
                    existing_nullable=nullable,
                )


def upgrade():
    widen(to_fixed=True)


def downgrade():
    widen(to_fixed=False)
