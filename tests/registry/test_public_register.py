import pytest

from registry.models import RecipientCategory, Service, SubprocessorStatus


def test_the_root_address_leads_to_the_register(client):
    response = client.get("/?lang=de")
    assert response.status_code == 302
    assert response.headers["Location"] == "/subprocessors?lang=de"


def test_the_register_shows_a_subprocessor_with_its_legal_name_and_website(
    client, make_subprocessor
):
    make_subprocessor(name="Nordhafen Hosting", legal_name="Nordhafen Rechenzentrum GmbH")
    page = client.get("/subprocessors").text
    assert "Nordhafen Hosting" in page
    assert "Nordhafen Rechenzentrum GmbH" in page


def test_the_register_shows_every_processing_location_with_country_name_role_and_city(
    client, make_subprocessor
):
    make_subprocessor(locations=[("IE", "storage", "Dublin"), ("US", "support_access")])
    page = client.get("/subprocessors").text
    assert "Ireland</strong>, Dublin" in page
    assert "Storage and hosting" in page
    assert "United States</strong>" in page
    assert "Remote access for support" in page


def test_the_register_marks_a_location_in_a_country_without_adequacy(client, make_subprocessor):
    make_subprocessor(locations=[("IN", "follow_the_sun")])
    page = client.get("/subprocessors").text
    assert '<span class="badge badge-third_country">No adequacy decision</span>' in page


def test_the_register_shows_services_purposes_data_and_engaging_entities(
    client, make_subprocessor, make_term, make_entity
):
    from registry.models import DataCategory, DataSubjectCategory, Purpose

    make_subprocessor(
        services=[make_term(Service, name="Cloud PBX")],
        purposes=[make_term(Purpose, name="Hosting of the telephony platform")],
        data_categories=[make_term(DataCategory, name="Call/SMS metadata")],
        data_subject_categories=[make_term(DataSubjectCategory, name="Callers")],
        entities=[make_entity(name="Mixvoip GmbH")],
    )
    page = client.get("/subprocessors").text
    for shown in (
        "Cloud PBX",
        "Hosting of the telephony platform",
        "Call/SMS metadata",
        "Callers",
        "Mixvoip GmbH",
    ):
        assert shown in page


def test_the_register_leaves_out_subprocessors_that_are_not_active(client, make_subprocessor):
    for status in (
        SubprocessorStatus.PROPOSED,
        SubprocessorStatus.ANNOUNCED,
        SubprocessorStatus.RETIRED,
    ):
        make_subprocessor(name=f"Not yet or no longer: {status}", status=status)
    make_subprocessor(name="Engaged today")
    page = client.get("/subprocessors").text
    assert "Engaged today" in page
    assert "Not yet or no longer" not in page


def test_illustrative_entries_are_marked_and_explained(client, make_subprocessor):
    make_subprocessor(illustrative=True)
    page = client.get("/subprocessors").text
    assert "Illustrative demo data." in page
    assert 'class="tag tag-demo"' in page


def test_a_register_without_illustrative_entries_shows_no_demo_notice(client, make_subprocessor):
    make_subprocessor()
    assert "Illustrative demo data." not in client.get("/subprocessors").text


def test_filtering_by_country_keeps_only_subprocessors_processing_there(client, make_subprocessor):
    make_subprocessor(name="In India", locations=[("NL", "storage"), ("IN", "follow_the_sun")])
    make_subprocessor(name="In Germany only", locations=[("DE", "storage")])
    page = client.get("/subprocessors?country=in").text
    assert "In India" in page
    assert "In Germany only" not in page


def test_filtering_by_category_keeps_only_that_category(client, make_subprocessor, make_term):
    crm = make_term(RecipientCategory, code="crm", name="CRM providers")
    make_subprocessor(name="A CRM", recipient_category=crm)
    make_subprocessor(name="A carrier")
    page = client.get("/subprocessors?category=crm").text
    assert "A CRM" in page
    assert "A carrier" not in page


def test_filtering_by_service_keeps_only_subprocessors_supporting_it(
    client, make_subprocessor, make_term
):
    pbx = make_term(Service, code="cloud-pbx", name="Cloud PBX")
    make_subprocessor(name="For the PBX", services=[pbx])
    make_subprocessor(name="For something else")
    page = client.get("/subprocessors?service=cloud-pbx").text
    assert "For the PBX" in page
    assert "For something else" not in page


def test_the_filters_are_a_plain_get_form_that_needs_no_javascript(client, make_subprocessor):
    make_subprocessor()
    page = client.get("/subprocessors").text
    assert '<form class="filters" method="get" action="/subprocessors"' in page
    for name in ("country", "category", "service"):
        assert f'<label for="{name}">' in page
        assert f'<select id="{name}" name="{name}"' in page
    assert "<script" not in page


def test_a_country_without_subprocessors_gives_an_empty_register_not_an_error(
    client, make_subprocessor
):
    make_subprocessor(locations=[("DE", "storage")])
    response = client.get("/subprocessors?country=JP")
    assert response.status_code == 200
    assert "No subprocessor matches this filter." in response.text


def test_a_malformed_country_code_is_refused_with_400_and_the_accepted_form(client):
    response = client.get("/subprocessors?country=DEU")
    assert response.status_code == 400
    assert "“DEU” is not a country code: use the two letters of ISO 3166-1" in response.text


def test_an_unassigned_country_code_is_refused_with_400(client):
    response = client.get("/subprocessors?country=ZZ")
    assert response.status_code == 400
    assert "“ZZ” is not a country in ISO 3166-1." in response.text


def test_an_unknown_category_is_refused_with_400_listing_the_categories(client, make_term):
    make_term(RecipientCategory, code="hosting", name="Hosting providers")
    response = client.get("/subprocessors?category=cloud")
    assert response.status_code == 400
    assert "“cloud” is not a recipient category of this register." in response.text
    assert "Choose one of: hosting." in response.text


def test_an_unknown_service_is_refused_with_400(client):
    response = client.get("/subprocessors?service=fax")
    assert response.status_code == 400
    assert "“fax” is not a service of this register." in response.text


def test_an_unknown_page_is_a_404_page_pointing_to_the_register(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert 'href="/subprocessors"' in response.text


def test_the_page_lists_our_entities_with_their_addresses(client, make_entity):
    make_entity(name="Mixvoip Srl", street_address="Avenue de Finlande 5", country_code="BE")
    page = client.get("/subprocessors").text
    assert "Mixvoip Srl" in page
    assert "Avenue de Finlande 5" in page
    assert "Belgium" in page


def test_pages_forbid_foreign_scripts_and_framing(client):
    response = client.get("/subprocessors")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_names_are_escaped_in_the_page(client, make_subprocessor):
    make_subprocessor(name="<script>alert(1)</script> Ltd")
    page = client.get("/subprocessors").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in page


def test_a_refused_filter_shows_the_reason_and_no_misleading_empty_list(client, make_subprocessor):
    make_subprocessor()
    page = client.get("/subprocessors?country=DEU").text
    assert "The filter cannot be applied" in page
    assert "No subprocessor matches this filter." not in page
    assert 'class="register"' not in page


def test_the_register_shows_the_subprocessor_address_and_website(client, make_subprocessor):
    make_subprocessor(
        address="Hafenstraße 12, 60327 Frankfurt", website="https://nordhafen.example"
    )
    page = client.get("/subprocessors").text
    assert "Hafenstraße 12, 60327 Frankfurt" in page
    assert '<a class="website" href="https://nordhafen.example"' in page


def test_each_location_carries_its_own_eea_badge(client, make_subprocessor):
    make_subprocessor(locations=[("IE", "storage"), ("IN", "support_access"), ("RE", "backup")])
    page = client.get("/subprocessors").text
    assert page.count('class="badge badge-eea"') == 2
    assert page.count('class="badge badge-third_country"') == 1


@pytest.mark.parametrize(
    "address",
    [
        "/subprocessors?endpoint=x",
        "/?endpoint=x",
        "/subprocessors?_method=POST",
        "/subprocessors?_external=1&_anchor=top&_scheme=ftp",
        "/no-such-page?endpoint=x",
    ],
)
def test_query_parameters_named_like_flask_internals_do_no_harm(client, address):
    response = client.get(address, follow_redirects=True)
    assert response.status_code in (200, 404)
    assert "ftp://" not in response.text


def test_a_filter_given_twice_is_refused_rather_than_half_applied(client):
    response = client.get("/subprocessors?country=DE&country=US")
    assert response.status_code == 400
    assert "Give “country” only once" in response.text


def test_a_method_the_page_does_not_accept_is_a_405_with_the_allowed_methods(client):
    response = client.post("/subprocessors")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_the_filter_choices_are_in_the_alphabetical_order_of_the_language(
    client, make_subprocessor, make_term
):
    make_term(RecipientCategory, code="banks", name="Banks", translations={"de": "Banken"})
    make_term(RecipientCategory, code="doctors", name="Doctors", translations={"de": "Ärzte"})
    page = client.get("/subprocessors?lang=de").text
    assert page.index(">Ärzte<") < page.index(">Banken<")


def test_the_download_links_keep_the_filters_and_the_language(client, make_subprocessor):
    make_subprocessor(locations=[("IN", "follow_the_sun")])
    page = client.get("/subprocessors?country=IN&lang=fr").text
    assert 'href="/subprocessors.csv?lang=fr&amp;country=IN"' in page
    assert 'href="/api/v1/subprocessors?lang=fr&amp;country=IN"' in page


def test_the_register_says_when_it_last_changed(runner, client):
    runner.invoke(args=["demo", "load"])
    page = client.get("/subprocessors").text
    assert "Last updated:" in page
    assert client.get("/api/v1/subprocessors").json["updated_at"].endswith("Z")
