"""In a real browser: two customers with their own contracts. One has 30 days and a general
authorisation for service A; the other 90 days and a specific authorisation for A and B. A change
touching only B reaches only the second, with its 90-day deadline, and waits for its approval; a
change touching A reaches both, each with its own deadline, and takes effect at the later one.
The first customer objects through the link in its email; the dashboard says the subprocessor
must not process its data; the admin resolves it as the customer's data excluded; the customer
is emailed the outcome and sees it on its own view."""

from playwright.sync_api import expect

from registry.extensions import db
from registry.models import ChangeNotice, Service
from registry.models.accounts import Role
from tests.mailbox import delivered, link_in, text_of
from tests.web import PASSWORD

FIRST_DEADLINE = "December 2, 2026, 10:00 (Europe/Luxembourg)"
SECOND_DEADLINE = "January 31, 2027, 10:00 (Europe/Luxembourg)"


def test_each_customer_gets_its_own_deadline_and_an_objection_binds_its_data(
    app,
    live_server,
    page,
    browser,
    runner,
    clock,
    make_user,
    make_term,
    make_entity,
    make_subprocessor,
    make_customer,
):
    make_user(email="admin@example.com", role=Role.ADMIN)
    entity = make_entity(name="Mixvoip SA")
    voice, fax = make_term(Service, name="Voice"), make_term(Service, name="Fax")
    make_customer(
        entity,
        [voice],
        notice_days=30,
        organisation="Acme SA",
        reference="ACME-1",
        contacts=(("Claire Dupont", "claire@acme.example"),),
    )
    make_customer(
        entity,
        [voice, fax],
        authorisation="specific",
        notice_days=90,
        organisation="Borealis AB",
        reference="BOR-2",
        contacts=(("Björn Berg", "bjorn@borealis.example"),),
    )
    faxline = make_subprocessor(
        name="Faxline", status="proposed", services=[fax], entities=[entity]
    )
    voicebox = make_subprocessor(
        name="Voicebox", status="proposed", services=[voice], entities=[entity]
    )

    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # A change touching only B: only the second customer, 90 days, its approval needed.
    announce(page, live_server, faxline.id)
    expect(page.locator("#preview-customers")).to_contain_text("Borealis AB")
    expect(page.locator("#preview-customers")).to_contain_text("its approval is needed")
    expect(page.locator("#preview-customers")).not_to_contain_text("Acme SA")
    page.get_by_role("button", name="Announce and send").click()
    runner.invoke(args=["worker", "--once"])
    [faxline_email] = [m for m in delivered(app) if "Faxline" in m["Subject"]]
    assert faxline_email["To"] == "bjorn@borealis.example"
    assert faxline_email["Subject"].startswith("Your approval is asked")
    assert SECOND_DEADLINE in text_of(faxline_email)
    page.goto(f"{live_server}/admin/")
    expect(page.locator("#must-not-process + ul")).to_contain_text(
        "Faxline must not process Borealis AB's data"
    )
    expect(page.locator("#must-not-process + ul")).to_contain_text("approval awaited")

    # A change touching A: both customers, each with its own deadline; in effect at the later.
    announce(page, live_server, voicebox.id)
    page.get_by_role("button", name="Announce and send").click()
    runner.invoke(args=["worker", "--once"])
    to = {m["To"]: m for m in delivered(app) if "Voicebox" in m["Subject"]}
    assert set(to) == {"claire@acme.example", "bjorn@borealis.example"}
    assert FIRST_DEADLINE in text_of(to["claire@acme.example"])
    assert SECOND_DEADLINE in text_of(to["bjorn@borealis.example"])
    notice_id = voicebox_notice(app)
    page.goto(f"{live_server}/admin/changes/{notice_id}")
    expect(page.locator("dl.facts")).to_contain_text(f"Takes effect{SECOND_DEADLINE}")

    # The first customer objects through the link in its email: it counts at once.
    customer = browser.new_context(locale="en-GB").new_page()
    customer.goto(live_server + link_in(to["claire@acme.example"], f"/changes/{notice_id}/object"))
    expect(customer.get_by_label("Customer or contract reference")).to_have_value("ACME-1")
    customer.get_by_label("Grounds for the objection").fill("Voicebox records calls abroad.")
    customer.get_by_role("button", name="Send the objection").click()
    expect(customer.locator(".objection-state")).to_have_text("Received")

    page.goto(f"{live_server}/admin/")
    expect(page.locator("#must-not-process + ul")).to_contain_text(
        "Voicebox must not process Acme SA's data"
    )
    expect(page.locator("#must-not-process + ul")).to_contain_text("Objection received on")

    # The admin resolves it: the customer's data are excluded from Voicebox.
    page.locator("#must-not-process + ul").get_by_role(
        "link", name="Voicebox must not process Acme SA's data"
    ).click()
    page.locator("#must-not-process + ul").get_by_role("link", name="Objection").click()
    page.get_by_label("New state").select_option("resolved")
    page.get_by_label("Outcome (when resolved)").select_option("data_excluded")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The objection is now: Resolved.")).to_be_visible()
    page.goto(f"{live_server}/admin/changes/{notice_id}")
    expect(page.locator("#customers-concerned + table")).to_contain_text(
        "The customer's data are excluded"
    )

    runner.invoke(args=["worker", "--once"])
    [outcome] = [m for m in delivered(app) if "is resolved" in m["Subject"]]
    assert outcome["To"] == "claire@acme.example"
    assert "will not process your data" in text_of(outcome)
    customer.goto(live_server + link_in(to["claire@acme.example"], "/customer/"))
    expect(customer.locator(f"#change-{notice_id}")).to_contain_text(
        "Outcome: The customer's data are kept away from what the change brings in"
    )
    customer.context.close()


def announce(page, live_server, subprocessor_id: int) -> None:
    page.goto(f"{live_server}/admin/subprocessors/{subprocessor_id}")
    page.get_by_role("button", name="Announce", exact=True).click()
    expect(page.get_by_role("heading", name="Check before announcing")).to_be_visible()


def voicebox_notice(app) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(ChangeNotice.id).order_by(ChangeNotice.id.desc()).limit(1)
        )
