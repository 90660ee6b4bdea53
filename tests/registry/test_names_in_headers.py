"""Names reach email Subjects and feed titles, where a line break cannot go: the forms refuse
one, and a name stored with one before still makes every email of its notice. The other one-line
fields (an objector's organisation, a city …) refuse control characters too."""

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import ChangeKind, Objection, ProcessingLocation, Subprocessor
from registry.models.accounts import Role
from registry.notices import changes
from tests.mailbox import delivered, text_of
from tests.registry.test_drafts import _add_pune, _draft, editor  # noqa: F401  (a fixture)
from tests.registry.test_objections import notice_id, object_to  # noqa: F401  (a fixture)
from tests.registry.test_subscriptions import send_mail, subscribed
from tests.web import csrf_token, log_in

BROKEN_NAME = "Nimbus\r\nBcc: everyone@attacker.example\r\nCloud"
ONE_LINE_MESSAGE = "Write this on one line: line breaks, tabs and other control characters"


def test_every_subscriber_is_told_of_a_notice_whose_name_holds_a_line_break(
    app, client, runner, clock, make_subprocessor
):
    for address in ("dpo@customer.example", "legal@other.example"):
        subscribed(client, runner, app, email=address)
    proposed = make_subprocessor(name=BROKEN_NAME, status="proposed").id
    with app.app_context():  # through the service: an old row the forms never checked
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
    send_mail(runner)
    notices = [message for message in delivered(app) if "Nimbus" in message["Subject"]]
    assert sorted(message["To"] for message in notices) == [
        "dpo@customer.example",
        "legal@other.example",
    ]
    for message in notices:
        # The parser keeps the space of a header folded after its name.
        assert message["Subject"].strip() == (
            "Announced: New subprocessor: Nimbus Bcc: everyone@attacker.example Cloud"
        )
        assert message["Bcc"] is None
        assert "everyone@attacker.example" in text_of(message)


def test_a_feed_shows_a_name_with_a_control_character_on_one_line(
    app, client, clock, make_subprocessor
):
    proposed = make_subprocessor(name="Nimbus\x0bCloud", status="proposed").id
    with app.app_context():
        changes.announce(ChangeKind.ADDITION, db.session.get(Subprocessor, proposed), "t")
        db.session.commit()
    response = client.get("/feeds/changes.json")
    assert response.json["items"][0]["title"] == "Announced: New subprocessor: Nimbus Cloud"
    for address in ("/feeds/changes.rss", "/feeds/changes.atom"):
        assert "New subprocessor: Nimbus Cloud" in client.get(address).text


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Nimbus\r\nCloud"), ("legal_name", "Nimbus\tCloud Inc."), ("name", "Nimbus\u2028")],
)
def test_a_draft_whose_name_holds_a_control_character_is_refused(editor, field, value):  # noqa: F811
    client, terms = editor
    response = _draft(client, terms, **{field: value})
    assert response.status_code == 400
    assert ONE_LINE_MESSAGE in response.text


def test_an_editorial_correction_to_a_name_with_a_line_break_is_refused(
    app, client, make_user, make_subprocessor
):
    engaged = make_subprocessor(name="Nimbus Cloud")
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    address = f"/admin/subprocessors/{engaged.id}"
    form = {
        "csrf_token": csrf_token(client, address),
        "editorial-name": "Nimbus\nCloud",
        "editorial-legal_name": engaged.legal_name,
        "editorial-address": engaged.address,
        "editorial-website": engaged.website,
        "editorial-reason": "A typo in the name",
    }
    response = client.post(f"{address}/editorial", data=form)
    assert response.status_code == 400
    assert ONE_LINE_MESSAGE in response.text
    with app.app_context():
        assert db.session.get(Subprocessor, engaged.id).name == "Nimbus Cloud"


def test_an_objection_whose_organisation_holds_a_line_break_is_refused_and_not_stored(
    app,
    client,
    notice_id,  # noqa: F811
):
    response = object_to(client, notice_id, organisation="Acme\r\nTelecom SA")
    assert response.status_code == 400
    assert ONE_LINE_MESSAGE in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0


def test_a_location_whose_city_holds_a_tab_is_refused_and_not_stored(app, editor):  # noqa: F811
    client, terms = editor
    address = _draft(client, terms).headers["Location"]
    response = _add_pune(client, address, city="Pune\tMaharashtra")
    assert response.status_code == 400
    assert ONE_LINE_MESSAGE in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProcessingLocation.id))) == 0
