import sqlalchemy as sa
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


def test_the_never_reused_ids_migration_keeps_every_row_that_refers_to_the_rebuilt_tables(
    app_context, make_term
):
    from flask_migrate import downgrade, upgrade

    from registry import subscriptions
    from registry.models import OutboxMessage, Service
    from registry.models.subscriptions import subscriber_service

    service_id = make_term(Service).id
    subscriptions.subscribe("dpo@customer.example", "en", [service_id])
    db.session.commit()

    def rows():
        counted = [sa.select(OutboxMessage), sa.select(subscriber_service)]
        return [
            db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
            for query in counted
        ]

    assert rows() == [1, 1]
    db.session.rollback()
    downgrade(revision="73891fad5ce3")
    upgrade()
    assert rows() == [1, 1]


def test_the_never_reused_assessment_ids_migration_keeps_the_assessments(
    app_context, make_subprocessor
):
    from flask_migrate import downgrade, upgrade

    from registry import assessments
    from registry.models import ProcessingLocation, TransferAssessment
    from transfers.grounds import TransferTool

    india = {
        "country_code": "IN",
        "role": "follow_the_sun",
        "transfer_tool": TransferTool.SCC,
        "scc_module": 3,
    }
    make_subprocessor(name="Ganges Helpdesk", locations=[india])
    location = db.session.scalars(sa.select(ProcessingLocation)).one()
    assessment_id = assessments.start(location, "editor@example.com").id
    db.session.commit()
    downgrade(revision="f181ba5a87d9")
    upgrade()
    assert db.session.scalars(sa.select(TransferAssessment.id)).all() == [assessment_id]


def test_every_enum_column_has_the_one_fixed_width():
    from registry.database import ENUM_LENGTH

    widths = {
        f"{table.name}.{column.name}": column.type.length
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, sa.Enum)
    }
    assert set(widths.values()) == {ENUM_LENGTH}


def test_the_fixed_width_migration_keeps_the_allowed_values_checked(app_context):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="3c2e8f0d7a41")
    upgrade()
    insert = sa.text(
        "INSERT INTO subscriber (email, language, state, subscribed_at, confirmation_requests) "
        "VALUES ('dpo@customer.example', 'en', 'not-a-state', CURRENT_TIMESTAMP, 1)"
    )
    with db.engine.connect() as connection:
        try:
            connection.execute(insert)
        except sa.exc.IntegrityError:
            refused = True
        else:
            refused = False
        connection.rollback()
    assert refused


def test_the_channels_migration_makes_every_message_queued_before_it_an_email(app_context):
    from flask_migrate import downgrade, upgrade

    from registry import subscriptions
    from registry.models import OutboxMessage

    subscriptions.subscribe("dpo@customer.example", "en", [])
    db.session.commit()
    downgrade(revision="3c2e8f0d7a41")
    upgrade()
    assert db.session.scalars(sa.select(OutboxMessage.channel)).all() == ["email"]
    db.session.rollback()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
