"""The audit trail: chained events, and `flask audit verify` finding each kind of tampering."""

import hashlib
import hmac

import pytest
import sqlalchemy as sa

from registry import audit
from registry.extensions import db
from registry.models import AuditEvent, ChangeKind, ChangeNotice, Subprocessor
from registry.models.audit import AuditHead
from registry.notices import changes


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
        assert all(
            later.previous_hash == earlier.hash
            for earlier, later in zip(events, events[1:], strict=False)
        )


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
        event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).first()
        assert (event.actor, event.action) == ("demo loader", "register.demo_loaded")
        assert "Nordhafen Hosting" in event.after["subprocessors"]
        later = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.id > event.id))
        assert set(later) == {
            "customer.created",
            "notice.announced",
            "customer_notice.approved",
            "notice.withdrawn",
            "notice.editorial",
            "notice.effective",
            "objection.submitted",
            "objection.confirmed",
            "snapshot.signed",
        }
    assert "intact: 16 events" in runner.invoke(args=["audit", "verify"]).output


def test_an_event_rolled_back_with_its_write_leaves_no_trace(app, runner):
    with app.app_context():
        audit.record("dpo@example.com", "test.write", "thing", 1)
        db.session.rollback()
    assert "intact: 0 events" in runner.invoke(args=["audit", "verify"]).output


def _rewrite_from(app, first, *, keyed, key=b"a guessed key", **changes):
    """Edit event `first`, then recompute its hash and every later one and move the head: what
    someone who can write the database does to hide an edit."""
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.id >= first).order_by(AuditEvent.id)
        ).all()
        for name, value in changes.items():
            setattr(events[0], name, value)
        previous = events[0].previous_hash
        for event in events:
            event.previous_hash, event.keyed = previous, keyed
            message = audit._canonical(_hashed_content(event)).encode()
            if keyed:
                event.hash = hmac.new(key, message, hashlib.sha256).hexdigest()
            else:
                event.hash = hashlib.sha256(message).hexdigest()
            previous = event.hash
        head = db.session.get(AuditHead, 1)
        head.last_event_id, head.last_hash = events[-1].id, previous
        db.session.commit()


def _hashed_content(event):
    instant = audit._utc_text(event.occurred_at)
    subject = [event.subject_type, event.subject_id]
    return [
        event.id,
        instant,
        event.actor,
        event.action,
        *subject,
        event.before,
        event.after,
        event.previous_hash,
    ]


def _head(app):
    with app.app_context():
        return audit.checkpoint()


def test_new_events_are_keyed_with_the_audit_key(trail, app):
    with app.app_context():
        event = db.session.get(AuditEvent, 1)
        message = audit._canonical(_hashed_content(event)).encode()
        assert event.keyed
        assert event.hash == hmac.new(b"test-audit-key", message, hashlib.sha256).hexdigest()


def test_an_event_rewritten_with_recomputed_unkeyed_hashes_is_found(trail, app, runner):
    _rewrite_from(app, 3, keyed=False, actor="someone else")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 3: it is not keyed, though an event before it is" in result.output


def test_an_event_rewritten_with_hashes_under_another_key_is_found(trail, app, runner):
    _rewrite_from(app, 3, keyed=True, actor="someone else")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at event 3: its content no longer matches its hash" in result.output


def test_events_from_before_the_key_still_verify_and_are_named(trail, app, runner):
    _rewrite_from(app, 1, keyed=False)  # as the trail was written before it was keyed
    with app.app_context():
        audit.record("dpo@example.com", "test.write", "thing", 6)
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 6 events" in result.output
    assert "Events 1 to 5 were written before the trail was keyed" in result.output


def test_a_whole_trail_rewritten_unkeyed_is_found_by_a_checkpoint(trail, app, runner):
    saved = _head(app)
    _rewrite_from(app, 1, keyed=False, actor="someone else")
    result = runner.invoke(args=["audit", "verify", "--checkpoint", saved])
    assert result.exit_code == 1
    assert "broken at event 5: its hash is not the one of the checkpoint" in result.output


def test_a_cut_tail_with_the_head_moved_back_is_found_by_a_checkpoint(trail, app, runner):
    saved = _head(app)
    with app.app_context():
        third = db.session.get(AuditEvent, 3)
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > 3))
        head = db.session.get(AuditHead, 1)
        head.last_event_id, head.last_hash = 3, third.hash
        db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # what no checkpoint can see
    result = runner.invoke(args=["audit", "verify", "--checkpoint", saved])
    assert result.exit_code == 1
    assert (
        "broken at event 4: the trail ends at event 3, but a checkpoint names event 5: "
        "events 4 to 5 are missing"
    ) in result.output


def test_an_earlier_checkpoint_the_trail_still_reaches_verifies(trail, app, runner):
    saved = _head(app)
    with app.app_context():
        audit.record("dpo@example.com", "test.write", "thing", 6)
        db.session.commit()
    result = runner.invoke(args=["audit", "verify", "--checkpoint", saved])
    assert result.exit_code == 0, result.output
    assert f"Its head: 6:{_head(app).split(':')[1]}" in result.output


def test_a_checkpoint_that_is_not_one_is_refused(trail, runner):
    result = runner.invoke(args=["audit", "verify", "--checkpoint", "5:not-a-hash"])
    assert result.exit_code == 2
    assert "is not a checkpoint SEQ:HASH" in result.output


@pytest.fixture
def announced(app, make_subprocessor):
    nimbus = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, nimbus), "t")
        db.session.commit()
        return notice.id, notice.announcement_hash


def test_verify_checks_the_published_announcement_hashes(announced, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_a_changed_announcement_hash_is_found(announced, app, runner):
    notice_id, _ = announced
    forged = "f" * 64
    published = sa.update(ChangeNotice).where(ChangeNotice.id == notice_id)
    _tamper(app, published.values(announcement_hash=forged))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"notice {notice_id} was published with the hash {forged}, not this event's hash" in (
        result.output
    )


@pytest.mark.parametrize("address", ["/feeds/changes.atom", "/feeds/changes.rss"])
def test_every_feed_publishes_the_head_as_a_checkpoint(trail, app, client, address):
    assert f"Audit trail checkpoint: {_head(app)}" in client.get(address).get_data(as_text=True)


def test_the_json_feed_and_the_changes_page_publish_the_checkpoint(trail, app, client):
    assert client.get("/feeds/changes.json").json["_audit_checkpoint"] == _head(app)
    assert _head(app).startswith("5:")
    assert _head(app) in client.get("/changes").get_data(as_text=True)


def test_an_events_before_and_after_values_can_be_opened_on_the_audit_page(runner, app, make_user):
    from tests.web import log_in

    make_user(email="admin@example.com")
    client = app.test_client()
    log_in(client, "admin@example.com")
    page = client.get("/admin/audit").text
    assert "<summary>Before and after</summary>" in page
    assert (
        "&#34;email&#34;: &#34;admin@example.com&#34;" in page
        or '"email": "admin@example.com"' in page
    )
