"""In a real browser: an editor records the impact assessment of the demo transfer to India, an
admin approves it and the transfer's verdict in the admin area turns valid; revising it makes
version 2 and leaves version 1 as approved; the report printed to PDF by Chromium holds every
section."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from registry.demo import load_demo
from registry.extensions import db
from registry.models.accounts import Role
from tests.web import PASSWORD
from transfers import laws

SECTIONS = [
    "Step 1. The transfer",
    "Step 2. The transfer tool",
    "Step 3. The law and practice of the destination",
    "Step 4. Supplementary measures",
    "Step 5. Procedural steps",
    "Step 6. Re-evaluation",
    "Risk of access in the clear by an authority of the destination",
    "Conclusion",
]


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        db.session.commit()


def log_in(browser, live_server, email):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Admin area")).to_be_visible()
    return page


def verdicts(page, live_server) -> list[str]:
    """The verdicts on Ganges Helpdesk's transfer to Bengaluru, as the admin area lists them
    (the public page shows facts, not verdicts)."""
    page.goto(f"{live_server}/admin")
    page.get_by_role("navigation", name="Admin area").get_by_role(
        "link", name="Transfer verdicts"
    ).click()
    rows = page.get_by_role("row").filter(has_text="Ganges Helpdesk").filter(has_text="Bengaluru")
    # all_inner_texts() does not wait: wait for the verdicts page before reading it
    expect(rows.locator(".verdict").first).to_be_visible()
    return rows.locator(".verdict").all_inner_texts()


def record_the_assessment(page, live_server):
    page.goto(f"{live_server}/admin/assessments")
    row = page.get_by_role("row").filter(has_text="Ganges Helpdesk").filter(has_text="Bengaluru")
    row.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", name=re.compile("Ganges Helpdesk"))).to_be_visible()
    page.get_by_label("Format of the data transferred").fill("Tickets in clear over TLS 1.3.")
    page.get_by_label("Who accesses the data, and from where").fill(
        "Support agents in Bengaluru, through the EU ticketing system only."
    )
    for entry in laws.laws_of("IN"):
        law = page.locator(f"#law-{entry.code}")
        law.get_by_label("Finding").fill(f"Reviewed {entry.citation}; see the memo of May 2026.")
        if entry.access:
            law.get_by_label("Data sought under it in a year (%)").fill("10")
            law.get_by_label("Reaching this transfer's data (%)").fill("5")
            law.get_by_label("Readable despite the measures (%)").fill("20")
    page.get_by_label("Practice of the authorities and the importer's experience").fill(
        "No request received since 2019 (importer's letter of 3 March 2026)."
    )
    for code in ("T-REMOTE-ACCESS-CONTROLS", "C-TRANSPARENCY"):
        measure = page.locator(f"#measure-{code}")
        expect(measure.get_by_label("Chosen")).to_be_checked()  # prefilled from the register
        measure.get_by_label("How it is implemented").fill(f"{code}: in the DPA, annex 2.")
    for code in ("C-CHALLENGE-ORDERS", "O-POLICIES"):
        page.locator(f"#measure-{code}").get_by_label("How it is implemented").fill("Annex 2.")
    page.get_by_label("SCCs signed on").fill("2025-01-15")
    page.get_by_label("Conclusion", exact=True).select_option("acceptable")
    page.get_by_label("Reasoning").fill(
        "The interception powers reach telecom carriers, not a helpdesk whose agents see tickets "
        "held in the EU; no request in seven years. Exposure is low."
    )
    page.get_by_role("button", name="Save and send for review").click()
    expect(page.get_by_text("In review").first).to_be_visible()
    return page.url


def test_an_approved_assessment_turns_the_india_transfer_valid_and_a_revision_is_version_two(
    app, demo, live_server, browser, make_user
):
    make_user(email="editor@example.com", role=Role.EDITOR)
    make_user(email="admin@example.com", role=Role.ADMIN)
    editor = log_in(browser, live_server, "editor@example.com")
    assert "Needs attention" in verdicts(editor, live_server)

    report = record_the_assessment(editor, live_server)

    admin = log_in(browser, live_server, "admin@example.com")
    admin.goto(report)
    admin.get_by_role("button", name="Approve").click()
    expect(admin.get_by_text("the transfer relies on it now")).to_be_visible()
    assert set(verdicts(admin, live_server)) == {"Valid ground"}

    editor.goto(report)
    first_version = editor.locator("article.tia-report").inner_text()
    editor.get_by_role("button", name=re.compile("Revise: start version 2")).click()
    editor.get_by_label("Reasoning").fill("Reviewed after the 2026 interception rules.")
    editor.get_by_role("button", name="Save the draft").click()
    expect(editor.get_by_text("Version 2 is saved.")).to_be_visible()

    editor.goto(report)
    assert editor.locator("article.tia-report").inner_text() == first_version
    editor.goto(report.rsplit("/", 1)[0] + "/" + str(int(report.rsplit("/", 1)[1]) + 1))
    differences = editor.locator("#differences")
    expect(differences).to_contain_text("Reviewed after the 2026 interception rules.")
    expect(differences).to_contain_text("no request in seven years. Exposure is low.")


def test_the_printed_report_holds_every_section(app, demo, live_server, browser, make_user):
    make_user(email="editor@example.com", role=Role.EDITOR)
    editor = log_in(browser, live_server, "editor@example.com")
    report = record_the_assessment(editor, live_server)
    editor.goto(report)
    editor.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(editor.pdf(format="A4", print_background=True)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    for section in SECTIONS:
        assert section in text, section
    assert "Send back to the author" not in text  # the buttons are not printed
