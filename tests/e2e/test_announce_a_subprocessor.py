"""In a real browser: an admin drafts a subprocessor and announces it; the public sees it as
upcoming with its deadline; a customer objects and confirms by email; once the window has closed
the worker makes the change effective, and a late objection is refused with the deadline."""

import re

from playwright.sync_api import expect

from registry.models import DataCategory, DataSubjectCategory, Purpose, RecipientCategory, Service
from registry.models.accounts import Role
from tests.mailbox import delivered, link_in
from tests.web import PASSWORD

DEADLINE = "December 2, 2026, 10:00 (Europe/Luxembourg)"


def test_an_announced_subprocessor_takes_objections_until_the_deadline_then_takes_effect(
    app, live_server, page, browser, runner, clock, make_user, make_term, make_entity
):
    make_user(email="admin@example.com", role=Role.ADMIN)
    for model, name in [
        (RecipientCategory, "Hosting providers"),
        (Purpose, "Hosting"),
        (Service, "Cloud PBX"),
        (DataCategory, "Call/SMS metadata"),
        (DataSubjectCategory, "Callers"),
    ]:
        make_term(model, name=name)
    make_entity(name="Mixvoip SA")

    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Admin area")).to_be_visible()

    page.goto(f"{live_server}/admin/subprocessors/new")
    page.get_by_label("Name", exact=True).fill("Nimbus Cloud")
    page.get_by_label("Legal name").fill("Nimbus Cloud Inc.")
    page.get_by_label("Address").fill("1 Main Street, Boston, MA, USA")
    page.get_by_label("Country of establishment").select_option("US")
    page.get_by_label("Recipient category").select_option(label="Hosting providers")
    # A choice of several is a group of checkboxes: no Ctrl-click.
    for group, option in [
        ("Purposes", "Hosting"),
        ("Services", "Cloud PBX"),
        ("Data categories", "Call/SMS metadata"),
        ("Data subjects", "Callers"),
        ("Engaged by", "Mixvoip SA"),
    ]:
        page.get_by_role("group", name=group, exact=True).get_by_label(option).check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name=re.compile("Nimbus Cloud"))).to_be_visible()

    page.get_by_label("Country", exact=True).select_option("IE")
    page.get_by_label("What happens there").select_option("storage")
    page.get_by_role("button", name="Add the location").click()
    expect(page.get_by_role("listitem").filter(has_text="Ireland")).to_be_visible()

    page.get_by_role("button", name="Announce", exact=True).click()
    expect(page.get_by_role("heading", name="Check before announcing")).to_be_visible()
    expect(page.get_by_text("0 subscribers will get it.")).to_be_visible()
    page.get_by_role("button", name="Announce and send").click()
    expect(page.get_by_text("Announced: Nimbus Cloud.")).to_be_visible()

    page.goto(f"{live_server}/subprocessors")
    upcoming = page.locator(".notice-upcoming")
    expect(upcoming).to_contain_text("New subprocessor: Nimbus Cloud")
    expect(upcoming).to_contain_text(f"objections until {DEADLINE}")
    expect(page.locator("table.register")).not_to_contain_text("Nimbus Cloud")

    # A customer objects, in a browser of their own, and confirms through the emailed link.
    customer = browser.new_context(locale="en-GB").new_page()
    customer.goto(f"{live_server}/subprocessors")
    customer.locator(".notice-upcoming").get_by_role("link", name=re.compile("Nimbus")).click()
    customer.get_by_role("link", name="Object to this change").click()
    fill_objection(customer, reference="C-1042")
    customer.get_by_role("button", name="Send the objection").click()
    expect(customer.get_by_role("heading", name="Check your mailbox")).to_be_visible()
    runner.invoke(args=["worker", "--once"])
    customer.goto(live_server + link_in(delivered(app)[-1], "/objections/confirm/"))
    customer.get_by_role("button", name="Confirm my objection").click()
    expect(customer.get_by_role("status")).to_contain_text("your objection is confirmed")
    expect(customer.locator(".objection-state")).to_have_text("Received")

    # The admin sees it among the objections to triage.
    page.goto(f"{live_server}/admin/objections")
    expect(page.locator("#objections-open + div")).to_contain_text("Acme Telecom SA")

    # A second objection, written before the deadline and sent after it, is refused.
    customer.goto(f"{live_server}/subprocessors")
    customer.locator(".notice-upcoming").get_by_role("link", name=re.compile("Nimbus")).click()
    customer.get_by_role("link", name="Object to this change").click()
    fill_objection(customer, reference="C-2001")
    clock.move(days=30)
    customer.get_by_role("button", name="Send the objection").click()
    expect(customer.get_by_role("alert")).to_contain_text(f"closed on {DEADLINE}")

    # The worker makes the change effective: nobody has to press anything.
    runner.invoke(args=["worker", "--once"])
    page.goto(f"{live_server}/subprocessors")
    expect(page.locator("table.register")).to_contain_text("Nimbus Cloud")
    expect(page.locator(".notice-upcoming")).to_have_count(0)
    customer.context.close()


def fill_objection(page, reference):
    page.get_by_label("Organisation (the customer)").fill("Acme Telecom SA")
    page.get_by_label("Customer or contract reference").fill(reference)
    page.get_by_label("Your name").fill("Claire Dupont")
    page.get_by_label("Your email address").fill("claire@acme.example")
    page.get_by_label("Grounds for the objection").fill("Our contract forbids it.")
