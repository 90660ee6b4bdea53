def test_demo_load_fills_the_register_with_illustrative_subprocessors(runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "Loaded demo data: 4 entities" in result.output
    body = client.get("/api/v1/subprocessors").json
    assert body["count"] >= 10
    assert all(record["illustrative"] for record in body["subprocessors"])


def test_demo_data_has_our_four_entities(runner, client):
    runner.invoke(args=["demo", "load"])
    page = client.get("/subprocessors").text
    for entity, street in [
        ("Mixvoip SA", "70 rue des Prés"),
        ("Mixvoip Srl", "Avenue de Finlande 5"),
        ("Mixvoip GmbH", "Max-Planck-Strasse 22"),
        ("Mixvoip SAS", "4 rue Marconi"),
    ]:
        assert entity in page
        assert street in page


def test_demo_data_spans_the_eea_adequate_and_non_adequate_countries(runner, client):
    runner.invoke(args=["demo", "load"])
    records = client.get("/api/v1/subprocessors").json["subprocessors"]
    countries = {location["country"] for record in records for location in record["locations"]}
    assert {"LU", "DE", "US", "GB", "CH", "IN"} <= countries


def test_demo_data_uses_every_recipient_category(runner, client):
    runner.invoke(args=["demo", "load"])
    records = client.get("/api/v1/subprocessors").json["subprocessors"]
    used = {record["recipient_category"]["code"] for record in records}
    assert used == {
        "hosting",
        "infrastructure",
        "crm",
        "telecom",
        "ticketing",
        "billing",
        "payment",
    }


def test_demo_load_twice_adds_nothing_the_second_time(runner, client):
    runner.invoke(args=["demo", "load"])
    first = client.get("/api/v1/subprocessors").json
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert client.get("/api/v1/subprocessors").json == first


def test_demo_load_if_empty_leaves_a_register_that_holds_data_alone(
    runner, client, make_subprocessor
):
    make_subprocessor(name="Our real carrier")
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "demo data not loaded" in result.output
    names = [record["name"] for record in client.get("/api/v1/subprocessors").json["subprocessors"]]
    assert names == ["Our real carrier"]


def test_demo_load_if_empty_loads_into_an_empty_register(runner, client):
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "Loaded demo data" in result.output
    assert client.get("/api/v1/subprocessors").json["count"] >= 10


def test_the_demo_shows_a_change_in_effect_one_withdrawn_one_corrected_and_one_open(runner, client):
    runner.invoke(args=["demo", "load"])
    states = {
        notice["kind"]: notice["state"] for notice in client.get("/api/v1/changes").json["changes"]
    }
    assert states == {
        "addition": "effective",
        "removal": "withdrawn",
        "editorial": "effective",
        "new_location": "announced",
    }


def test_the_demos_open_change_brings_data_to_a_new_country_outside_the_eea(runner, client):
    runner.invoke(args=["demo", "load"])
    [open_notice] = [
        notice
        for notice in client.get("/api/v1/changes").json["changes"]
        if notice["state"] == "announced"
    ]
    assert open_notice["objections_open"]
    assert open_notice["decision"]["outside_eea"]["new_countries"] == ["Philippines"]


def test_every_feed_has_entries_after_the_demo_loads(runner, client):
    runner.invoke(args=["demo", "load"])
    atom = client.get("/feeds/changes.atom").text
    rss = client.get("/feeds/changes.rss").text
    json_feed = client.get("/feeds/changes.json").json
    assert atom.count("<entry>") >= 3 and rss.count("<item>") >= 3 and len(json_feed["items"]) >= 3


def test_the_demos_history_keeps_the_audit_trail_intact(runner):
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_demo_data_has_three_customers_with_their_own_contracts(runner, app):
    result = runner.invoke(args=["demo", "load"])
    assert "3 customers" in result.output
    from registry.extensions import db
    from registry.models import Customer

    with app.app_context():
        periods = {c.reference: c.notice_days for c in db.session.query(Customer).all()}
    assert periods == {"CUST-1001": 30, "CUST-2002": 45, "CUST-3003": 60}


def test_the_demos_addition_took_effect_for_the_customer_that_approved_it(runner, app):
    runner.invoke(args=["demo", "load"])
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import ChangeNotice, CustomerNotice, NoticeState, Subprocessor

    with app.app_context():
        record = db.session.scalar(
            sa.select(CustomerNotice)
            .join(ChangeNotice)
            .join(Subprocessor, Subprocessor.id == ChangeNotice.subprocessor_id)
            .where(Subprocessor.name == "Fjord Voice Analytics")
        )
        assert record.notice.state is NoticeState.EFFECTIVE
        assert (record.customer.reference, record.effect.value) == ("CUST-2002", "in_effect")


def test_the_demos_dashboard_shows_a_customer_objection_that_holds_a_change(runner, logged_in):
    from registry.models.accounts import Role

    runner.invoke(args=["demo", "load"])
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert (
        "Ganges Helpdesk must not process Moselle Logistics S.A.&#39;s data in Philippines" in page
    )
    assert "Ganges Helpdesk must not process Rheinland Klinikverbund gGmbH&#39;s data" in page


def test_setup_loads_the_demo_into_an_empty_register_and_says_how_to_create_the_first_user(
    runner, client
):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0
    assert "Loaded demo data: 4 entities" in result.output
    assert "users create you@example.com --role admin" in result.output
    assert client.get("/api/v1/subprocessors").json["count"] >= 10


def test_setup_leaves_a_register_that_holds_data_as_it_is(runner):
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0
    assert "demo data not loaded" in result.output
