"""Email notices: double opt-in, one message per confirmed subscriber and notice event, with
what changes, the deadline, a signed objection link and a one-click unsubscribe (RFC 8058)."""

import re

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import (
    AuditEvent,
    ChangeKind,
    ChangeNotice,
    Objection,
    Service,
    Subprocessor,
    Subscriber,
)
from registry.models.accounts import Role
from registry.notices import changes
from tests.mailbox import delivered, html_of, link_in, text_of
from tests.web import client_from, csrf_token

DEADLINE = "December 2, 2026, 10:00 (Europe/Luxembourg)"


def subscribe(client, email="dpo@customer.example", **fields):
    data = {
        "csrf_token": csrf_token(client, "/subscribe"),
        "email": email,
        "language": "en",
        **fields,
    }
    return client.post("/subscribe", data=data)


def send_mail(runner):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def subscribed(client, runner, app, email="dpo@customer.example", **fields):
    """A confirmed subscriber, through the form and the emailed link."""
    subscribe(client, email, **fields)
    send_mail(runner)
    address = link_in(delivered(app)[-1], "/subscriptions/confirm/")
    client.post(address, data={"csrf_token": csrf_token(client, address)})


@pytest.fixture
def announce(app, clock, make_subprocessor):
    def announce(**subprocessor):
        proposed = make_subprocessor(name="Nimbus Cloud", status="proposed", **subprocessor).id
        with app.app_context():
            notice = changes.announce(
                ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "dpo@mixvoip.com"
            )
            db.session.commit()
            return notice.id

    return announce


def notice_emails(app):
    return [message for message in delivered(app) if "Nimbus Cloud" in message["Subject"]]


def subscribers(app) -> list[Subscriber]:
    with app.app_context():
        return db.session.scalars(sa.select(Subscriber)).all()


def test_subscribing_sends_a_confirmation_link(app, client, runner, clock):
    response = subscribe(client)
    send_mail(runner)
    assert response.status_code == 302
    [message] = delivered(app)
    assert "/subscriptions/confirm/" in text_of(message)


def test_a_subscriber_gets_nothing_before_confirming(app, client, runner, announce):
    subscribe(client)
    announce()
    send_mail(runner)
    assert notice_emails(app) == []


def test_a_confirmed_subscriber_gets_the_announcement(app, client, runner, announce):
    subscribed(client, runner, app)
    announce()
    send_mail(runner)
    [message] = notice_emails(app)
    assert message["Subject"] == "Announced: New subprocessor: Nimbus Cloud"


def test_subscribing_twice_keeps_one_record_and_answers_the_same(app, client, runner, clock):
    first = subscribe(client)
    second = subscribe(client, email="DPO@Customer.example")
    assert (first.status_code, first.headers["Location"]) == (
        second.status_code,
        second.headers["Location"],
    )
    assert len(subscribers(app)) == 1


def test_a_subscribed_address_answers_as_a_new_one_and_gets_no_email(app, client, runner, clock):
    subscribed(client, runner, app)
    sent_before = len(delivered(app))
    again = subscribe(client)
    send_mail(runner)
    assert again.headers["Location"].endswith("/subscribe/sent")
    assert len(delivered(app)) == sent_before


def test_a_bad_address_is_answered_in_the_form(client, clock):
    response = subscribe(client, email="not-an-address")
    assert response.status_code == 400
    assert "is not an email address" in response.text


def test_the_subscribe_form_is_rate_limited_per_client(client, clock):
    statuses = [subscribe(client, email=f"reader{n}@example.com").status_code for n in range(21)]
    assert statuses == [302] * 20 + [429]


def test_subscribing_an_address_many_times_does_not_block_its_owner(app, clock):
    from registry.models import Subscriber

    attacker = client_from(app, "203.0.113.9")
    for _ in range(20):
        subscribe(attacker, email="victim@example.com")
    owner = client_from(app, "198.51.100.7")
    assert subscribe(owner, email="victim@example.com").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 1


def test_a_refused_subscription_does_not_count_against_the_client_limit(client, clock):
    for _ in range(20):
        subscribe(client, email="not an address")
    assert subscribe(client).status_code == 302
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 1


@pytest.mark.parametrize("services", [[""], ["", "999"], ["   "]])
def test_a_blank_or_unknown_service_is_refused_in_the_form_and_subscribes_nobody(
    app, client, clock, services
):
    response = subscribe(client, services=services)
    assert response.status_code == 400
    assert "Choose services from the list, or none to hear of every change." in response.text
    with app.app_context():
        assert db.session.scalars(sa.select(Subscriber)).all() == []


def test_the_notice_email_says_what_changes_and_the_deadline(app, client, runner, announce):
    subscribed(client, runner, app)
    announce()
    send_mail(runner)
    [message] = notice_emails(app)
    assert DEADLINE in text_of(message) and DEADLINE in html_of(message)
    assert "Name: — → Nimbus Cloud" in text_of(message)


def test_the_notice_email_has_correct_headers(app, client, runner, announce):
    app.config["PUBLIC_URL"] = "https://subprocessors.mixvoip.example"
    subscribed(client, runner, app)
    announce()
    send_mail(runner)
    [message] = notice_emails(app)
    assert message["From"] == "Mixvoip <dpo@mixvoip.com>"
    assert message["Reply-To"] == "dpo@mixvoip.com"
    assert message["To"] == "dpo@customer.example"
    assert re.fullmatch(r"<notice_announced\.\d+\.\d+\.\d+@mixvoip\.com>", message["Message-ID"])
    assert message["List-Unsubscribe"].startswith("<https://subprocessors.mixvoip.example/unsub")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_notice_email_is_in_the_subscribers_language(app, client, runner, announce):
    subscribed(client, runner, app, language="fr")
    announce()
    send_mail(runner)
    [message] = notice_emails(app)
    assert message["Subject"].startswith("Annoncé")
    assert "2 décembre 2026" in text_of(message)


def test_each_subscriber_gets_their_own_unsubscribe_link(app, client, runner, announce):
    subscribed(client, runner, app, email="a@customer.example")
    subscribed(client, runner, app, email="b@customer.example")
    announce()
    send_mail(runner)
    links = {link_in(message, "/unsubscribe/") for message in notice_emails(app)}
    assert len(links) == 2


def test_one_click_unsubscribes_without_a_csrf_token(app, client, runner, announce):
    subscribed(client, runner, app)
    announce()
    send_mail(runner)
    address = link_in(notice_emails(app)[0], "/unsubscribe/")
    response = client.post(address, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert subscribers(app)[0].state.value == "unsubscribed"


def test_opening_the_unsubscribe_link_alone_changes_nothing(app, client, runner, announce):
    subscribed(client, runner, app)
    announce()
    send_mail(runner)
    client.get(link_in(notice_emails(app)[0], "/unsubscribe/"))
    assert subscribers(app)[0].state.value == "confirmed"


def test_an_unsubscribed_address_gets_nothing_more(app, client, runner, clock, make_subprocessor):
    subscribed(client, runner, app)
    subscriber_id = subscribers(app)[0].id
    with app.app_context():
        from registry import subscriptions

        subscriptions.unsubscribe(db.session.get(Subscriber, subscriber_id))
        db.session.commit()
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
    send_mail(runner)
    assert notice_emails(app) == []


def test_a_subscriber_of_one_service_hears_only_of_its_changes(
    app, client, runner, announce, make_term
):
    pbx, sms = make_term(Service, name="Cloud PBX"), make_term(Service, name="SMS")
    subscribed(client, runner, app, services=str(pbx.id))
    announce(services=[sms])
    send_mail(runner)
    assert notice_emails(app) == []


def test_a_subscriber_of_one_service_hears_of_a_change_touching_it(
    app, client, runner, announce, make_term
):
    pbx = make_term(Service, name="Cloud PBX")
    subscribed(client, runner, app, services=str(pbx.id))
    announce(services=[pbx])
    send_mail(runner)
    assert len(notice_emails(app)) == 1


def test_the_objection_link_in_a_notice_email_counts_the_objection_at_once(
    app, client, runner, announce
):
    subscribed(client, runner, app)
    notice_id = announce()
    send_mail(runner)
    address = link_in(notice_emails(app)[0], f"/changes/{notice_id}/object")
    page = client.get(address).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    subscriber = re.search(r'name="subscriber"[^>]*value="([^"]+)"', page).group(1)
    form = {
        "csrf_token": token,
        "subscriber": subscriber,
        "organisation": "Customer SA",
        "customer_reference": "C-7",
        "contact_name": "Dana",
        "grounds": "No.",
        "contact_email": "dpo@customer.example",
    }
    response = client.post(f"/changes/{notice_id}/object", data=form)
    assert "/objections/" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalars(sa.select(Objection.state)).one().value == "open"


def test_the_objection_link_is_good_for_its_notice_only(
    app, client, runner, announce, clock, make_subprocessor
):
    subscribed(client, runner, app)
    notice_id = announce()
    send_mail(runner)
    other = make_subprocessor(name="Other", status="proposed").id
    with app.app_context():
        other_id = changes.announce(
            ChangeKind.ADDITION, db.session.get(Subprocessor, other), "t"
        ).id
        db.session.commit()
    address = link_in(notice_emails(app)[0], f"/changes/{notice_id}/object")
    page = client.get(address.replace(f"/changes/{notice_id}/", f"/changes/{other_id}/")).text
    assert "Your address is known" not in page


def test_subscribers_are_reminded_seven_days_before_the_deadline_once(
    app, client, runner, announce, clock
):
    subscribed(client, runner, app)
    announce()
    clock.move(days=22, hours=23)
    send_mail(runner)
    too_early = len(notice_emails(app))
    clock.move(hours=1)
    send_mail(runner)
    send_mail(runner)
    reminders = [m for m in notice_emails(app) if m["Subject"].startswith("Reminder")]
    assert (too_early, len(reminders)) == (1, 1)
    assert DEADLINE in reminders[0]["Subject"]


def test_no_reminder_when_reminders_are_off(app, client, runner, announce, clock):
    app.config["NOTICE_REMINDER_DAYS"] = 0
    subscribed(client, runner, app)
    announce()
    clock.move(days=29)
    send_mail(runner)
    assert [m["Subject"] for m in notice_emails(app)] == [
        "Announced: New subprocessor: Nimbus Cloud"
    ]


def test_a_withdrawal_is_emailed(app, client, runner, announce):
    subscribed(client, runner, app)
    notice_id = announce()
    with app.app_context():
        changes.withdraw(db.session.get(ChangeNotice, notice_id), "t", "Contract not signed")
        db.session.commit()
    send_mail(runner)
    withdrawal = notice_emails(app)[-1]
    assert withdrawal["Subject"] == "Withdrawn: New subprocessor: Nimbus Cloud"
    assert "Contract not signed" in text_of(withdrawal)


def test_the_admin_sees_delivery_counts_per_notice(app, client, runner, announce, make_user):
    from tests.web import log_in

    subscribed(client, runner, app, email="a@customer.example")
    subscribed(client, runner, app, email="b@customer.example")
    notice_id = announce()
    send_mail(runner)
    make_user(email="legal@mixvoip.com", role=Role.VIEWER)
    log_in(client, "legal@mixvoip.com")
    page = client.get(f"/admin/changes/{notice_id}/deliveries").text
    assert (
        '<th scope="row">Announcement</th><td data-label="Queued">0</td>'
        '<td data-label="Sent">2</td><td data-label="Failed">0</td>'
    ) in page


def test_an_admin_resends_failed_emails_and_it_is_audited(app, client, runner, announce, make_user):
    from registry.models import DeliveryState, MessageKind, OutboxMessage
    from tests.web import log_in

    subscribed(client, runner, app)
    notice_id = announce()
    with app.app_context():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.kind == MessageKind.NOTICE_ANNOUNCED)
            .values(state=DeliveryState.FAILED, last_error="550 no")
        )
        db.session.commit()
    make_user(email="legal@mixvoip.com", role=Role.ADMIN)
    log_in(client, "legal@mixvoip.com")
    token = csrf_token(client, f"/admin/changes/{notice_id}/deliveries")
    client.post(f"/admin/changes/{notice_id}/resend-failed", data={"csrf_token": token})
    send_mail(runner)
    assert len(notice_emails(app)) == 1
    with app.app_context():
        action = db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc()))
    assert action == "notice.emails_resent"


def test_a_double_click_on_subscribe_sends_one_confirmation(app, client, runner, clock):
    subscribe(client)
    subscribe(client)
    send_mail(runner)
    assert len(delivered(app)) == 1


def test_erasing_a_subscriber_forgets_the_address_everywhere(app, client, runner, announce):
    from registry.models import OutboxMessage

    subscribed(client, runner, app)
    announce()
    result = runner.invoke(args=["subscribers", "erase", "dpo@customer.example"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert subscribers(app) == []
    assert recipients == {"erased@erased.invalid"}


def test_after_an_erasure_the_next_subscriber_gets_a_new_id_its_email_and_no_old_link(
    app, client, runner, clock
):
    subscribe(client, "first@customer.example")
    send_mail(runner)
    old_link = link_in(delivered(app)[-1], "/subscriptions/confirm/")
    assert runner.invoke(args=["subscribers", "erase", "first@customer.example"]).exit_code == 0
    subscribe(client, "second@customer.example")
    send_mail(runner)
    assert [message["To"] for message in delivered(app)] == [
        "first@customer.example",
        "second@customer.example",
    ]
    response = client.post(old_link, data={"csrf_token": csrf_token(client, "/subscribe")})
    assert response.status_code == 404
    with app.app_context():
        (newcomer,) = db.session.scalars(sa.select(Subscriber))
        assert (newcomer.email, newcomer.state.value) == ("second@customer.example", "pending")


def test_the_form_reached_from_a_notice_email_does_not_ask_to_confirm_by_email(
    app, client, runner, announce
):
    subscribed(client, runner, app)
    notice_id = announce()
    send_mail(runner)
    page = client.get(link_in(notice_emails(app)[0], f"/changes/{notice_id}/object")).text
    assert "the objection counts as soon as you send it" in page
    assert "counts once you confirm" not in page
