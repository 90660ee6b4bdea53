"""In a real browser: an admin drafts a subprocessor and announces it; the public sees it as
upcoming with its deadline; once the window has closed it is on the register."""

import re

from playwright.sync_api import expect

from registry import changes
from registry.extensions import db
from registry.models import DataCategory, DataSubjectCategory, Purpose, RecipientCategory, Service
from registry.models.accounts import Role
from tests.conftest import PASSWORD


def test_an_announced_subprocessor_is_upcoming_then_in_effect_after_the_deadline(
    app, live_server, page, clock, make_user, make_term, make_entity
):
    make_user(email="admin@example.com", role=Role.ADMIN)
    for model, name in [(RecipientCategory, "Hosting providers"), (Purpose, "Hosting"),
                        (Service, "Cloud PBX"), (DataCategory, "Call/SMS metadata"),
                        (DataSubjectCategory, "Callers")]:  # fmt: skip
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
    for label, option in [("Recipient category", "Hosting providers"), ("Purposes", "Hosting"),
                          ("Services", "Cloud PBX"), ("Data categories", "Call/SMS metadata"),
                          ("Data subjects", "Callers"), ("Engaged by", "Mixvoip SA")]:  # fmt: skip
        page.get_by_label(label).select_option(label=option)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name=re.compile("Nimbus Cloud"))).to_be_visible()

    page.get_by_label("Country", exact=True).select_option("IE")
    page.get_by_label("What happens there").select_option("storage")
    page.get_by_role("button", name="Add the location").click()
    expect(page.get_by_role("listitem").filter(has_text="Ireland")).to_be_visible()

    page.get_by_role("button", name="Announce").click()
    expect(page.get_by_text("Objection deadline")).to_be_visible()

    page.goto(f"{live_server}/subprocessors")
    upcoming = page.locator(".notice-upcoming")
    expect(upcoming).to_contain_text("New subprocessor: Nimbus Cloud")
    expect(upcoming).to_contain_text("objections until December 2, 2026, 10:00 (Europe/Luxembourg)")
    expect(page.locator("table.register")).not_to_contain_text("Nimbus Cloud")

    clock.move(days=30)
    with app.app_context():
        changes.apply_due()
        db.session.commit()
    page.reload()
    expect(page.locator("table.register")).to_contain_text("Nimbus Cloud")
    expect(page.locator(".notice-upcoming")).to_have_count(0)
