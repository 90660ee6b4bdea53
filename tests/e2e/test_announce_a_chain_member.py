"""In a real browser: an admin adds a company a subprocessor engages, in a third country, under
its SCCs; announces it like any addition; the customer of the chain above is emailed and objects
through the link in its email."""

import re

from playwright.sync_api import expect

from registry.extensions import db
from registry.models import ChangeNotice, Service
from registry.models.accounts import Role
from tests.mailbox import delivered, link_in
from tests.web import PASSWORD


def test_a_sub_subprocessor_in_a_third_country_is_announced_and_objected_to(
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
    support = make_term(Service, name="Customer support")
    crm = make_subprocessor(name="Harbourline CRM", services=[support], entities=[entity])
    make_customer(
        entity,
        [support],
        organisation="Acme SA",
        reference="ACME-1",
        contacts=(("Claire Dupont", "claire@acme.example"),),
    )

    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server}/admin/subprocessors/{crm.id}")
    chain = page.get_by_role("region", name="The processing chain").locator(
        "details", has_text="Add a company it engages"
    )
    chain.get_by_text("Add a company it engages").click()
    chain.get_by_label("Name", exact=True).fill("Bengal Backup")
    chain.get_by_label("Legal name").fill("Bengal Backup Services Private Limited")
    chain.get_by_label("Address").fill("12 Park Street, Kolkata, India")
    chain.get_by_label("Country of establishment").select_option("IN")
    chain.get_by_label("Contact person or function").fill("Data protection officer")
    chain.get_by_label("What it does for the subprocessor that engages it").fill(
        "Off-site backup of the CRM"
    )
    chain.get_by_role("button", name="Draft it in the chain").click()
    expect(page.get_by_role("heading", name=re.compile("Bengal Backup"))).to_be_visible()

    page.get_by_label("Country", exact=True).select_option("IN")
    page.get_by_label("What happens there").select_option("backup")
    page.get_by_label("Transfer ground (outside the EEA)").select_option("scc")
    page.get_by_label("SCC module").select_option("3")
    page.get_by_role("button", name="Add the location").click()
    expect(page.get_by_role("listitem").filter(has_text="India")).to_be_visible()

    page.get_by_role("button", name="Announce", exact=True).click()
    expect(page.locator("#preview-customers")).to_contain_text("Acme SA")
    page.get_by_role("button", name="Announce and send").click()
    runner.invoke(args=["worker", "--once"])
    [email] = [m for m in delivered(app) if "Bengal Backup" in m["Subject"]]
    assert email["To"] == "claire@acme.example"

    customer = browser.new_context(locale="en-GB").new_page()
    with app.app_context():
        notice_id = db.session.scalar(db.select(ChangeNotice.id))
    customer.goto(live_server + link_in(email, f"/changes/{notice_id}/object"))
    customer.get_by_label("Grounds for the objection").fill("No backups in India for us.")
    customer.get_by_role("button", name="Send the objection").click()
    expect(customer.locator(".objection-state")).to_have_text("Received")

    page.goto(f"{live_server}/admin/")
    expect(page.locator("#must-not-process + ul")).to_contain_text(
        "Bengal Backup must not process Acme SA's data"
    )
    customer.context.close()
