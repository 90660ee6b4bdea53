from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry.extensions import db


def test_the_migrations_build_exactly_the_schema_the_models_describe(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_transfer_facts_migration_goes_down_and_up_again(app_context):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="eede7f2a7a4e")
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
