"""Webhooks, the outbox's second channel, through the pages, the services and the worker's
command, into a real HTTP receiver on 127.0.0.1 that verifies every signature with the
`standardwebhooks` package's own verifier. The receiver answers 500 to the first attempts
where a test asks it to; the clock is moved between the worker's rounds; nothing sleeps."""

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from registry import objections, tokens
from registry.customers import notices as customer_notices
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChangeKind,
    ChangeNotice,
    Customer,
    CustomerNotice,
    DeliveryState,
    Objection,
    ObjectionOutcome,
    ObjectionState,
    OutboxMessage,
    Service,
    Subprocessor,
    WebhookAttempt,
    WebhookEndpoint,
)
from registry.models.accounts import Role
from registry.notices import changes
from tests.mailbox import delivered
from tests.web import csrf_token

SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]+")


@dataclass
class Receiver:
    """Takes POSTs on 127.0.0.1: answers `status` after `failures` answers of 500, and keeps
    what each request carried and which of `secrets` verify its signature."""

    failures: int = 0
    status: int = 200
    headers_out: dict = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)

    def handle(self, body: bytes, headers: dict) -> int:
        verified = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified.append(secret)
            except WebhookVerificationError:
                continue
        answer = 500 if self.failures > 0 else self.status
        self.failures -= 1
        self.requests.append(
            {"headers": headers, "body": json.loads(body), "verified": verified, "answer": answer}
        )
        return answer

    def events(self) -> list[tuple[str, str]]:
        """(webhook-id, type) of each request it took (2xx) with a verified signature."""
        return [
            (request["headers"]["webhook-id"], request["body"].get("type", ""))
            for request in self.requests
            if request["verified"] and 200 <= request["answer"] < 300
        ]


@pytest.fixture
def serve():
    """Starts receivers on random ports; stops them after the test."""
    servers = []

    def serve(receiver: Receiver) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.handle(body, dict(self.headers.items()))
                self.send_response(status)
                for name, value in receiver.headers_out.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                """The test's output stays quiet."""

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/hooks/registry"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def world(app, clock, make_term, make_entity, make_subprocessor, make_customer):
    """A customer with a contact, two subprocessors to add for its service, and an editor."""
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORK"] = True
    entity = make_entity(name="Example Telecom Luxembourg S.A.")
    service = make_term(Service, code="voice", name="Voice")
    customer = make_customer(entity, [service], organisation="Acme SA", reference="ACME-1")
    added = [
        make_subprocessor(name=name, status="proposed", services=[service], entities=[entity]).id
        for name in ("Voicebox", "Faxline")
    ]
    return {"customer": customer, "added": added}


@pytest.fixture
def editor(logged_in):
    return logged_in(Role.EDITOR)


def register(editor, customer_id, url, format="standard") -> tuple[int, str, str]:
    """Register an endpoint from the admin's customer page; its id, secret and the page."""
    address = f"/admin/customers/{customer_id}"
    response = editor.post(
        f"{address}/webhooks",
        data={
            "csrf_token": csrf_token(editor, address),
            "webhook-url": url,
            "webhook-format": format,
            "webhook-description": "DPO tooling",
        },
    )
    assert response.status_code == 200, response.text
    endpoint_id = int(re.findall(r'id="webhook-(\d+)"', response.text)[-1])
    return endpoint_id, SECRET.search(response.text).group(0), response.text


def press(editor, customer_id, endpoint_id, action):
    address = f"/admin/customers/{customer_id}"
    return editor.post(
        f"{address}/webhooks/{endpoint_id}/{action}",
        data={"csrf_token": csrf_token(editor, address)},
    )


def announce(app, subprocessor_id) -> int:
    with app.app_context():
        subprocessor = db.session.get(Subprocessor, subprocessor_id)
        notice = changes.announce(ChangeKind.ADDITION, subprocessor, "dpo@example.com")
        db.session.commit()
        return notice.id


def work(runner) -> None:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def work_through_retries(runner, clock, rounds=3) -> None:
    """Rounds a minute, two, four … apart: the outbox's backoff after each failure."""
    for minutes in [0, *(2**n for n in range(rounds - 1))]:
        clock.move(minutes=minutes, seconds=1)
        work(runner)


def endpoint(app, endpoint_id) -> WebhookEndpoint:
    with app.app_context():
        return db.session.get(WebhookEndpoint, endpoint_id)


def test_each_notice_event_reaches_each_endpoint_once_signed_through_two_500s(
    app, world, editor, runner, clock, serve
):
    receivers = [Receiver(failures=2), Receiver(failures=2)]
    for receiver in receivers:
        _id, secret, _page = register(editor, world["customer"], serve(receiver))
        receiver.secrets = [secret]
    kept, withdrawn = (announce(app, added) for added in world["added"])
    work_through_retries(runner, clock)
    with app.app_context():
        notice = db.session.get(ChangeNotice, withdrawn)
        changes.withdraw(notice, "dpo@example.com", "Another offer came.")
        db.session.commit()
    work_through_retries(runner, clock)
    clock.move(days=24)  # the customer's 30-day deadline is 7 days away: the reminder
    work(runner)
    clock.move(days=7)  # past the deadline: the change takes effect
    work(runner)
    wanted = ["notice.announced"] * 2 + ["notice.withdrawn", "notice.reminder", "notice.in_effect"]
    for receiver in receivers:
        ids = [webhook_id for webhook_id, _type in receiver.events()]
        assert sorted(kind for _id, kind in receiver.events()) == sorted(wanted)
        assert len(set(ids)) == len(ids) == 5
        assert all(request["verified"] for request in receiver.requests)
    assert kept != withdrawn


def test_a_change_held_for_an_approval_is_in_effect_for_the_endpoint_once_approved(
    app, editor, runner, clock, serve, make_entity, make_customer, make_term, make_subprocessor
):
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORK"] = True
    service = make_term(Service, code="fax", name="Fax")
    entity = make_entity(name="Specific S.A.")
    specific = make_customer(entity, [service], authorisation="specific", notice_days=30)
    added = make_subprocessor(
        name="Faxbox", status="proposed", services=[service], entities=[entity]
    )
    receiver = Receiver()
    _id, secret, _page = register(editor, specific, serve(receiver))
    receiver.secrets = [secret]
    announce(app, added.id)
    clock.move(days=31)
    work(runner)  # in effect for others; held for this customer until it approves
    held = [kind for _id, kind in receiver.events()]
    with app.app_context():
        record = db.session.scalar(
            sa.select(CustomerNotice).where(CustomerNotice.customer_id == specific)
        )
        customer_notices.approve(record, "its-contact", "its-contact")
        db.session.commit()
    work(runner)
    assert held == ["notice.announced"]
    assert [kind for _id, kind in receiver.events()] == ["notice.announced", "notice.in_effect"]


def test_a_retry_carries_the_same_webhook_id_and_each_attempt_is_logged(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver(failures=2)
    endpoint_id, _secret, _page = register(editor, world["customer"], serve(receiver))
    announce(app, world["added"][0])
    work_through_retries(runner, clock)
    with app.app_context():
        log = db.session.scalars(
            sa.select(WebhookAttempt).where(WebhookAttempt.endpoint_id == endpoint_id)
        ).all()
        statuses = [(attempt.status, attempt.delivered) for attempt in log]
    assert len({request["headers"]["webhook-id"] for request in receiver.requests}) == 1
    assert statuses == [(500, False), (500, False), (200, True)]


def test_the_standard_payload_holds_the_notice_and_the_customer_s_own_deadline(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    _id, secret, _page = register(editor, world["customer"], serve(receiver))
    receiver.secrets = [secret]
    notice_id = announce(app, world["added"][0])
    work(runner)
    [request] = receiver.requests
    body = request["body"]
    assert (body["type"], body["data"]["notice"]["id"]) == ("notice.announced", notice_id)
    assert body["data"]["customer"]["reference"] == "ACME-1"
    assert body["data"]["customer"]["objection_deadline"] == "2026-12-02T09:00:00Z"
    assert body["data"]["notice"]["url"].endswith(f"/changes/{notice_id}")
    assert body["timestamp"] == "2026-11-02T09:00:00Z"


def test_the_objection_outcome_reaches_the_customer_s_endpoint(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    _id, secret, _page = register(editor, world["customer"], serve(receiver))
    receiver.secrets = [secret]
    notice_id = announce(app, world["added"][0])
    with app.app_context():
        contact = db.session.get(Customer, world["customer"]).contacts[0]
        values = objections.ObjectionValues("", "", contact.name, "", "Not this one.")
        notice = db.session.get(ChangeNotice, notice_id)
        objection = objections.submit(notice, values, "en", known_address=True, contact=contact)
        db.session.flush()
        objections.triage(
            db.session.get(Objection, objection.id),
            "legal@example.com",
            ObjectionState.RESOLVED,
            ObjectionOutcome.DATA_EXCLUDED,
        )
        db.session.commit()
    work(runner)
    resolved = [r["body"] for r in receiver.requests if r["body"]["type"] == "objection.resolved"]
    assert [body["data"]["objection"]["outcome"] for body in resolved] == ["data_excluded"]


def test_a_slack_endpoint_gets_a_message_with_text_and_blocks(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    register(editor, world["customer"], serve(receiver), format="slack")
    announce(app, world["added"][0])
    work(runner)
    [request] = receiver.requests
    message = request["body"]
    [header, section, actions] = message["blocks"]
    assert message["text"].startswith("Announced: ")
    assert (header["type"], header["text"]["type"]) == ("header", "plain_text")
    assert section["type"] == "section" and 0 < len(section["fields"]) <= 10
    assert {each["type"] for each in section["fields"]} == {"mrkdwn"}
    assert actions["elements"][0]["type"] == "button"
    assert actions["elements"][0]["url"].startswith("http")


def test_a_teams_endpoint_gets_a_message_with_one_adaptive_card(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    register(editor, world["customer"], serve(receiver), format="teams")
    announce(app, world["added"][0])
    work(runner)
    message = receiver.requests[0]["body"]
    [attachment] = message["attachments"]
    card = attachment["content"]
    assert message["type"] == "message"
    assert (attachment["contentType"], attachment["contentUrl"]) == (
        "application/vnd.microsoft.card.adaptive",
        None,
    )
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.2")
    assert [element["type"] for element in card["body"]] == ["TextBlock", "FactSet"]
    assert card["actions"][0]["type"] == "Action.OpenUrl"


def test_during_the_rotation_s_overlap_old_and_new_secrets_both_verify(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    endpoint_id, old, _page = register(editor, world["customer"], serve(receiver))
    rotated = press(editor, world["customer"], endpoint_id, "rotate")
    new = SECRET.search(rotated.text).group(0)
    receiver.secrets = [old, new]
    announce(app, world["added"][0])
    work(runner)
    assert receiver.requests[0]["verified"] == [old, new]
    assert len(receiver.requests[0]["headers"]["webhook-signature"].split(" ")) == 2


def test_after_the_rotation_s_overlap_only_the_new_secret_verifies(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    endpoint_id, old, _page = register(editor, world["customer"], serve(receiver))
    new = SECRET.search(press(editor, world["customer"], endpoint_id, "rotate").text).group(0)
    receiver.secrets = [old, new]
    clock.move(hours=24, seconds=1)
    announce(app, world["added"][0])
    work(runner)
    assert receiver.requests[0]["verified"] == [new]


def test_an_endpoint_failing_again_and_again_is_disabled_and_the_contacts_are_emailed(
    app, world, editor, runner, clock, serve
):
    app.config["WEBHOOK_DISABLE_AFTER_FAILURES"] = 3
    receiver = Receiver(status=503)
    endpoint_id, _secret, _page = register(editor, world["customer"], serve(receiver))
    announce(app, world["added"][0])
    work_through_retries(runner, clock, rounds=5)
    disabled = endpoint(app, endpoint_id)
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent.actor).where(AuditEvent.action == "webhook.disabled")
        ).all()
        message = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.channel == "webhook")
        )
    subjects = [email["Subject"] for email in delivered(app)]
    assert (disabled.enabled, disabled.consecutive_failures, len(receiver.requests)) == (
        False,
        3,
        3,
    )
    assert events == ["worker"]
    assert "Your webhook endpoint is disabled: Acme SA" in subjects
    assert (message.state, message.last_error) == (
        DeliveryState.FAILED,
        "the endpoint is disabled",
    )


def test_enabling_a_disabled_endpoint_from_the_customer_s_view_sends_what_it_missed(
    app, world, editor, runner, clock, serve
):
    app.config["WEBHOOK_DISABLE_AFTER_FAILURES"] = 1
    receiver = Receiver(failures=1)
    endpoint_id, secret, _page = register(editor, world["customer"], serve(receiver))
    receiver.secrets = [secret]
    announce(app, world["added"][0])
    work_through_retries(runner, clock, rounds=2)
    with app.app_context():
        contact_id = db.session.get(Customer, world["customer"]).contacts[0].id
        view = f"/customer/{tokens.sign(tokens.Purpose.CUSTOMER_VIEW, contact_id)}"
    client = app.test_client()
    enabled = client.post(
        f"{view}/webhooks/{endpoint_id}/enable", data={"csrf_token": csrf_token(client, view)}
    )
    work(runner)
    assert enabled.status_code == 303
    assert [kind for _id, kind in receiver.events()] == ["notice.announced"]
    assert endpoint(app, endpoint_id).enabled


def test_the_customer_s_view_shows_each_endpoint_s_attempts(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver(failures=1)
    endpoint_id, _secret, _page = register(editor, world["customer"], serve(receiver))
    announce(app, world["added"][0])
    work_through_retries(runner, clock, rounds=2)
    with app.app_context():
        contact_id = db.session.get(Customer, world["customer"]).contacts[0].id
        view = f"/customer/{tokens.sign(tokens.Purpose.CUSTOMER_VIEW, contact_id)}"
    page = app.test_client().get(view).text
    assert f'id="webhook-{endpoint_id}"' in page
    assert "500 Internal Server Error" in page and "delivered: 200" in page
    assert SECRET.search(page) is None  # the secret was shown once, at registration


def test_a_private_address_is_refused_without_the_setting_and_nothing_is_stored(app, world, editor):
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORK"] = False
    address = f"/admin/customers/{world['customer']}"
    answers = [
        editor.post(
            f"{address}/webhooks",
            data={
                "csrf_token": csrf_token(editor, address),
                "webhook-url": url,
                "webhook-format": "standard",
            },
        )
        for url in ("https://127.0.0.1/hook", "https://10.1.2.3/hook", "http://hooks.example/x")
    ]
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(WebhookEndpoint))
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert "127.0.0.1 is not a public address" in answers[0].text
    assert "Give an address that starts with https://." in answers[2].text
    assert stored == 0


def test_a_delivery_to_an_address_no_longer_allowed_is_refused_before_connecting(
    app, world, editor, runner, clock, serve
):
    receiver = Receiver()
    endpoint_id, _secret, _page = register(editor, world["customer"], serve(receiver))
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORK"] = False
    announce(app, world["added"][0])
    work(runner)
    with app.app_context():
        [attempt] = db.session.scalars(sa.select(WebhookAttempt)).all()
    assert receiver.requests == []
    assert (attempt.status, attempt.error) == (None, "Give an address that starts with https://.")
    assert endpoint(app, endpoint_id).consecutive_failures == 1


def test_a_redirect_is_not_followed(app, world, editor, runner, clock, serve):
    receiver = Receiver(status=302, headers_out={"Location": "http://127.0.0.1:9/elsewhere"})
    register(editor, world["customer"], serve(receiver))
    announce(app, world["added"][0])
    work(runner)
    with app.app_context():
        [attempt] = db.session.scalars(sa.select(WebhookAttempt)).all()
        message = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.channel == "webhook")
        )
    assert len(receiver.requests) == 1
    assert "redirect to http://127.0.0.1:9/elsewhere not followed" in attempt.error
    assert (message.state, message.attempts) == (DeliveryState.QUEUED, 1)


def test_a_test_event_goes_to_the_endpoint_alone(app, world, editor, runner, clock, serve):
    receiver = Receiver()
    endpoint_id, secret, _page = register(editor, world["customer"], serve(receiver))
    receiver.secrets = [secret]
    pressed = press(editor, world["customer"], endpoint_id, "test")
    work(runner)
    assert pressed.status_code == 302
    assert [kind for _id, kind in receiver.events()] == ["webhook.test"]


def test_a_deleted_endpoint_gets_nothing_more(app, world, editor, runner, clock, serve):
    receiver = Receiver()
    endpoint_id, _secret, _page = register(editor, world["customer"], serve(receiver))
    announce(app, world["added"][0])
    press(editor, world["customer"], endpoint_id, "delete")
    work(runner)
    assert receiver.requests == []
    assert endpoint(app, endpoint_id) is None


def test_another_customer_s_endpoint_is_not_found_from_a_customer_s_view(
    app, world, editor, make_entity, make_customer, make_term
):
    endpoint_id, _secret, _page = register(editor, world["customer"], "http://127.0.0.1:9/x")
    other = make_customer(
        make_entity(name="Other S.A."),
        [make_term(Service, code="fax", name="Fax")],
        contacts=(("Olga", "olga@other.example"),),
    )
    with app.app_context():
        contact_id = db.session.get(Customer, other).contacts[0].id
        view = f"/customer/{tokens.sign(tokens.Purpose.CUSTOMER_VIEW, contact_id)}"
    client = app.test_client()
    answer = client.post(
        f"{view}/webhooks/{endpoint_id}/delete", data={"csrf_token": csrf_token(client, view)}
    )
    assert answer.status_code == 404
    assert endpoint(app, endpoint_id) is not None
