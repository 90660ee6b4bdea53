"""Change notices: announced with a window, public with their deadline and proof, effective only
after the deadline, withdrawable; the clock is moved, nothing sleeps."""

import html
import re

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEvent, ChangeKind, ChangeNotice, Subprocessor
from registry.models.accounts import Role
from registry.notices import changes


@pytest.fixture
def announce(app, clock):
    def announce(subprocessor_id, kind=ChangeKind.ADDITION, replaces_id=None, **options):
        with app.app_context():
            if replaces_id is not None:
                options["replaces"] = db.session.get(Subprocessor, replaces_id)
            notice = changes.announce(
                kind, db.session.get(Subprocessor, subprocessor_id), "dpo@example.com", **options
            )
            db.session.commit()
            return notice.id

    return announce


@pytest.fixture
def apply_due(runner):
    def apply_due():
        return runner.invoke(args=["notices", "apply-due"]).output

    return apply_due


def _proposed(make_subprocessor, name="Nimbus Cloud"):
    return make_subprocessor(name=name, status="proposed").id


def test_an_announced_addition_is_upcoming_not_yet_on_the_register(
    client, make_subprocessor, announce
):
    announce(_proposed(make_subprocessor))
    page = client.get("/subprocessors").text
    assert "Upcoming changes" in page
    assert "New subprocessor: Nimbus Cloud" in page
    assert 'class="name"' not in page  # no row in the register yet


def test_the_deadline_is_the_contractual_window_after_the_announcement(
    client, make_subprocessor, announce
):
    announce(_proposed(make_subprocessor))
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert notice["announced_at"] == "2026-11-02T09:00:00Z"
    assert notice["objection_deadline"] == "2026-12-02T09:00:00Z"
    assert notice["window_days"] == 30


def test_the_deadline_is_shown_in_the_organisations_time_zone_and_in_utc(
    client, make_subprocessor, announce
):
    notice_id = announce(_proposed(make_subprocessor))
    page = client.get(f"/changes/{notice_id}").text
    assert "December 2, 2026, 10:00 (Europe/Luxembourg)" in page
    assert "2026-12-02T09:00:00Z" in page


def test_the_notice_states_what_changes_field_by_field(client, make_subprocessor, announce):
    notice_id = announce(_proposed(make_subprocessor))
    page = client.get(f"/changes/{notice_id}").text
    assert (
        '<th scope="row">Name</th><td data-label="Before">—</td>'
        '<td data-label="After">Nimbus Cloud</td>'
    ) in page


@pytest.fixture
def announce_in_admin(client, make_user, clock):
    """Posts the addition form of /admin/changes as a logged-in admin, with a window in days."""
    from tests.web import csrf_token, log_in

    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")

    def announce_in_admin(subprocessor_id, window_days=""):
        form = {
            "csrf_token": csrf_token(client, "/admin/changes"),
            "window_days": window_days,
            "confirmed": "1",
        }
        return client.post(f"/admin/subprocessors/{subprocessor_id}/announce/addition", data=form)

    return announce_in_admin


def _stored_windows(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(ChangeNotice.window_days)))


def test_a_shorter_window_is_refused_by_default_in_the_page(make_subprocessor, announce_in_admin):
    response = announce_in_admin(_proposed(make_subprocessor), window_days="7")
    assert response.status_code == 400
    assert (
        "The notice window cannot be shorter than the 30 days the customers&#39; contracts give "
        "them to object." in response.text
    )


def test_a_refused_shorter_window_stores_no_notice(app, make_subprocessor, announce_in_admin):
    subprocessor_id = _proposed(make_subprocessor)
    announce_in_admin(subprocessor_id, window_days="29")
    assert _stored_windows(app) == []
    with app.app_context():
        assert db.session.get(Subprocessor, subprocessor_id).status.value == "proposed"


def test_a_longer_window_than_the_default_is_accepted(app, make_subprocessor, announce_in_admin):
    response = announce_in_admin(_proposed(make_subprocessor), window_days="45")
    assert response.status_code == 302
    assert _stored_windows(app) == [45]


def test_under_a_contract_term_a_window_between_the_minimum_and_the_default_is_recorded(
    app, client, make_subprocessor, announce_in_admin
):
    app.config["NOTICE_WINDOW_MIN_DAYS"] = 14
    assert announce_in_admin(_proposed(make_subprocessor), window_days="20").status_code == 302
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert (notice["window_days"], notice["window_shortened"]) == (20, True)
    assert notice["objection_deadline"] == "2026-11-22T09:00:00Z"


def test_under_a_contract_term_a_window_below_the_minimum_is_refused(
    app, make_subprocessor, announce_in_admin
):
    app.config["NOTICE_WINDOW_MIN_DAYS"] = 14
    response = announce_in_admin(_proposed(make_subprocessor), window_days="13")
    assert response.status_code == 400
    assert "allow a notice window of 14 days at the shortest, not 13." in response.text
    assert _stored_windows(app) == []


def test_a_window_shortened_under_the_contract_term_says_so_publicly(
    app, client, make_subprocessor, announce
):
    app.config["NOTICE_WINDOW_MIN_DAYS"] = 14
    notice_id = announce(_proposed(make_subprocessor), window_days=14)
    page = client.get(f"/changes/{notice_id}").text
    assert "14 days, shortened under the contract term that allows it" in page


def test_a_window_of_the_default_length_is_not_marked_as_shortened(
    app, client, make_subprocessor, announce
):
    app.config["NOTICE_WINDOW_MIN_DAYS"] = 14
    notice_id = announce(_proposed(make_subprocessor))
    assert "shortened under the contract term" not in client.get(f"/changes/{notice_id}").text


def test_a_notice_that_gave_an_emergency_reason_keeps_showing_it(
    app, client, make_subprocessor, announce
):
    notice_id = announce(_proposed(make_subprocessor))
    with app.app_context():  # as announced before a window could be shortened only by contract
        db.session.get(ChangeNotice, notice_id).emergency_reason = "Carrier outage"
        db.session.commit()
    page = client.get(f"/changes/{notice_id}").text
    assert "Shorter window, because</dt><dd>Carrier outage" in page


def test_nothing_takes_effect_before_the_deadline(
    client, make_subprocessor, announce, clock, apply_due
):
    announce(_proposed(make_subprocessor))
    clock.move(days=29, hours=23)
    assert "0 change(s) took effect." in apply_due()
    assert "Nimbus Cloud" not in client.get("/api/v1/subprocessors").text


def test_after_the_deadline_the_addition_takes_effect(
    client, make_subprocessor, announce, clock, apply_due
):
    announce(_proposed(make_subprocessor))
    clock.move(days=30)
    assert "1 change(s) took effect." in apply_due()
    names = [record["name"] for record in client.get("/api/v1/subprocessors").json["subprocessors"]]
    assert names == ["Nimbus Cloud"]
    assert client.get("/api/v1/changes").json["changes"][0]["state"] == "effective"


def test_after_its_deadline_a_removal_takes_the_subprocessor_off_the_register(
    client, make_subprocessor, announce, clock, apply_due
):
    subprocessor_id = make_subprocessor(name="Old Carrier").id
    announce(subprocessor_id, kind=ChangeKind.REMOVAL)
    assert "Old Carrier" in client.get("/api/v1/subprocessors").text  # still engaged meanwhile
    clock.move(days=31)
    apply_due()
    assert "Old Carrier" not in client.get("/api/v1/subprocessors").text


def test_a_withdrawn_addition_goes_back_to_proposed_and_says_why(
    app, client, make_subprocessor, announce, clock, apply_due
):
    subprocessor_id = _proposed(make_subprocessor)
    notice_id = announce(subprocessor_id)
    with app.app_context():
        changes.withdraw(
            db.session.get(ChangeNotice, notice_id),
            "dpo@example.com",
            "A customer's objection was upheld",
        )
        db.session.commit()
        assert db.session.get(Subprocessor, subprocessor_id).status.value == "proposed"
    clock.move(days=31)
    assert "0 change(s) took effect." in apply_due()
    assert "A customer&#39;s objection was upheld" in client.get(f"/changes/{notice_id}").text


def test_a_subprocessor_with_an_announced_change_cannot_be_announced_again(
    make_subprocessor, announce
):
    subprocessor_id = make_subprocessor(name="Old Carrier").id
    announce(subprocessor_id, kind=ChangeKind.REMOVAL)
    with pytest.raises(changes.ChangeError, match="already has a change announced"):
        announce(subprocessor_id, kind=ChangeKind.REMOVAL)


def test_the_public_proof_is_the_hash_of_the_announcement_on_the_audit_trail(
    app, client, runner, make_subprocessor, announce
):
    notice_id = announce(_proposed(make_subprocessor))
    with app.app_context():
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "notice.announced")
        )
        assert event.subject_id == str(notice_id)
        assert event.after["objection_deadline"] == "2026-12-02T09:00:00+00:00"
    assert event.hash in client.get(f"/changes/{notice_id}").text
    assert "intact" in runner.invoke(args=["audit", "verify"]).output


def test_an_unknown_notice_is_a_404(client):
    assert client.get("/changes/12345").status_code == 404


def test_an_admin_announces_from_the_admin_area(client, make_subprocessor, make_user, clock):
    from tests.web import csrf_token, log_in

    subprocessor_id = _proposed(make_subprocessor)
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    token = csrf_token(client, "/admin/changes")
    form = {"csrf_token": token, "window_days": "", "confirmed": "1"}
    response = client.post(f"/admin/subprocessors/{subprocessor_id}/announce/addition", data=form)
    assert response.status_code == 302
    assert client.get("/api/v1/changes").json["count"] == 1


def test_a_replacement_shows_the_old_entry_giving_way_to_the_new(
    client, make_subprocessor, announce
):
    old_id = make_subprocessor(name="Old Carrier").id
    new_id = _proposed(make_subprocessor, name="New Carrier")
    notice_id = announce(new_id, kind=ChangeKind.REPLACEMENT, replaces_id=old_id)
    page = client.get(f"/changes/{notice_id}").text
    assert "Subprocessor replaced: Old Carrier → New Carrier" in page
    assert (
        '<th scope="row">Name</th><td data-label="Before">Old Carrier</td>'
        '<td data-label="After">New Carrier</td>'
    ) in page


def test_once_in_effect_a_replacement_retires_the_old_and_engages_the_new(
    client, make_subprocessor, announce, clock, apply_due
):
    old_id = make_subprocessor(name="Old Carrier").id
    new_id = _proposed(make_subprocessor, name="New Carrier")
    announce(new_id, kind=ChangeKind.REPLACEMENT, replaces_id=old_id)
    assert _names(client) == ["Old Carrier"]
    clock.move(days=30)
    apply_due()
    assert _names(client) == ["New Carrier"]


def test_a_replacement_under_a_new_legal_name_is_titled_by_its_legal_names(
    client, make_subprocessor, announce
):
    old_id = make_subprocessor(name="Nimbus", legal_name="Nimbus Inc.").id
    new_id = make_subprocessor(name="Nimbus", legal_name="Nimbus GmbH", status="proposed").id
    notice_id = announce(new_id, kind=ChangeKind.REPLACEMENT, replaces_id=old_id)
    page = client.get(f"/changes/{notice_id}").text
    assert "Subprocessor replaced: Nimbus (Nimbus Inc. → Nimbus GmbH)" in page


def _names(client) -> list[str]:
    return [record["name"] for record in client.get("/api/v1/subprocessors").json["subprocessors"]]


def test_a_replacement_must_name_an_active_subprocessor(make_subprocessor, announce):
    retired_id = make_subprocessor(name="Gone", status="retired").id
    new_id = _proposed(make_subprocessor, name="New Carrier")
    with pytest.raises(changes.ChangeError, match="not an active subprocessor"):
        announce(new_id, kind=ChangeKind.REPLACEMENT, replaces_id=retired_id)


def test_an_admin_announces_a_replacement_from_the_drafts_page(
    client, make_subprocessor, make_user, clock
):
    from tests.web import log_in

    old_id = make_subprocessor(name="Old Carrier").id
    new_id = _proposed(make_subprocessor, name="New Carrier")
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{new_id}").text
    token = re.search(r'id="replace-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"replace-csrf_token": token, "replace-replaces": str(old_id), "confirmed": "1"}
    response = client.post(f"/admin/subprocessors/{new_id}/announce/replacement", data=form)
    assert response.status_code == 302
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert (notice["kind"], notice["replaces"]["name"]) == ("replacement", "Old Carrier")


def test_a_change_that_has_reached_its_day_cannot_be_withdrawn(
    app, make_subprocessor, announce, clock
):
    notice_id = announce(_proposed(make_subprocessor))
    clock.move(days=30)
    with app.app_context():
        with pytest.raises(changes.ChangeError, match="cannot be withdrawn"):
            changes.withdraw(db.session.get(ChangeNotice, notice_id), "dpo@example.com", "Late")


def test_the_deadline_is_kept_to_the_second(client, make_subprocessor, announce, clock):
    clock.move(microseconds=123456)
    announce(_proposed(make_subprocessor))
    assert client.get("/api/v1/changes").json["changes"][0]["objection_deadline"] == (
        "2026-12-02T09:00:00Z"
    )


def test_a_replacement_naming_no_valid_subprocessor_is_refused_in_the_page(
    client, make_subprocessor, make_user
):
    from tests.web import log_in

    new_id = _proposed(make_subprocessor, name="New Carrier")
    make_subprocessor(name="Old Carrier")
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{new_id}").text
    token = re.search(r'id="replace-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    for bad in ("abc", "99999999999999999999", ""):
        form = {"replace-csrf_token": token, "replace-replaces": bad}
        response = client.post(f"/admin/subprocessors/{new_id}/announce/replacement", data=form)
        assert response.status_code == 400, bad
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChangeNotice)) == 0


def test_a_new_location_is_announced_and_added_only_once_in_effect(
    client, make_subprocessor, announce, clock, apply_due
):
    from registry.register.drafts import LocationValues

    subprocessor_id = make_subprocessor(name="Harbourline", locations=[("IE", "storage")]).id
    new = LocationValues(country="US", role="support_access", transfer_tool="scc", scc_module=3)
    notice_id = announce(subprocessor_id, kind=ChangeKind.NEW_LOCATION, new_location=new)
    page = client.get(f"/changes/{notice_id}").text
    assert "New processing location: Harbourline" in page
    assert _countries(client) == ["IE"]
    clock.move(days=30)
    apply_due()
    assert _countries(client) == ["IE", "US"]


def _countries(client) -> list[str]:
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    return [location["country"] for location in record["locations"]]


def test_a_new_location_whose_ground_does_not_fit_is_refused(make_subprocessor, announce):
    from registry.register.drafts import LocationValues

    subprocessor_id = make_subprocessor(name="Harbourline").id
    wrong = LocationValues(country="US", role="processing", transfer_tool="bcr", scc_module=3)
    with pytest.raises(changes.ChangeError, match="An SCC module goes with the SCC ground only."):
        announce(subprocessor_id, kind=ChangeKind.NEW_LOCATION, new_location=wrong)


def test_an_admin_announces_a_new_location_from_the_admin_area(
    client, make_subprocessor, make_user, clock
):
    from tests.web import log_in

    subprocessor_id = make_subprocessor(name="Harbourline").id
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{subprocessor_id}").text
    token = re.search(r'id="new-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {
        "new-csrf_token": token,
        "new-country": "JP",
        "new-role": "support_access",
        "new-transfer_tool": "adequacy",
        "new-adequacy_decision": "2019/419",
        "new-scc_module": "",
        "new-city": "",
        "confirmed": "1",
    }
    response = client.post(f"/admin/subprocessors/{subprocessor_id}/announce-location", data=form)
    assert response.status_code == 302
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert notice["kind"] == "new_location"


def test_a_shorter_window_for_a_new_location_is_refused_beside_the_window_field(
    app, client, make_subprocessor, make_user, clock
):
    from tests.web import log_in

    subprocessor_id = make_subprocessor(name="Harbourline").id
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{subprocessor_id}").text
    token = re.search(r'id="new-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {
        "new-csrf_token": token,
        "new-country": "JP",
        "new-role": "support_access",
        "new-transfer_tool": "adequacy",
        "new-adequacy_decision": "2019/419",
        "new-scc_module": "",
        "new-city": "",
        "notice-window_days": "10",
        "confirmed": "1",
    }
    response = client.post(f"/admin/subprocessors/{subprocessor_id}/announce-location", data=form)
    assert response.status_code == 400
    assert re.search(
        r'id="notice-window_days"[^>]*>\s*<p class="error">The notice window cannot be shorter',
        response.text,
    )
    assert _stored_windows(app) == []


def _purposes(client) -> list[str]:
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    return [purpose["name"] for purpose in record["purposes"]]


def test_a_new_purpose_is_announced_and_added_only_once_in_effect(
    client, make_subprocessor, make_term, announce, clock, apply_due
):
    from registry.models import Purpose

    analytics = make_term(Purpose, code="analytics", name="Call analytics")
    subprocessor_id = make_subprocessor(
        name="Harbourline", purposes=[make_term(Purpose, name="Hosting")]
    ).id
    notice_id = announce(
        subprocessor_id,
        kind=ChangeKind.NEW_PURPOSE,
        new_terms=changes.NewTerms(purposes=[analytics.code]),
    )
    before = _purposes(client)
    clock.move(days=30)
    apply_due()
    assert (before, sorted(_purposes(client))) == (["Hosting"], ["Call analytics", "Hosting"])
    page = client.get(f"/changes/{notice_id}").text
    assert "New purpose or data category: Harbourline" in page


def test_a_new_purpose_notice_states_the_list_before_and_after(
    client, make_subprocessor, make_term, announce
):
    from registry.models import DataCategory

    recordings = make_term(DataCategory, code="recordings", name="Call recordings")
    subprocessor_id = make_subprocessor(
        name="Harbourline", data_categories=[make_term(DataCategory, name="Call metadata")]
    ).id
    notice_id = announce(
        subprocessor_id,
        kind=ChangeKind.NEW_PURPOSE,
        new_terms=changes.NewTerms(data_categories=[recordings.code]),
    )
    [notice] = [n for n in client.get("/api/v1/changes").json["changes"] if n["id"] == notice_id]
    assert notice["changes"] == [
        {
            "field": "data_categories",
            "before": ["Call metadata"],
            "after": ["Call metadata", "Call recordings"],
            "field_name": "Data categories",
        }
    ]


def test_a_purpose_the_subprocessor_already_has_is_refused(make_subprocessor, make_term, announce):
    from registry.models import Purpose

    hosting = make_term(Purpose, code="hosting")
    subprocessor_id = make_subprocessor(name="Harbourline", purposes=[hosting]).id
    with pytest.raises(changes.ChangeError, match="already has: hosting"):
        announce(
            subprocessor_id,
            kind=ChangeKind.NEW_PURPOSE,
            new_terms=changes.NewTerms(purposes=["hosting"]),
        )


def test_an_admin_announces_new_purposes_from_the_admin_area(
    client, make_subprocessor, make_term, make_user, clock
):
    from registry.models import Purpose
    from tests.web import log_in

    make_term(Purpose, code="analytics", name="Call analytics")
    subprocessor_id = make_subprocessor(name="Harbourline").id
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{subprocessor_id}").text
    token = re.search(r'id="purpose-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"purpose-csrf_token": token, "purpose-purposes": "analytics", "confirmed": "1"}
    response = client.post(f"/admin/subprocessors/{subprocessor_id}/announce-purpose", data=form)
    assert response.status_code == 302
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert notice["kind"] == "new_purpose"


def _editorial(app, subprocessor_id, corrections, reason="A typo in the street name"):
    with app.app_context():
        notice = changes.publish_editorial(
            db.session.get(Subprocessor, subprocessor_id), corrections, reason, "dpo@example.com"
        )
        db.session.commit()
        return notice.id


def test_an_editorial_correction_is_on_the_register_at_once(app, client, make_subprocessor, clock):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    _editorial(app, subprocessor_id, {"address": "1 Harbour Road"})
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    assert record["address"] == "1 Harbour Road"


def test_an_editorial_correction_is_published_as_such_with_its_reason(
    app, client, make_subprocessor, clock
):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    notice_id = _editorial(app, subprocessor_id, {"address": "1 Harbour Road"})
    [notice] = client.get("/api/v1/changes").json["changes"]
    page = client.get(f"/changes/{notice_id}").text
    assert (notice["kind"], notice["state"], notice["window_days"]) == ("editorial", "effective", 0)
    assert notice["changes"][0]["before"] == "1 Harbor Rd"
    assert "A typo in the street name" in page
    assert "Object to this change" not in page


def test_an_editorial_correction_cannot_touch_what_is_processed(app, make_subprocessor, clock):
    subprocessor_id = make_subprocessor(name="Harbourline").id
    with pytest.raises(changes.ChangeError, match="Only the wording of"):
        _editorial(app, subprocessor_id, {"country_code": "US"})


def test_an_editorial_correction_needs_a_reason(app, make_subprocessor, clock):
    subprocessor_id = make_subprocessor(name="Harbourline").id
    with pytest.raises(changes.ChangeError, match="Say why"):
        _editorial(app, subprocessor_id, {"address": "Elsewhere"}, reason=" ")


def test_an_editorial_correction_that_changes_nothing_is_refused(app, make_subprocessor, clock):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbour Road").id
    with pytest.raises(changes.ChangeError, match="Nothing differs"):
        _editorial(app, subprocessor_id, {"address": "1 Harbour Road "})


def test_an_editorial_correction_is_on_the_audit_trail(app, make_subprocessor, clock):
    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    _editorial(app, subprocessor_id, {"address": "1 Harbour Road"})
    with app.app_context():
        # The last event of the write but the signed snapshot of the register it changed.
        event = db.session.scalar(
            sa.select(AuditEvent)
            .where(AuditEvent.action != "snapshot.signed")
            .order_by(AuditEvent.id.desc())
        )
    assert (event.action, event.after["editorial_reason"]) == (
        "notice.editorial",
        "A typo in the street name",
    )


def test_an_admin_publishes_an_editorial_correction_from_the_admin_area(
    client, make_subprocessor, make_user, clock
):
    from tests.web import log_in

    subprocessor_id = make_subprocessor(name="Harbourline", address="1 Harbor Rd").id
    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")
    page = client.get(f"/admin/subprocessors/{subprocessor_id}").text
    token = re.search(r'id="editorial-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    form = {
        "editorial-csrf_token": token,
        "editorial-name": "Harbourline",
        "editorial-legal_name": record["legal_name"],
        "editorial-address": "1 Harbour Road",
        "editorial-website": record["website"] or "",
        "editorial-reason": "Typo",
    }
    response = client.post(f"/admin/subprocessors/{subprocessor_id}/editorial", data=form)
    assert response.status_code == 302
    [notice] = client.get("/api/v1/changes").json["changes"]
    assert notice["changes"] == [
        {
            "field": "address",
            "before": "1 Harbor Rd",
            "after": "1 Harbour Road",
            "field_name": "Address",
        }
    ]


@pytest.fixture
def correct_in_admin(client, make_user, clock):
    """Posts the editorial form of an active subprocessor's admin page as a logged-in admin;
    fields not given keep the entry's current values."""
    from tests.web import log_in

    make_user(email="admin@example.com", role=Role.ADMIN)
    log_in(client, "admin@example.com")

    def correct_in_admin(subprocessor_id, **fields):
        page = client.get(f"/admin/subprocessors/{subprocessor_id}").text
        form = {"editorial-reason": "A typo"}
        for name in ("csrf_token", "name", "legal_name", "address", "website"):
            value = re.search(rf'id="editorial-{name}"[^>]*value="([^"]*)"', page).group(1)
            form[f"editorial-{name}"] = fields.get(name, html.unescape(value))
        return client.post(f"/admin/subprocessors/{subprocessor_id}/editorial", data=form)

    return correct_in_admin


def _entry(app, subprocessor_id) -> tuple[str, str]:
    with app.app_context():
        entry = db.session.get(Subprocessor, subprocessor_id)
        return entry.name, entry.legal_name


def test_an_editorial_change_of_the_legal_name_is_refused_saying_to_announce_a_replacement(
    make_subprocessor, correct_in_admin
):
    subprocessor_id = make_subprocessor(name="Harbourline", legal_name="Harbourline Inc.").id
    response = correct_in_admin(subprocessor_id, legal_name="Harbourline Europe Ltd")
    assert response.status_code == 400
    assert "announce a replacement instead" in response.text
    assert "Draft a new subprocessor under the new legal name" in response.text


def test_a_refused_legal_name_change_leaves_the_legal_name_and_publishes_nothing(
    app, client, make_subprocessor, correct_in_admin
):
    subprocessor_id = make_subprocessor(name="Harbourline", legal_name="Harbourline Inc.").id
    correct_in_admin(subprocessor_id, legal_name="Harbourline Europe Ltd")
    assert _entry(app, subprocessor_id) == ("Harbourline", "Harbourline Inc.")
    assert client.get("/api/v1/changes").json["count"] == 0


def test_an_editorial_spelling_fix_of_the_name_still_works(
    app, make_subprocessor, correct_in_admin
):
    subprocessor_id = make_subprocessor(name="Harbourlin", legal_name="Harbourline Inc.").id
    assert correct_in_admin(subprocessor_id, name="Harbourline").status_code == 302
    assert _entry(app, subprocessor_id) == ("Harbourline", "Harbourline Inc.")


def test_the_editorial_form_points_to_a_draft_under_a_new_legal_name(
    client, make_subprocessor, correct_in_admin
):
    subprocessor_id = make_subprocessor(name="Harbourline").id
    page = client.get(f"/admin/subprocessors/{subprocessor_id}").text
    assert f'href="/admin/subprocessors/new?successor_of={subprocessor_id}"' in page


SYSTEMATIC_DEROGATION = {
    "country_code": "IN",
    "role": "support_access",
    "transfer_tool": "derogation",
    "derogation": "e",
    "derogation_justification": "Claims handled from Mumbai",
}


def test_an_addition_whose_transfer_has_no_valid_ground_is_refused_with_the_reason(
    make_subprocessor, announce_in_admin
):
    draft = make_subprocessor(status="proposed", locations=[SYSTEMATIC_DEROGATION])
    page = html.unescape(announce_in_admin(draft.id).get_data(as_text=True))
    assert "without a valid ground" in page
    assert "Art. 49(1)(e) is for occasional transfers" in page


def test_an_addition_whose_transfer_has_no_valid_ground_stores_no_notice(
    app, make_subprocessor, announce_in_admin
):
    draft = make_subprocessor(status="proposed", locations=[SYSTEMATIC_DEROGATION])
    announce_in_admin(draft.id)
    assert _stored_windows(app) == []


def test_a_new_location_without_a_ground_is_refused_and_stores_no_notice(
    app, make_subprocessor, announce
):
    from registry.register.drafts import LocationValues

    engaged = make_subprocessor(status="active")
    no_ground = LocationValues(country="IN", role="storage", city=None, transfer_tool=None)
    with pytest.raises(changes.ChangeError, match="no transfer ground recorded"):
        announce(engaged.id, ChangeKind.NEW_LOCATION, new_location=no_ground)
    assert _stored_windows(app) == []
