"""A change notice as a decision document: what the subprocessor does and, for each location
the change concerns, the country's status, the ground, the SCC module and the measures, in the
reader's language, on the page, in the email and in the feed."""

import re

import pytest
from babel.messages.pofile import read_po

from registry.extensions import db
from registry.models import (
    ChangeKind,
    DataCategory,
    DataSubjectCategory,
    Purpose,
    Service,
    Subprocessor,
)
from registry.notices import changes
from registry.register.values import LocationValues
from tests.mailbox import delivered, text_of

MAKATI = LocationValues(
    country="PH",
    role="support_access",
    city="Makati City",
    transfer_tool="scc",
    scc_module=3,
    scc_decision="2021/914",
    measures=["T-TRANSIT-ENCRYPTION"],
)
TRANSLATED = {
    Purpose: ("Customer support", {"de": "Kundensupport", "fr": "Support client"}),
    Service: ("Cloud PBX", {"de": "Cloud-Telefonanlage", "fr": "Standard téléphonique cloud"}),
    DataCategory: ("Call metadata", {"de": "Anruf-Metadaten", "fr": "Métadonnées d'appel"}),
    DataSubjectCategory: ("Callers", {"de": "Anrufer", "fr": "Appelants"}),
}


@pytest.fixture
def notice_id(app, clock, make_subprocessor, make_term):
    terms = {
        model: make_term(model, name=name, translations=translations)
        for model, (name, translations) in TRANSLATED.items()
    }
    engaged = make_subprocessor(
        name="Harbourline Support",
        purposes=[terms[Purpose]],
        services=[terms[Service]],
        data_categories=[terms[DataCategory]],
        data_subject_categories=[terms[DataSubjectCategory]],
    )
    with app.app_context():
        subprocessor = db.session.get(Subprocessor, engaged.id)
        notice = changes.announce(ChangeKind.NEW_LOCATION, subprocessor, "t", new_location=MAKATI)
        db.session.commit()
        return notice.id


def decision_text(client, notice_id, language="en") -> str:
    page = client.get(f"/changes/{notice_id}?lang={language}").text
    section = page[
        page.index('class="panel decision"') : page.index(
            "</section>", page.index('class="panel decision"')
        )
    ]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_the_notice_of_a_new_location_says_the_country_has_no_adequacy_decision(client, notice_id):
    assert "Philippines, Makati City" in decision_text(client, notice_id)
    assert "No adequacy decision" in decision_text(client, notice_id)


def test_the_notice_names_the_ground_and_the_scc_module(client, notice_id):
    assert "Module 3, processor to processor" in decision_text(client, notice_id)


def test_the_notice_names_the_measures_with_the_edpbs_view_of_them(client, notice_id):
    text = decision_text(client, notice_id)
    assert "transport and end-to-end encryption" in text and "Use Case 3" in text


def test_the_notice_says_the_data_newly_leave_the_eea(client, notice_id):
    assert (
        "Data will go to a country outside the EEA it did not go to before: Philippines."
        in decision_text(client, notice_id)
    )


def test_the_notice_says_what_the_subprocessor_does_and_for_which_services(client, notice_id):
    text = decision_text(client, notice_id)
    assert "Customer support" in text and "Cloud PBX" in text and "Callers" in text


def test_the_notice_keeps_what_was_announced_when_the_register_changes_later(
    app, client, notice_id
):
    with app.app_context():
        subprocessor = db.session.scalar(
            db.select(Subprocessor).where(Subprocessor.name == "Harbourline Support")
        )
        subprocessor.purposes = []
        db.session.commit()
    assert "Customer support" in decision_text(client, notice_id)


def test_the_api_gives_the_decision_facts_of_a_notice(client, notice_id):
    [notice] = client.get("/api/v1/changes").json["changes"]
    [new] = [loc for loc in notice["decision"]["locations"] if loc["place"] == "new"]
    assert (new["country"], new["transfer"]["ground"]["scc_module"]) == ("PH", 3)


def test_a_notice_says_false_of_a_flag_its_new_location_left_to_the_default(client, notice_id):
    # The location is kept before its row is written, when its defaults are still None.
    [notice] = client.get("/api/v1/changes").json["changes"]
    grounds = [loc["transfer"]["ground"] for loc in notice["decision"]["locations"]]
    assert {ground["swiss_adaptation"] for ground in grounds if ground} == {False}


def test_the_public_notice_gives_no_verdict(client, notice_id):
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert all("verdict" not in loc["transfer"] for loc in notice["decision"]["locations"])


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_notice_page_has_no_english_left(client, notice_id, language):
    page = client.get(f"/changes/{notice_id}?lang={language}").text
    main = page[page.index("<main") : page.index("</main>")]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
    with open(f"registry/translations/{language}/LC_MESSAGES/messages.po", "rb") as catalog:
        messages = list(read_po(catalog))
    # Each source string's longest run of words between placeholders, where it says something.
    english = [
        message.id
        for message in messages
        if isinstance(message.id, str)
        and message.string != message.id
        and len(part := max(re.split(r"%\(\w+\)[sd]", message.id), key=len).strip()) > 12
        and part in text
    ]
    vocabulary = [name for name, _ in TRANSLATED.values() if name in text]
    assert english + vocabulary == []


@pytest.fixture
def subscriber(app, clock):
    from registry import subscriptions

    with app.app_context():
        subscriptions.confirm(subscriptions.subscribe("dpo@customer.example", "en", []))
        db.session.commit()


def test_the_notice_email_carries_the_decision_facts(app, runner, subscriber, notice_id):
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    [notice_email] = [m for m in delivered(app) if "Makati" in text_of(m)]
    text = text_of(notice_email)
    assert "No adequacy decision" in text and "module 3" in text


def test_the_feed_entry_carries_the_decision_facts(client, notice_id):
    feed = client.get("/feeds/changes.atom").text
    assert "Data will go to a country outside the EEA it did not go to before" in feed
