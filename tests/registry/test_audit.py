"""The audit trail: chained events, and `flask audit verify` finding each kind of tampering."""

import pytest
import sqlalchemy as sa

from registry import audit
from registry.extensions import db
from registry.models import AuditEvent


@pytest.fixture
def trail(app):
    """Five events, as five writes would leave them."""
    with app.app_context():
        for number in range(1, 6):
            audit.record("dpo@example.com", "test.write", "thing", number, after={"n": number})
        db.session.commit()


def _tamper(app, statement):
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


def test_an_untouched_trail_verifies(trail, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "The audit trail is intact: 5 events." in result.output


def test_events_are_chained_each_to_the_one_before(trail, app):
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [event.id for event in events] == [1, 2, 3, 4, 5]
        assert all(later.previous_hash == earlier.hash
                   for earlier, later in zip(events, events[1:], strict=False))  # fmt: skip


def test_verify_names_an_edited_event(trail, app, runner):
    _tamper(app, sa.update(AuditEvent).where(AuditEvent.id == 3).values(actor="someone else"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 3: its content no longer matches its hash" in result.output


def test_verify_names_a_deleted_event(trail, app, runner):
    _tamper(app, sa.delete(AuditEvent).where(AuditEvent.id == 2))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 2: event 2 is missing" in result.output


def test_verify_notices_the_last_event_deleted(trail, app, runner):
    _tamper(app, sa.delete(AuditEvent).where(AuditEvent.id == 5))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 5: events 5 to 5 are missing" in result.output


def test_verify_names_reordered_events(trail, app, runner):
    for old, new in ((2, 1000), (4, 2), (1000, 4)):  # swap events 2 and 4
        _tamper(app, sa.update(AuditEvent).where(AuditEvent.id == old).values(id=new))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 2: it does not follow the event before it" in result.output


def test_loading_the_demo_data_is_on_the_trail(runner, app):
    runner.invoke(args=["demo", "load"])
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent)).all()
        assert (event.actor, event.action) == ("demo loader", "register.demo_loaded")
        assert "Nordhafen Hosting" in event.after["subprocessors"]
    assert "intact: 1 events" in runner.invoke(args=["audit", "verify"]).output


def test_an_event_rolled_back_with_its_write_leaves_no_trace(app, runner):
    with app.app_context():
        audit.record("dpo@example.com", "test.write", "thing", 1)
        db.session.rollback()
    assert "intact: 0 events" in runner.invoke(args=["audit", "verify"]).output
