from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry.extensions import db


def test_the_migrations_build_exactly_the_schema_the_models_describe(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
