"""In a real browser: a subscribed customer's DPO reads the notice email, follows its objection
link, sees the decision facts, objects, and the objection counts at once (the link proved the
address)."""

from playwright.sync_api import expect

from registry import subscriptions
from registry.extensions import db
from registry.models import ChangeKind, Subprocessor
from registry.notices import changes
from registry.register.values import LocationValues
from tests.mailbox import delivered, link_in, text_of


def test_a_subscriber_objects_from_the_notice_email_and_it_counts_at_once(
    app, live_server, page, runner, clock, make_subprocessor
):
    engaged = make_subprocessor(name="Ganges Helpdesk").id
    with app.app_context():
        subscriptions.confirm(subscriptions.subscribe("dpo@customer.example", "en", []))
        changes.announce(
            ChangeKind.NEW_LOCATION,
            db.session.get(Subprocessor, engaged),
            "admin@example.com",
            new_location=LocationValues(
                country="PH",
                role="support_access",
                city="Makati City",
                transfer_tool="scc",
                scc_module=3,
                scc_decision="2021/914",
            ),
        )
        db.session.commit()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    [notice_email] = [m for m in delivered(app) if "Makati City" in text_of(m)]
    assert "No adequacy decision" in text_of(notice_email)

    notice_id = changes_of(app)
    page.goto(live_server + link_in(notice_email, f"/changes/{notice_id}/object"))
    expect(page.get_by_role("status")).to_contain_text("counts as soon as you send it")
    page.get_by_label("Organisation (the customer)").fill("Acme Telecom SA")
    page.get_by_label("Customer or contract reference").fill("C-1042")
    page.get_by_label("Your name").fill("Claire Dupont")
    page.get_by_label("Grounds for the objection").fill("No support access from the Philippines.")
    page.get_by_role("button", name="Send the objection").click()
    expect(page.locator(".objection-state")).to_have_text("Received")


def changes_of(app) -> int:
    from registry.models import ChangeNotice

    with app.app_context():
        return db.session.scalar(db.select(ChangeNotice.id))
