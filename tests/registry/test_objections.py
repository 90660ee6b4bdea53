"""Objections through the public pages: taken before the deadline only, counted once the
contact confirms by email, never twice, and each step on the audit trail."""

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEvent, ChangeKind, Objection, Subprocessor
from registry.notices import changes
from tests.mailbox import delivered, html_of, link_in, text_of
from tests.web import client_from, csrf_token

FORM = {
    "organisation": "Acme Telecom SA",
    "customer_reference": "C-1042",
    "contact_name": "Claire Dupont",
    "contact_email": "claire@acme.example",
    "grounds": "Our contract forbids transfers to the USA.",
}
DEADLINE = "December 2, 2026, 10:00 (Europe/Luxembourg)"


@pytest.fixture
def notice_id(app, clock, make_subprocessor):
    proposed = make_subprocessor(name="Nimbus Cloud", status="proposed").id
    with app.app_context():
        notice = changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
        return notice.id


def object_to(client, notice_id, token=None, **overrides):
    """Post the form; `token` is for a form fetched earlier (the page shows none once closed)."""
    address = f"/changes/{notice_id}/object"
    data = {"csrf_token": token or csrf_token(client, address), **FORM, **overrides}
    return client.post(address, data=data)


def send_mail(runner):
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def confirm(client, message):
    address = link_in(message, "/objections/confirm/")
    return client.post(address, data={"csrf_token": csrf_token(client, address)})


def objections(app) -> list[Objection]:
    with app.app_context():
        return db.session.scalars(sa.select(Objection)).all()


def test_the_notice_page_offers_the_objection_form_while_the_window_is_open(client, notice_id):
    page = client.get(f"/changes/{notice_id}").get_data(as_text=True)
    assert f'href="/changes/{notice_id}/object"' in page


def test_the_notice_page_no_longer_offers_it_after_the_deadline(client, clock, notice_id):
    clock.move(days=30)
    page = client.get(f"/changes/{notice_id}").get_data(as_text=True)
    assert f'href="/changes/{notice_id}/object"' not in page


def test_an_objection_sends_a_confirmation_link_to_the_contact(app, client, runner, notice_id):
    response = object_to(client, notice_id)
    send_mail(runner)
    assert response.status_code == 302
    [message] = delivered(app)
    assert message["To"] == "claire@acme.example"
    assert "/objections/confirm/" in text_of(message)


def test_the_confirmation_email_names_the_change_and_its_deadline(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    [message] = delivered(app)
    assert "New subprocessor: Nimbus Cloud" in message["Subject"]
    assert DEADLINE in text_of(message)
    assert DEADLINE in html_of(message)


def test_an_unconfirmed_objection_does_not_count(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    [objection] = objections(app)
    assert objection.state.value == "unconfirmed"


def test_following_the_link_alone_does_not_confirm(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    page = client.get(link_in(delivered(app)[0], "/objections/confirm/"))
    assert "Confirm my objection" in page.get_data(as_text=True)
    assert objections(app)[0].state.value == "unconfirmed"


def test_confirming_counts_the_objection(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    response = confirm(client, delivered(app)[0])
    assert response.status_code == 302
    assert objections(app)[0].state.value == "open"


def test_confirming_sends_an_acknowledgement_with_a_link_to_the_objection(
    app, client, runner, notice_id
):
    object_to(client, notice_id)
    send_mail(runner)
    confirm(client, delivered(app)[0])
    send_mail(runner)
    acknowledgement = delivered(app)[1]
    page = client.get(link_in(acknowledgement, "/objections/")).get_data(as_text=True)
    assert "Your objection is recorded" in acknowledgement["Subject"]
    assert "Received" in page and "Acme Telecom SA" in page


def test_confirming_twice_counts_once_and_acknowledges_once(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    token = csrf_token(client, address)
    for _double_click in range(2):
        client.post(address, data={"csrf_token": token})
    send_mail(runner)
    assert len(delivered(app)) == 2
    assert len(objections(app)) == 1


def test_objecting_twice_stores_one_objection(app, client, notice_id):
    object_to(client, notice_id)
    second = object_to(client, notice_id, contact_email="Claire@ACME.example")
    assert second.status_code == 302
    assert len(objections(app)) == 1


def test_a_repeated_objection_answers_exactly_as_a_first_one(client, notice_id):
    first = object_to(client, notice_id)
    second = object_to(client, notice_id)
    assert (
        client.get(first.headers["Location"]).get_data()
        == client.get(second.headers["Location"]).get_data()
    )


def test_confirmation_emails_for_one_objection_stop_after_three(
    app, client, runner, clock, notice_id
):
    for _ in range(5):
        object_to(client, notice_id)
        clock.move(minutes=11)
    send_mail(runner)
    assert len(delivered(app)) == 3


def test_a_double_click_sends_one_confirmation_email(app, client, runner, notice_id):
    object_to(client, notice_id)
    object_to(client, notice_id)
    send_mail(runner)
    assert len(delivered(app)) == 1


def test_one_address_gets_at_most_ten_confirmation_emails_a_day(app, runner, notice_id):
    from registry import objections as service
    from registry.models import ChangeNotice

    with app.app_context():  # past the form's rate limit, as several web processes would be
        notice = db.session.get(ChangeNotice, notice_id)
        for number in range(12):
            values = service.ObjectionValues(**{**FORM, "customer_reference": f"C-{number}"})
            service.submit(notice, values, "en")
        db.session.commit()
    send_mail(runner)
    assert len(delivered(app)) == 10


def test_submitting_again_before_confirming_does_not_change_the_pending_objection(
    app, client, notice_id
):
    object_to(client, notice_id)
    object_to(
        client,
        notice_id,
        grounds="Junk from someone who knows the address.",
        organisation="Someone Else Ltd",
    )
    [objection] = objections(app)
    assert (objection.grounds, objection.organisation) == (FORM["grounds"], FORM["organisation"])


def test_the_confirmation_page_shows_the_stored_wording_to_correct(app, client, runner, notice_id):
    object_to(client, notice_id, grounds="Junk typed by someone else.")
    send_mail(runner)
    page = client.get(link_in(delivered(app)[0], "/objections/confirm/")).text
    assert "Junk typed by someone else." in page


def test_the_owner_of_the_address_corrects_the_wording_as_they_confirm(
    app, client, runner, notice_id
):
    object_to(client, notice_id, grounds="Junk typed by someone else.")
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    wording = {
        "organisation": "Acme Telecom SA",
        "contact_name": "Claire Dupont",
        "grounds": "Our real grounds.",
    }
    client.post(address, data={"csrf_token": csrf_token(client, address), **wording})
    [objection] = objections(app)
    assert (objection.state.value, objection.grounds) == ("open", "Our real grounds.")


def test_a_correction_on_the_confirmation_page_is_on_the_audit_trail(
    app, client, runner, notice_id
):
    object_to(client, notice_id, grounds="Junk typed by someone else.")
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    wording = {**FORM, "grounds": "Our real grounds."}
    client.post(address, data={"csrf_token": csrf_token(client, address), **wording})
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "objection.confirmed")
        ).one()
        assert (event.before["grounds"], event.after["grounds"]) == (
            "Junk typed by someone else.",
            "Our real grounds.",
        )


def test_a_confirmation_that_empties_the_grounds_is_refused_and_counts_nothing(
    app, client, runner, notice_id
):
    object_to(client, notice_id)
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    response = client.post(
        address, data={"csrf_token": csrf_token(client, address), **FORM, "grounds": ""}
    )
    assert response.status_code == 400
    assert objections(app)[0].state.value == "unconfirmed"


def test_the_confirmation_page_lists_the_other_objections_awaiting_that_address(
    app, client, runner, notice_id
):
    object_to(client, notice_id, customer_reference="JUNK-1")
    send_mail(runner)
    first_email = delivered(app)[0]
    object_to(client, notice_id, customer_reference="C-1042")
    page = client.get(link_in(first_email, "/objections/confirm/")).text
    assert "C-1042" in page


def test_an_objection_whose_email_was_not_sent_can_be_confirmed_from_an_earlier_email(
    app, client, runner, notice_id
):
    import re

    for number in range(10):  # junk spends the address's confirmation emails for the day
        object_to(client, notice_id, customer_reference=f"JUNK-{number}")
    send_mail(runner)
    object_to(client, notice_id, customer_reference="C-1042", grounds="Our real grounds.")
    send_mail(runner)
    assert len(delivered(app)) == 10
    page = client.get(link_in(delivered(app)[0], "/objections/confirm/")).text
    [address] = re.findall(r'href="(/objections/confirm/[^"]+)">C-1042', page)
    client.post(address, data={"csrf_token": csrf_token(client, address)})
    [objection] = [o for o in objections(app) if o.customer_reference == "C-1042"]
    assert (objection.state.value, objection.grounds) == ("open", "Our real grounds.")


def test_a_confirmed_objection_is_not_changed_by_a_later_submission(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    confirm(client, delivered(app)[0])
    object_to(client, notice_id, grounds="Something else.")
    assert objections(app)[0].grounds == FORM["grounds"]


def test_a_confirmation_after_the_change_was_withdrawn_counts_nothing(
    app, client, runner, notice_id
):
    from registry.models import ChangeNotice

    object_to(client, notice_id)
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    token = csrf_token(client, address)
    with app.app_context():
        changes.withdraw(db.session.get(ChangeNotice, notice_id), "t", "Not needed after all")
        db.session.commit()
    response = client.post(address, data={"csrf_token": token})
    assert response.status_code == 409
    assert objections(app)[0].state.value == "unconfirmed"


def test_a_nul_character_in_a_field_is_refused(app, client, notice_id):
    response = object_to(client, notice_id, grounds="bad\x00byte")
    assert response.status_code == 400
    assert objections(app) == []


def test_a_nul_character_in_the_second_value_of_a_repeated_field_is_refused(app, client, notice_id):
    response = object_to(client, notice_id, grounds=["A first value", "bad\x00byte"])
    assert response.status_code == 400
    assert objections(app) == []


def test_an_objection_for_another_customer_is_another_objection(app, client, notice_id):
    object_to(client, notice_id)
    object_to(client, notice_id, customer_reference="C-2001")
    assert len(objections(app)) == 2


def test_a_late_objection_is_refused_with_the_deadline(client, clock, notice_id):
    token = csrf_token(client, f"/changes/{notice_id}/object")
    clock.move(days=30)
    response = object_to(client, notice_id, token)
    assert response.status_code == 409
    assert DEADLINE in response.get_data(as_text=True)


def test_a_late_objection_stores_nothing_and_sends_nothing(app, client, runner, clock, notice_id):
    token = csrf_token(client, f"/changes/{notice_id}/object")
    clock.move(days=30, seconds=1)
    object_to(client, notice_id, token)
    send_mail(runner)
    assert objections(app) == []
    assert delivered(app) == []


def test_the_form_of_a_change_in_effect_says_when_it_took_effect(app, client, clock, notice_id):
    clock.move(days=30)
    with app.app_context():
        changes.apply_due()
        db.session.commit()
    page = client.get(f"/changes/{notice_id}/object").get_data(as_text=True)
    assert "This change took effect on" in page
    assert DEADLINE in page


def test_the_form_after_the_deadline_shows_the_deadline_instead(client, clock, notice_id):
    clock.move(days=30)
    page = client.get(f"/changes/{notice_id}/object").get_data(as_text=True)
    assert DEADLINE in page
    assert '<form method="post" novalidate>' not in page


def test_an_objection_to_a_withdrawn_change_is_refused(app, client, notice_id):
    from registry.models import ChangeNotice

    token = csrf_token(client, f"/changes/{notice_id}/object")
    with app.app_context():
        changes.withdraw(db.session.get(ChangeNotice, notice_id), "t", "Not needed after all")
        db.session.commit()
    response = object_to(client, notice_id, token)
    assert response.status_code == 409
    assert "withdrawn" in response.get_data(as_text=True)


def test_a_confirmation_after_the_deadline_counts_an_objection_made_before_it(
    app, client, runner, clock, notice_id
):
    clock.move(days=29, hours=23)
    object_to(client, notice_id)
    send_mail(runner)
    clock.move(hours=2)
    confirm(client, delivered(app)[0])
    assert objections(app)[0].state.value == "open"


def test_an_expired_confirmation_link_is_refused_and_counts_nothing(
    app, client, runner, clock, notice_id
):
    object_to(client, notice_id)
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    token = csrf_token(client, address)
    clock.move(days=3, seconds=1)
    response = client.post(address, data={"csrf_token": token})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert objections(app)[0].state.value == "unconfirmed"


def test_an_altered_link_is_refused(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    path, _, query = address.partition("?")
    altered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (
        client.post(
            f"{altered}?{query}", data={"csrf_token": csrf_token(client, address)}
        ).status_code
        == 404
    )
    assert objections(app)[0].state.value == "unconfirmed"


def test_a_confirmation_link_does_not_open_the_state_page(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    address = link_in(delivered(app)[0], "/objections/confirm/")
    assert client.get(address.replace("/objections/confirm/", "/objections/")).status_code == 404


def test_a_bad_email_address_is_answered_in_the_form(app, client, notice_id):
    response = object_to(client, notice_id, contact_email="claire@")
    assert response.status_code == 400
    assert "is not an email address" in response.get_data(as_text=True)
    assert objections(app) == []


def test_missing_grounds_are_answered_in_the_form(app, client, notice_id):
    response = object_to(client, notice_id, grounds="  ")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_an_objection_without_a_csrf_token_is_refused(app, client, notice_id):
    response = client.post(f"/changes/{notice_id}/object", data=FORM)
    assert response.status_code == 400
    assert objections(app) == []


def test_the_emails_are_in_the_language_the_objector_used(app, client, runner, notice_id):
    client.get(f"/changes/{notice_id}/object?lang=de")  # the form page remembers it
    object_to(client, notice_id)
    send_mail(runner)
    [message] = delivered(app)
    assert message["Subject"].startswith("Bestätigen Sie Ihren Widerspruch")
    assert message["Content-Language"] == "de"


def test_the_emails_come_from_the_organisation_and_answer_to_the_dpo(
    app, client, runner, notice_id
):
    object_to(client, notice_id)
    send_mail(runner)
    [message] = delivered(app)
    assert message["From"] == "Mixvoip <dpo@mixvoip.com>"
    assert message["Reply-To"] == "dpo@mixvoip.com"
    assert message["Message-ID"].endswith("@mixvoip.com>")
    assert message["Date"]


def test_the_objection_form_is_rate_limited_per_client(client, notice_id):
    statuses = [
        object_to(client, notice_id, customer_reference=f"C-{n}").status_code for n in range(21)
    ]
    assert statuses == [302] * 20 + [429]


def test_junk_objections_naming_an_address_do_not_block_its_owner(app, notice_id):
    attacker = client_from(app, "203.0.113.9")
    for number in range(20):
        object_to(attacker, notice_id, customer_reference=f"JUNK-{number}")
    customer = client_from(app, "198.51.100.7")
    response = object_to(customer, notice_id, customer_reference="C-1042")
    assert response.status_code == 302
    assert "C-1042" in [objection.customer_reference for objection in objections(app)]


def test_a_refused_objection_does_not_count_against_the_client_limit(app, client, notice_id):
    for _ in range(20):
        object_to(client, notice_id, contact_email="not an address")
    response = object_to(client, notice_id)
    assert response.status_code == 302
    assert len(objections(app)) == 1


def test_submitting_and_confirming_are_on_the_audit_trail(app, client, runner, notice_id):
    object_to(client, notice_id)
    send_mail(runner)
    confirm(client, delivered(app)[0])
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["objection.submitted", "objection.confirmed"]
