"""Alembic's environment, run by Flask-Migrate: `flask --app wsgi db upgrade` and friends."""

import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    # Keep the application's and the tests' loggers working after the migration ran.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate = current_app.extensions["migrate"]
engine = migrate.db.engine
target_metadata = migrate.db.metadata
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def skip_empty_autogenerate(_context, _revision, directives) -> None:
    """`flask db migrate` with no change to the models writes no empty revision."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    configure_args = {"process_revision_directives": skip_empty_autogenerate}
    configure_args.update(migrate.configure_args)
    with engine.connect() as connection, foreign_keys_off_on_sqlite(connection):
        context.configure(connection=connection, target_metadata=target_metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()


@contextmanager
def foreign_keys_off_on_sqlite(connection):
    """On SQLite, foreign keys off for the whole run: a batch migration rebuilds a table by
    dropping it, which would cascade to the rows that refer to it. Every transaction begins at
    once (registry.database) and the pragma does nothing inside one, so it is set on the
    driver's connection before the migrations begin theirs; the keys are checked at the end."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")
    broken = driver.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows whose foreign keys do not hold: {broken}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
