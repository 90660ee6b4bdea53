"""Transfer impact assessments through the admin area: recorded along the EDPB steps, sent for
review, approved by another admin, revised in new versions; what they do to the verdicts; the
report, its JSON and the evidence pack."""

import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEvent, DataCategory, Subprocessor, TransferAssessment
from registry.models.accounts import Role
from tests.web import csrf_token, log_in
from transfers import laws
from transfers.grounds import TransferTool

INDIA = {
    "country_code": "IN",
    "role": "follow_the_sun",
    "city": "Bengaluru",
    "transfer_tool": TransferTool.SCC,
    "scc_module": 3,
    "measures": ["T-REMOTE-ACCESS-CONTROLS", "C-TRANSPARENCY"],
}


@pytest.fixture
def india(make_subprocessor):
    """An active subprocessor whose follow-the-sun support in India relies on SCCs."""
    subprocessor = make_subprocessor(name="Ganges Helpdesk", locations=[("NL", "storage"), INDIA])
    return subprocessor.id


@pytest.fixture
def location_id(app, india):
    with app.app_context():
        return next(
            loc.id
            for loc in db.session.get(Subprocessor, india).locations
            if loc.country_code == "IN"
        )


@pytest.fixture
def editor(app, make_user):
    make_user(email="editor@example.com", role=Role.EDITOR)
    client = app.test_client()
    log_in(client, "editor@example.com")
    return client


@pytest.fixture
def admin(app, make_user):
    make_user(email="admin@example.com", role=Role.ADMIN)
    client = app.test_client()
    log_in(client, "admin@example.com")
    return client


def start(client, location_id):
    token = csrf_token(client, "/admin/assessments")
    return client.post(f"/admin/transfers/{location_id}/assessments", data={"csrf_token": token})


def complete_form(**changes) -> dict:
    """A complete assessment of the India transfer, as the form posts it."""
    data = {
        "data_format": "Tickets in clear over TLS 1.3; no copy stored in India.",
        "onward_transfers": "None.",
        "access_from": "Support agents in Bengaluru, through the EU ticketing system.",
        "practice_findings": "The importer reports no request from Indian authorities since 2019.",
        "scc_signed_on": "2025-01-15",
        "review_interval_months": "12",
        "risk_years": "5",
        "conclusion": "acceptable",
        "reasoning": "Interception targets telecom traffic; the agents reach tickets remotely.",
        "t_remote_access_controls": "y",
        "t_remote_access_controls_implementation": "Access only through the EU jump host.",
        "c_transparency": "y",
        "c_transparency_implementation": "Clause in the DPA, section 9.",
    }
    for entry in laws.laws_of("IN"):
        name = entry.code.lower().replace("-", "_")
        data[f"{name}_applies"] = "y"
        data[f"{name}_finding"] = f"Reviewed {entry.citation}."
        if entry.access:
            data |= {f"{name}_request": "10", f"{name}_covers": "5", f"{name}_in_clear": "20"}
    return data | changes


def save(client, assessment_id, data):
    token = csrf_token(client, "/admin/assessments")
    address = f"/admin/assessments/{assessment_id}/edit"
    return client.post(address, data={"csrf_token": token} | data)


def act(client, assessment_id, step, **data):
    token = csrf_token(client, f"/admin/assessments/{assessment_id}")
    return client.post(
        f"/admin/assessments/{assessment_id}/{step}", data={"csrf_token": token} | data
    )


def stored(app, assessment_id) -> TransferAssessment:
    with app.app_context():
        return db.session.get(TransferAssessment, assessment_id)


def started(app, editor, location_id) -> int:
    assert start(editor, location_id).status_code == 302
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.max(TransferAssessment.id)).where(
                TransferAssessment.location_id == location_id
            )
        )


@pytest.fixture
def approved(app, editor, admin, location_id) -> int:
    """Version 1, complete, approved by the admin."""
    assessment_id = started(app, editor, location_id)
    assert save(editor, assessment_id, complete_form()).status_code == 302
    assert act(editor, assessment_id, "submit").status_code == 302
    assert act(admin, assessment_id, "approve").status_code == 302
    return assessment_id


def india_verdict(client, subprocessor_id) -> dict:
    body = client.get("/api/v1/subprocessors").get_json()
    record = next(entry for entry in body["subprocessors"] if entry["id"] == subprocessor_id)
    return next(loc for loc in record["locations"] if loc["country"] == "IN")["transfer"]


def test_the_overview_lists_an_scc_transfer_to_india_as_needing_an_assessment(editor, india):
    page = editor.get("/admin/assessments").text
    assert "Ganges Helpdesk" in page
    assert "Start the assessment" in page


def test_a_first_draft_lists_a_finding_to_write_for_each_law_of_india(app, editor, location_id):
    assessment = stored(app, started(app, editor, location_id))
    assert [finding["law"] for finding in assessment.law_findings] == [
        entry.code for entry in laws.laws_of("IN")
    ]


def test_a_first_draft_carries_the_register_facts_of_the_transfer(app, editor, location_id):
    assessment = stored(app, started(app, editor, location_id))
    assert assessment.mapped["location"] == {
        "country": "IN",
        "role": "follow_the_sun",
        "city": "Bengaluru",
    }
    assert assessment.ground["scc_module"] == 3


def test_a_transfer_under_adequacy_needs_no_assessment(app, editor, make_subprocessor):
    swiss = make_subprocessor(
        locations=[
            {"country_code": "CH", "role": "processing", "transfer_tool": TransferTool.ADEQUACY}
        ]
    )
    with app.app_context():
        location = db.session.get(Subprocessor, swiss.id).locations[0].id
    assert start(editor, location).status_code == 409


def test_a_saved_draft_keeps_what_the_editor_wrote(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(data_format="Pseudonymised ticket ids only."))
    assert stored(app, assessment_id).data_format == "Pseudonymised ticket ids only."


def test_saving_a_draft_is_on_the_audit_trail_with_what_changed(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(onward_transfers="To nobody."))
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "assessment.updated")
        ).one()
    assert event.after["onward_transfers"] == "To nobody."


def test_a_probability_above_a_hundred_percent_is_refused_and_nothing_is_saved(
    app, editor, location_id
):
    assessment_id = started(app, editor, location_id)
    response = save(editor, assessment_id, complete_form(**{"in_it_act_69_request": "150"}))
    assert response.status_code == 400
    assert "Give a percentage from 0 to 100." in response.text
    assert stored(app, assessment_id).risk_paths == []


def test_half_the_risk_inputs_of_a_law_are_refused(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    response = save(editor, assessment_id, complete_form(**{"in_it_act_69_covers": ""}))
    assert "Give all three probabilities for this law, or none." in response.text


def test_an_incomplete_draft_cannot_go_to_review_and_says_what_is_missing(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    response = act(editor, assessment_id, "submit")
    assert response.status_code == 409
    assert "Conclusion: whether the transfer is acceptable." in response.text
    assert stored(app, assessment_id).state.value == "draft"


def test_the_author_cannot_approve_their_own_assessment(app, make_user, location_id):
    make_user(email="solo@example.com", role=Role.ADMIN)
    solo = app.test_client()
    log_in(solo, "solo@example.com")
    assessment_id = started(app, solo, location_id)
    save(solo, assessment_id, complete_form())
    act(solo, assessment_id, "submit")
    response = act(solo, assessment_id, "approve")
    assert response.status_code == 409
    assert "Another admin must approve an assessment you wrote" in response.text


def test_an_editor_cannot_approve(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form())
    act(editor, assessment_id, "submit")
    assert act(editor, assessment_id, "approve").status_code == 403
    assert stored(app, assessment_id).state.value == "in_review"


def test_without_an_assessment_india_needs_attention(editor, india):
    assert india_verdict(editor, india)["verdict"] == "needs_attention"


def test_an_approved_assessment_makes_the_india_transfer_valid(editor, india, approved):
    transfer = india_verdict(editor, india)
    assert transfer["verdict"] == "valid"
    assert "tia_approved" in [reason["code"] for reason in transfer["reasons"]]


def test_approval_sets_the_next_review_after_the_interval(app, clock, approved):
    assert stored(app, approved).next_review_on.isoformat() == "2027-11-02"


def test_an_approval_after_midnight_in_luxembourg_counts_on_that_days_verdict(
    app, clock, editor, admin, india, location_id
):
    clock.instant = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January there
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(scc_signed_on="2027-01-01"))
    act(editor, assessment_id, "submit")
    act(admin, assessment_id, "approve")
    assert india_verdict(editor, india)["verdict"] == "valid"


def test_an_approval_after_midnight_in_luxembourg_is_reviewed_from_that_day(
    app, clock, editor, admin, location_id
):
    clock.instant = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form())
    act(editor, assessment_id, "submit")
    act(admin, assessment_id, "approve")
    assert stored(app, assessment_id).next_review_on.isoformat() == "2028-01-01"


def test_the_review_falls_due_when_the_day_after_it_begins_in_luxembourg(
    app, clock, editor, india, approved
):
    clock.instant = datetime(2027, 11, 2, 22, 59, tzinfo=UTC)  # 23:59 on the review date there
    assert india_verdict(editor, india)["verdict"] == "valid"
    clock.move(minutes=1)
    assert india_verdict(editor, india)["verdict"] == "needs_attention"


def test_an_approved_version_cannot_be_edited(app, editor, approved):
    before = stored(app, approved).reasoning
    response = save(editor, approved, complete_form(reasoning="Changed afterwards."))
    assert response.status_code == 400
    assert stored(app, approved).reasoning == before


def test_revising_an_approved_assessment_starts_version_two(app, editor, approved):
    assert act(editor, approved, "revise").status_code == 302
    with app.app_context():
        versions = db.session.scalars(
            sa.select(TransferAssessment.version).order_by(TransferAssessment.version)
        ).all()
    assert versions == [1, 2]


def test_editing_version_two_leaves_version_one_as_approved(app, editor, approved):
    before = editor.get(f"/admin/assessments/{approved}.json").get_json()
    act(editor, approved, "revise")
    second = approved + 1
    save(editor, second, complete_form(reasoning="Reviewed after the 2026 rules."))
    assert editor.get(f"/admin/assessments/{approved}.json").get_json() == before


def test_the_report_of_version_two_shows_what_changed_since_version_one(app, editor, approved):
    act(editor, approved, "revise")
    save(editor, approved + 1, complete_form(reasoning="Reviewed after the 2026 rules."))
    page = editor.get(f"/admin/assessments/{approved + 1}").text
    differences = page.split('id="differences"')[1].split("</section>")[0]
    assert "<ins>Reviewed after the 2026 rules.</ins>" in differences


def test_approving_version_two_supersedes_version_one(app, editor, admin, approved):
    act(editor, approved, "revise")
    act(editor, approved + 1, "submit")
    act(admin, approved + 1, "approve")
    assert stored(app, approved).state.value == "superseded"


def test_a_new_data_category_after_approval_makes_the_transfer_need_attention(
    app, editor, india, approved, make_term
):
    category = make_term(DataCategory)  # committed first: one writer at a time on SQLite
    with app.app_context():
        subprocessor = db.session.get(Subprocessor, india)
        subprocessor.data_categories.append(category)
        db.session.commit()
    transfer = india_verdict(editor, india)
    assert transfer["verdict"] == "needs_attention"
    assert "tia_facts_changed" in [reason["code"] for reason in transfer["reasons"]]


def test_an_assessment_past_its_review_date_needs_attention(app, editor, india, approved):
    with app.app_context():
        db.session.get(TransferAssessment, approved).next_review_on = (
            db.session.get(TransferAssessment, approved).approved_at.date().replace(year=2020)
        )
        db.session.commit()
    reasons = [reason["code"] for reason in india_verdict(editor, india)["reasons"]]
    assert "tia_review_overdue" in reasons


def test_an_assessment_concluding_not_acceptable_leaves_no_valid_ground(
    app, editor, admin, india, location_id
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(conclusion="not_acceptable"))
    act(editor, assessment_id, "submit")
    act(admin, assessment_id, "approve")
    assert india_verdict(editor, india)["verdict"] == "no_valid_ground"


def test_the_json_holds_the_six_steps_and_the_risk_computed_from_the_inputs(editor, approved):
    document = editor.get(f"/admin/assessments/{approved}.json").get_json()
    steps = [key for key in document if key.startswith("step_")]
    assert steps == [
        "step_1_transfer",
        "step_2_tool",
        "step_3_law_and_practice",
        "step_4_measures",
        "step_5_procedure",
        "step_6_review",
    ]
    access_laws = [entry for entry in laws.laws_of("IN") if entry.access]
    # Each access law: 10 % x 5 % x 20 % = 0.1 % a year.
    assert document["risk"]["yearly"] == pytest.approx(1 - 0.999 ** len(access_laws))


def test_the_report_page_prints_every_step(editor, approved):
    page = editor.get(f"/admin/assessments/{approved}").text
    for heading in (
        "Step 1. The transfer",
        "Step 2. The transfer tool",
        "Step 3. The law and practice of the destination",
        "Step 4. Supplementary measures",
        "Step 5. Procedural steps",
        "Step 6. Re-evaluation",
        "Conclusion",
    ):
        assert heading in page


def test_the_report_gives_each_laws_as_of_date(editor, approved):
    page = editor.get(f"/admin/assessments/{approved}").text
    assert f"as of {laws.law('IN-IT-ACT-69').as_of.isoformat()}" in page
    assert "from secondary sources" not in page


@pytest.mark.parametrize(
    ("language", "mark"),
    [
        ("en", "from secondary sources"),
        ("de", "aus Sekundärquellen"),
        ("fr", "sources secondaires"),
    ],
)
def test_the_report_says_when_a_law_rests_on_secondary_sources(
    editor, approved, monkeypatch, language, mark
):
    entry = laws.law("IN-IT-ACT-69")
    secondary = replace(entry, secondary="https://example.org/commentary", unconfirmed="Check it.")
    monkeypatch.setitem(laws.catalogue(), "IN-IT-ACT-69", secondary)
    page = editor.get(f"/admin/assessments/{approved}?lang={language}").text
    assert mark in page
    assert 'href="https://example.org/commentary"' in page


def test_a_viewer_reads_the_report_but_cannot_start_an_assessment(
    app, make_user, approved, location_id
):
    make_user(email="auditor@example.com", role=Role.VIEWER)
    viewer = app.test_client()
    log_in(viewer, "auditor@example.com")
    assert viewer.get(f"/admin/assessments/{approved}").status_code == 200
    assert start(viewer, location_id).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TransferAssessment)) == 1


def test_the_dashboard_lists_a_transfer_without_an_approved_assessment(editor, india):
    page = editor.get("/admin/").text
    due = page.split('id="assessments-due"')[1].split("</section>")[0]
    assert "Ganges Helpdesk" in due


def download_pack(client) -> zipfile.ZipFile:
    token = csrf_token(client, "/admin/assessments")
    response = client.post("/admin/evidence.zip", data={"csrf_token": token})
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_evidence_pack_holds_register_notices_assessments_and_the_audit_trail(editor, approved):
    names = download_pack(editor).namelist()
    assert {
        "register/subprocessors.csv",
        "register/subprocessors.json",
        "notices/notices.json",
        "notices/objections.csv",
        "audit/audit-trail.csv",
        "audit/verification.json",
        "manifest.json",
    } <= set(names)
    assert any(name.startswith("assessments/") and name.endswith(".html") for name in names)
    assert any(name.startswith("assessments/") and name.endswith(".json") for name in names)


def test_the_evidence_pack_manifest_names_the_hash_of_every_file(editor, approved):
    import hashlib

    archive = download_pack(editor)
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert manifest == {
        name: hashlib.sha256(archive.read(name)).hexdigest()
        for name in archive.namelist()
        if name != "manifest.json"
    }


def test_the_audit_trail_in_the_evidence_pack_verifies(editor, approved):
    archive = download_pack(editor)
    assert json.loads(archive.read("audit/verification.json"))["intact"] is True


def test_sccs_to_an_adequate_country_need_no_assessment(app, editor, make_subprocessor):
    japan = make_subprocessor(
        name="Sakura",
        locations=[
            {
                "country_code": "JP",
                "role": "processing",
                "transfer_tool": TransferTool.SCC,
                "scc_module": 3,
            }
        ],
    )
    assert "Sakura" not in editor.get("/admin/assessments").text
    with app.app_context():
        location = db.session.get(Subprocessor, japan.id).locations[0].id
    assert start(editor, location).status_code == 409


def test_a_refused_start_says_why_on_the_page(app, editor, make_subprocessor):
    swiss = make_subprocessor(
        locations=[
            {"country_code": "CH", "role": "processing", "transfer_tool": TransferTool.ADEQUACY}
        ]
    )
    with app.app_context():
        location = db.session.get(Subprocessor, swiss.id).locations[0].id
    response = start(editor, location)
    assert "needs an impact assessment" in response.text


def test_a_second_version_cannot_start_while_one_is_open(app, editor, location_id):
    started(app, editor, location_id)
    response = start(editor, location_id)
    assert response.status_code == 409
    assert "Version 1 of this assessment is still open; finish it first." in response.text


def test_approval_is_refused_when_the_register_changed_after_submission(
    app, editor, admin, india, location_id, make_term
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form())
    act(editor, assessment_id, "submit")
    category = make_term(DataCategory)  # committed first: one writer at a time on SQLite
    with app.app_context():
        subprocessor = db.session.get(Subprocessor, india)
        subprocessor.data_categories.append(category)
        db.session.commit()
    response = act(admin, assessment_id, "approve")
    assert response.status_code == 409
    assert stored(app, assessment_id).state.value == "in_review"


def test_a_reviewer_sends_a_version_back_with_a_comment_the_author_sees(
    app, editor, admin, location_id
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form())
    act(editor, assessment_id, "submit")
    act(admin, assessment_id, "send-back", comment="Say more on section 69.")
    assert stored(app, assessment_id).state.value == "draft"
    assert "Say more on section 69." in editor.get(f"/admin/assessments/{assessment_id}/edit").text


def test_the_report_reads_in_german(editor, approved):
    page = editor.get(f"/admin/assessments/{approved}?lang=de").text
    assert "Schritt 1" in page


def test_an_admin_who_completed_and_submitted_a_draft_cannot_approve_it(
    app, editor, admin, location_id
):
    assessment_id = started(app, editor, location_id)
    save(admin, assessment_id, complete_form())
    act(admin, assessment_id, "submit")
    assert act(admin, assessment_id, "approve").status_code == 409
    assert stored(app, assessment_id).state.value == "in_review"


def test_relying_on_measures_for_remote_access_in_the_clear_needs_attention(
    app, editor, admin, india, location_id
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(conclusion="acceptable_with_measures"))
    act(editor, assessment_id, "submit")
    act(admin, assessment_id, "approve")
    reasons = [reason["code"] for reason in india_verdict(editor, india)["reasons"]]
    assert "tia_clear_remote_access" in reasons


def test_a_measure_not_recorded_in_the_register_keeps_the_draft_from_review(
    app, editor, location_id
):
    assessment_id = started(app, editor, location_id)
    save(
        editor,
        assessment_id,
        complete_form(
            **{
                "t_encrypted_storage": "y",
                "t_encrypted_storage_implementation": "Keys in Luxembourg",
            }
        ),
    )
    response = act(editor, assessment_id, "submit")
    assert "T-ENCRYPTED-STORAGE is not recorded for this transfer in the register" in response.text


def test_measures_that_modify_the_clauses_need_the_authorisation_before_review(
    app, editor, location_id
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(modifies_clauses="y"))
    response = act(editor, assessment_id, "submit")
    assert "the supervisory authority's authorisation (Art. 46(3)(a) GDPR)" in response.text


def test_a_signalling_nan_probability_is_refused_not_a_server_error(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    response = save(editor, assessment_id, complete_form(**{"in_it_act_69_request": "sNaN"}))
    assert response.status_code == 400
    assert "Give a percentage from 0 to 100." in response.text


def test_a_law_marked_as_not_reaching_the_transfer_counts_in_no_risk_figure(
    app, editor, location_id
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form(**{"in_it_act_69_applies": ""}))
    laws_given = [path["law"] for path in stored(app, assessment_id).risk_paths]
    assert "IN-IT-ACT-69" not in laws_given


def test_small_risks_are_shown_with_two_significant_digits_not_as_zero(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    percents = {"_request": "1", "_covers": "1", "_in_clear": "1"}
    form = complete_form()
    for key in list(form):
        for suffix, value in percents.items():
            if key.endswith(suffix):
                form[key] = value
    save(editor, assessment_id, form)
    risk = editor.get(f"/admin/assessments/{assessment_id}").text.split('id="risk"')[1]
    assert '<strong id="risk-over-period">0.0015%</strong>' in risk


def test_a_draft_started_by_mistake_is_discarded_and_the_location_can_go(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    assert act(editor, assessment_id, "discard").status_code == 302
    with app.app_context():
        assert db.session.get(TransferAssessment, assessment_id) is None
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "assessment.discarded")
        ).one()
    assert event.before["version"] == 1


def test_a_discarded_draft_s_link_shows_nothing_once_another_draft_is_started(
    app, editor, location_id
):
    discarded = started(app, editor, location_id)
    assert act(editor, discarded, "discard").status_code == 302
    assert started(app, editor, location_id) != discarded
    assert editor.get(f"/admin/assessments/{discarded}").status_code == 404


def test_an_approved_version_cannot_be_discarded(app, editor, approved):
    assert act(editor, approved, "discard").status_code == 409
    assert stored(app, approved).state.value == "approved"


def test_the_edit_page_of_a_version_in_review_leads_to_its_report(app, editor, location_id):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form())
    act(editor, assessment_id, "submit")
    response = editor.get(f"/admin/assessments/{assessment_id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/assessments/{assessment_id}")


def test_a_verdict_for_a_day_before_the_approval_has_no_assessment(editor, india, approved):
    body = editor.get("/api/v1/transfers?on=2026-01-01").get_json()
    transfer = next(
        entry["transfer"]
        for entry in body["transfers"]
        if entry["subprocessor"]["id"] == india and entry["country"] == "IN"
    )
    assert "scc_no_tia" in [reason["code"] for reason in transfer["reasons"]]


def test_a_country_the_catalogue_does_not_cover_gets_no_risk_figure(app, editor, make_subprocessor):
    mexico = make_subprocessor(
        locations=[
            {
                "country_code": "MX",
                "role": "processing",
                "transfer_tool": TransferTool.SCC,
                "scc_module": 3,
            }
        ]
    )
    with app.app_context():
        location = db.session.get(Subprocessor, mexico.id).locations[0].id
    start(editor, location)
    with app.app_context():
        assessment_id = db.session.scalar(
            sa.select(TransferAssessment.id).where(TransferAssessment.location_id == location)
        )
    document = editor.get(f"/admin/assessments/{assessment_id}.json").get_json()
    assert document["risk"]["computed"] is False
    assert (
        "Not computed: the catalogue holds no law of this country"
        in editor.get(f"/admin/assessments/{assessment_id}").text
    )


def test_downloading_the_evidence_pack_is_on_the_audit_trail(app, editor, approved):
    download_pack(editor)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "evidence.exported" in actions


def test_before_approving_the_reviewer_sees_the_verdict_the_approval_will_give(
    app, editor, admin, location_id
):
    assessment_id = started(app, editor, location_id)
    save(editor, assessment_id, complete_form())
    act(editor, assessment_id, "submit")
    page = admin.get(f"/admin/assessments/{assessment_id}").text
    assert "If this version is approved today" in page
    assert (
        "The transfer&#39;s verdict will be:" in page or "The transfer's verdict will be:" in page
    )


def test_the_author_is_not_offered_the_approve_button(app, make_user, location_id):
    make_user(email="author@example.com", role=Role.ADMIN)
    author = app.test_client()
    log_in(author, "author@example.com")
    assessment_id = started(app, author, location_id)
    save(author, assessment_id, complete_form())
    act(author, assessment_id, "submit")
    page = author.get(f"/admin/assessments/{assessment_id}").text
    assert ">Approve</button>" not in page
    assert "another admin approves it" in page


def test_the_form_offers_only_the_measures_the_register_records_for_the_transfer(
    app, editor, location_id
):
    from registry.models import ProcessingLocation

    assessment_id = started(app, editor, location_id)
    page = editor.get(f"/admin/assessments/{assessment_id}/edit").text
    with app.app_context():
        recorded = {m.code for m in db.session.get(ProcessingLocation, location_id).measures}
    offered = set(re.findall(r'id="measure-([A-Z0-9-]+)"', page))
    assert offered == recorded
