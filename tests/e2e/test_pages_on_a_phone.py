"""In a real browser 390 px wide: every public and admin page fits the screen in each language
(nothing scrolls sideways, down to 320 px), and axe-core finds no serious or critical
accessibility violation on it. axe-core audits each page in one language, the languages taking
turns from page to page: its rules read the markup, which the three languages share, and an
audit costs a second where the fit costs a tenth.

One demo register, one server and one browser context per language and audience serve the whole
module; each (page, language) is a test of its own."""

import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from registry import (
    accounts,
    assessments,
    create_app,
    customers,
    objections,
    subscriptions,
    tokens,
)
from registry.customers import notices as customer_notices
from registry.demo import load_demo
from registry.extensions import db
from registry.models import (
    Authorisation,
    ChangeNotice,
    CustomerContact,
    ProcessingLocation,
    Subprocessor,
)
from registry.models.accounts import Role
from registry.register import drafts
from tests import conftest
from tests.web import PASSWORD

PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}
LANGUAGES = ("en", "de", "fr")
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ADMIN = "admin@example.com"

# (name, address with {placeholders} filled from the demo, who looks at it)
PAGES = [
    ("register", "/subprocessors", "public"),
    ("register-filtered", "/subprocessors?country=US", "public"),
    ("subprocessor", "/subprocessors/{subprocessor}", "public"),
    ("transfers", "/transfers", "public"),
    ("changes", "/changes", "public"),
    ("snapshots", "/snapshots", "public"),
    ("changes-diff", "/changes/diff?from=2026-09-01&to=2026-11-02", "public"),
    ("register-on-a-day", "/subprocessors?on=2026-11-01", "public"),
    ("change-open", "/changes/{open_notice}", "public"),
    ("change-effective", "/changes/{effective_notice}", "public"),
    ("object", "/changes/{open_notice}/object", "public"),
    ("subscribe", "/subscribe", "public"),
    ("subscribe-sent", "/subscribe/sent", "public"),
    ("subscription-confirm", "/subscriptions/confirm/{subscription_token}", "public"),
    ("unsubscribe", "/unsubscribe/{unsubscribe_token}", "public"),
    ("objection-sent", "/changes/{open_notice}/object/sent", "public"),
    ("objection-confirm", "/objections/confirm/{confirm_token}", "public"),
    ("objection-state", "/objections/{state_token}", "public"),
    ("customer-access", "/customer", "public"),
    ("customer-access-sent", "/customer/sent", "public"),
    ("customer-view", "/customer/{customer_token}", "public"),
    ("api-reference", "/api", "public"),
    ("not-found", "/no-such-page", "public"),
    ("login", "/admin/login", "public"),
    ("admin-dashboard", "/admin/", "admin"),
    ("admin-changes", "/admin/changes", "admin"),
    ("admin-deliveries", "/admin/changes/{open_notice}/deliveries", "admin"),
    ("admin-subprocessor", "/admin/subprocessors/{subprocessor}", "admin"),
    ("admin-draft", "/admin/subprocessors/{draft}", "admin"),
    ("admin-new-subprocessor", "/admin/subprocessors/new", "admin"),
    ("admin-transfers", "/admin/transfers", "admin"),
    ("admin-assessments", "/admin/assessments", "admin"),
    ("admin-assessment", "/admin/assessments/{assessment}", "admin"),
    ("admin-assessment-edit", "/admin/assessments/{assessment}/edit", "admin"),
    ("admin-objections", "/admin/objections", "admin"),
    ("admin-objection", "/admin/objections/{objection}", "admin"),
    ("admin-change", "/admin/changes/{open_notice}", "admin"),
    ("admin-customers", "/admin/customers", "admin"),
    ("admin-customer-new", "/admin/customers/new", "admin"),
    ("admin-audit", "/admin/audit", "admin"),
    ("admin-users", "/admin/users", "admin"),
]

PAGE_ADDRESSES = [address for _name, address, _audience in PAGES]

# What makes the page wider than the screen: the element whose hiding ends the overflow, then
# the one within it, and so on down (what a failure names).
OVERFLOWING = """() => {
  const wide = () => document.documentElement.scrollWidth > window.innerWidth;
  const path = [];
  for (let node = document.body, culprit; node; node = culprit) {
    culprit = [...node.children].find((child) => {
      const display = child.style.display;
      child.style.display = "none";
      const fits = !wide();
      child.style.display = display;
      return fits;
    });
    if (culprit) path.push(culprit.outerHTML.slice(0, 120));
  }
  return path;
}"""


@dataclass
class Site:
    url: str
    ids: dict[str, int | str]


@pytest.fixture(scope="module")
def site(migrated_database, tmp_path_factory):
    """The demo register with an admin, a draft, an assessment and an objection, served on
    loopback at a stopped clock."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("INSTANCE_PATH", str(tmp_path_factory.mktemp("phone-instance")))
        app = create_app(conftest.test_config(migrated_database))
        app.config.update(CLOCK=lambda: NOW, WTF_CSRF_SSL_STRICT=False)
        with app.app_context():
            ids = _fill_the_register()
        server = make_server("127.0.0.1", _free_port(), app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(f"http://127.0.0.1:{server.server_port}", ids)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                conftest._clear(db.engine)
                db.engine.dispose()


def _fill_the_register() -> dict[str, int | str]:
    load_demo()
    accounts.create_user(ADMIN, PASSWORD, Role.ADMIN, actor="test")
    named = {s.name: s for s in db.session.scalars(sa.select(Subprocessor))}
    ganges = named["Ganges Helpdesk"]
    notices = {n.subprocessor.name: n for n in db.session.scalars(sa.select(ChangeNotice))}
    india = db.session.scalars(
        sa.select(ProcessingLocation).where(
            ProcessingLocation.subprocessor_id == ganges.id,
            ProcessingLocation.country_code == "IN",
        )
    ).first()
    assessment = assessments.start(india, actor=ADMIN)
    objection = objections.submit(
        notices["Ganges Helpdesk"],
        objections.ObjectionValues(
            organisation="Acme Telecom SA",
            customer_reference="C-1042",
            contact_name="Claire Dupont",
            contact_email="claire@acme.example",
            grounds="Our contract forbids transfers to a country without adequacy.",
        ),
        "fr",
        known_address=True,
    )
    unconfirmed = objections.submit(
        notices["Ganges Helpdesk"],
        objections.ObjectionValues(
            organisation="Beta Telecom SARL",
            customer_reference="C-2001",
            contact_name="Jean Martin",
            contact_email="jean@beta.example",
            grounds="Nous refusons tout accès depuis les Philippines.",
        ),
        "fr",
    )
    subscriber = subscriptions.subscribe("dpo@customer.example", "de", [])
    draft = drafts.create_draft(_draft_values(named["Harbourline CRM"]), actor=ADMIN)
    contact = _customer(ganges, notices)
    db.session.commit()
    return {
        "customer_token": tokens.sign(tokens.Purpose.CUSTOMER_VIEW, contact.id),
        "confirm_token": tokens.sign(tokens.Purpose.CONFIRM_OBJECTION, unconfirmed.id),
        "state_token": tokens.sign(tokens.Purpose.OBJECTION_STATE, objection.id),
        "subscription_token": tokens.sign(tokens.Purpose.CONFIRM_SUBSCRIPTION, subscriber.id),
        "unsubscribe_token": tokens.sign(tokens.Purpose.UNSUBSCRIBE, subscriber.id),
        "subprocessor": named["Harbourline CRM"].id,
        "draft": draft.id,
        "open_notice": notices["Ganges Helpdesk"].id,
        "effective_notice": notices["Fjord Voice Analytics"].id,
        "assessment": assessment.id,
        "objection": objection.id,
    }


def _customer(ganges: Subprocessor, notices: dict) -> CustomerContact:
    """A customer of Ganges Helpdesk's services under a specific authorisation, recorded after
    the demo's notices: each is opened for it as if it had been a customer when announced; the
    one in effect is held for want of its approval."""
    customer = customers.create_customer(
        customers.CustomerValues(
            organisation="Acme Telecom SA",
            reference="C-1042",
            entity_id=ganges.entities[0].id,
            service_ids=[
                service.id
                for subprocessor in (ganges, notices["Fjord Voice Analytics"].subprocessor)
                for service in subprocessor.services
            ],
            authorisation=Authorisation.SPECIFIC,
            notice_days=45,
            contacts=[customers.ContactValues("Claire Dupont", "claire@acme.example")],
        ),
        actor=ADMIN,
    )
    announced = notices["Ganges Helpdesk"]
    deadline = customer_notices.open_for_customers(announced)
    announced.takes_effect_at = max(announced.takes_effect_at, deadline)
    customer_notices.open_for_customers(notices["Fjord Voice Analytics"])
    customer_notices.take_effect(notices["Fjord Voice Analytics"])
    return customer.contacts[0]


def _draft_values(model: Subprocessor) -> drafts.DraftValues:
    return drafts.DraftValues(
        name="Kestrel Speech Labs",
        legal_name="Kestrel Speech Labs Ltd",
        address="4 Harbour Road, Dublin 2, Ireland",
        country="IE",
        website="https://kestrel.example",
        recipient_category_id=model.recipient_category_id,
        purpose_ids=[term.id for term in model.purposes],
        service_ids=[term.id for term in model.services],
        data_category_ids=[term.id for term in model.data_categories],
        data_subject_category_ids=[term.id for term in model.data_subject_categories],
        entity_ids=[entity.id for entity in model.entities],
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def tabs(browser, site):
    """One tab per (language, audience), made when first asked for: the admin's logged in."""
    opened = {}

    def tab(language: str, audience: str):
        if (language, audience) not in opened:
            context = browser.new_context(viewport=PHONE, locale=language)
            page = context.new_page()
            if audience == "admin":
                page.goto(f"{site.url}/admin/login?lang={language}")
                page.locator("input[name=email]").fill(ADMIN)
                page.locator("input[name=password]").fill(PASSWORD)
                page.locator("main button[type=submit]").click()
                page.wait_for_url(f"{site.url}/admin/")
            opened[language, audience] = page
        return opened[language, audience]

    yield tab
    for page in opened.values():
        page.context.close()


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize(
    ("address", "audience", "language"),
    [
        pytest.param(address, audience, language, id=f"{name}-{language}")
        for name, address, audience in PAGES
        for language in LANGUAGES
    ],
)
def test_the_page_fits_a_phone_in_each_language_and_axe_finds_nothing_serious_in_one(
    site, tabs, axe, address, audience, language
):
    page = tabs(language, audience)
    path = address.format(**site.ids)
    response = page.goto(f"{site.url}{path}{'&' if '?' in path else '?'}lang={language}")
    assert response.status == (404 if address == "/no-such-page" else 200), path

    overflow = _overflow(page)
    audited = LANGUAGES[PAGE_ADDRESSES.index(address) % len(LANGUAGES)] == language
    serious = [
        violation
        for violation in (axe.run(page).response["violations"] if audited else [])
        if violation["impact"] in ("serious", "critical")
    ]
    page.set_viewport_size(NARROWEST)
    try:
        overflow += _overflow(page)
    finally:
        page.set_viewport_size(PHONE)
    assert not overflow and not serious, _report(overflow, serious)


def _overflow(page) -> list[str]:
    """Nothing when the page is no wider than the screen; else what makes it wider."""
    scroll_width, screen_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width <= screen_width:
        return []
    return [f"{scroll_width} px wide on a {screen_width} px screen, through:"] + [
        f"    {html}" for html in page.evaluate(OVERFLOWING)
    ]


def _report(overflow: list[str], violations: list[dict]) -> str:
    lines = list(overflow)
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {node['html'][:200]}" for node in violation["nodes"][:6]]
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_and_the_admin_menu_fit_a_320_px_screen(site, tabs, language):
    page = tabs(language, "admin")
    page.set_viewport_size({"width": 320, "height": 640})
    try:
        page.goto(f"{site.url}/admin/?lang={language}")
        widest = page.evaluate(
            """() => Math.max(...[...document.querySelectorAll(
                ".site-header *, .admin-nav *")].map((e) => e.getBoundingClientRect().right))"""
        )
    finally:
        page.set_viewport_size(PHONE)
    assert widest <= 320


def test_the_map_legend_is_text_a_phone_can_read(site, tabs):
    page = tabs("de", "public")
    page.goto(f"{site.url}/transfers?lang=de")
    legend = page.locator(".map-legend li")
    assert [text.strip() for text in legend.all_inner_texts()] == [
        "EWR",
        "Angemessenheitsbeschluss",
        "Teilweiser Angemessenheitsbeschluss",
        "Kein Angemessenheitsbeschluss",
    ]
    sizes = legend.evaluate_all(
        "items => items.map((i) => parseFloat(getComputedStyle(i).fontSize))"
    )
    assert min(sizes) >= 14


def test_flags_are_images_beside_the_country_name_not_emoji(site, tabs):
    page = tabs("en", "public")
    page.goto(f"{site.url}/subprocessors/{site.ids['subprocessor']}?lang=en")
    flags = page.locator("main img.flag")
    assert flags.count() > 0
    for flag in flags.all():
        assert flag.get_attribute("alt") == ""
        assert flag.evaluate("image => image.complete && image.naturalWidth > 0")
    assert not any(0x1F1E6 <= ord(c) <= 0x1F1FF for c in page.locator("main").inner_text())
