from registry.models import DataCategory, DataSubjectCategory, Purpose, RecipientCategory, Service


def test_the_api_carries_every_field_the_page_shows(
    client, make_subprocessor, make_term, make_entity
):
    make_subprocessor(
        name="Harbourline CRM",
        legal_name="Harbourline Software Inc.",
        address="200 Harbor Drive, Boston, MA 02210, United States",
        country_code="US",
        website="https://harbourline-crm.example",
        recipient_category=make_term(RecipientCategory, code="crm", name="CRM providers"),
        purposes=[make_term(Purpose, code="crm", name="Customer relationship management")],
        services=[make_term(Service, code="support", name="Customer support")],
        data_categories=[make_term(DataCategory, code="account", name="Customer account data")],
        data_subject_categories=[make_term(DataSubjectCategory, code="users", name="Users")],
        entities=[make_entity(name="Mixvoip SA", country_code="LU")],
        locations=[("IE", "storage", "Dublin"), ("US", "support_access")],
        illustrative=True,
    )
    [record] = client.get("/api/v1/subprocessors").json["subprocessors"]
    transfers = [location.pop("transfer") for location in record["locations"]]
    assert [transfer["status"] for transfer in transfers] == ["eea", "partially_adequate"]
    assert record == {
        "id": record["id"],
        "name": "Harbourline CRM",
        "legal_name": "Harbourline Software Inc.",
        "address": "200 Harbor Drive, Boston, MA 02210, United States",
        "country": "US",
        "country_name": "United States",
        "website": "https://harbourline-crm.example",
        "recipient_category": {"code": "crm", "name": "CRM providers"},
        "purposes": [{"code": "crm", "name": "Customer relationship management"}],
        "services": [{"code": "support", "name": "Customer support"}],
        "data_categories": [{"code": "account", "name": "Customer account data"}],
        "data_subject_categories": [{"code": "users", "name": "Users"}],
        "locations": [
            {
                "country": "IE",
                "country_name": "Ireland",
                "eea": True,
                "city": "Dublin",
                "role": "storage",
                "role_name": "Storage and hosting",
                "ground_facts": NO_GROUND_FACTS,
            },
            {
                "country": "US",
                "country_name": "United States",
                "eea": False,
                "city": None,
                "role": "support_access",
                "role_name": "Remote access for support",
                "ground_facts": NO_GROUND_FACTS,
            },
        ],
        "engaged_by": [{"name": "Mixvoip SA", "country": "LU"}],
        "status": "active",
        "illustrative": True,
        "dpf_certified": False,
        "dpf_entry": {
            "listed_name": None,
            "scope": None,
            "scope_name": None,
            "verified_on": None,
            "recertification_due": None,
        },
        "subject_to_pipeda": False,
        "subject_to_gdpr_art_3_2": False,
        "hr_data": False,
        "chain": [],
    }


NO_GROUND_FACTS = {
    "scc_decision": None,
    "scc_signed_on": None,
    "bcr": None,
    "derogation_occasional": False,
    "derogation_occasional_reason": None,
    "recipient_protection": None,
}


def test_the_api_states_the_count_language_and_filters_applied(client, make_subprocessor):
    make_subprocessor(locations=[("IN", "follow_the_sun")])
    make_subprocessor(locations=[("DE", "storage")])
    body = client.get("/api/v1/subprocessors?country=in&lang=fr").json
    assert body["count"] == 1
    assert body["language"] == "fr"
    assert body["filters"] == {"country": "IN", "category": None, "service": None}


def test_the_api_names_terms_and_countries_in_the_language_asked(
    client, make_subprocessor, make_term
):
    make_subprocessor(
        services=[make_term(Service, name="Cloud PBX", translations={"de": "Cloud-Telefonanlage"})],
        locations=[("GB", "processing")],
    )
    [record] = client.get("/api/v1/subprocessors?lang=de").json["subprocessors"]
    assert record["services"][0]["name"] == "Cloud-Telefonanlage"
    assert record["locations"][0]["country_name"] == "Vereinigtes Königreich"
    assert record["locations"][0]["role_name"] == "Verarbeitung"


def test_the_api_refuses_a_malformed_country_with_a_json_400(client):
    response = client.get("/api/v1/subprocessors?country=Germany")
    assert response.status_code == 400
    assert response.json["error"]["status"] == 400
    assert "use the two letters of ISO 3166-1" in response.json["error"]["message"]
    assert "country" in response.json["error"]["fields"]


def test_the_api_refuses_an_unknown_service_with_the_accepted_codes(client, make_term):
    make_term(Service, code="cloud-pbx", name="Cloud PBX")
    response = client.get("/api/v1/subprocessors?service=fax")
    assert response.status_code == 400
    assert response.json["error"]["message"].endswith("Choose one of: cloud-pbx.")


def test_the_api_refuses_an_unknown_language_with_a_json_400(client):
    response = client.get("/api/v1/subprocessors?lang=xx")
    assert response.status_code == 400
    assert "en (English), de (Deutsch), fr (Français)" in response.json["error"]["message"]


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404


def test_the_api_names_the_organisation_its_dpo_and_its_entities_with_addresses(
    client, make_entity
):
    make_entity(
        name="Mixvoip SA",
        street_address="70 rue des Prés",
        postal_code="L-7333",
        city="Steinsel",
        country_code="LU",
    )
    organisation = client.get("/api/v1/subprocessors").json["organisation"]
    assert organisation["dpo_email"] == "dpo@mixvoip.com"
    assert organisation["entities"] == [
        {
            "name": "Mixvoip SA",
            "street_address": "70 rue des Prés",
            "postal_code": "L-7333",
            "city": "Steinsel",
            "country": "LU",
        },
    ]
