"""The whole register as one JSON file, through the HTTP client and the CLI runner: the export
holds to its published JSON Schema and comes back equal through an import; the import's preview
shows exactly what a file changes and stores nothing; a bad item is refused with where it is and
why, before anything is stored; a confirmation applies the file once, in one transaction."""

import io
import json

import jsonschema
import pytest
import sqlalchemy as sa

from registry import assessments
from registry.extensions import db
from registry.models import (
    AuditEvent,
    ImportState,
    ProcessingLocation,
    RegisterImport,
    Subprocessor,
    SubprocessorStatus,
)
from registry.models.accounts import Role
from tests import conftest
from tests.web import csrf_token

SCHEMA = "/api/v1/schemas/register-export.json"


# The demo register as exported, kept once read: most tests start from it restored by an
# import, which is quicker than loading the demo's customers, notices and emails every time.
_DEMO_EXPORT: dict = {}


@pytest.fixture
def demo(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0


@pytest.fixture
def exported(app, runner, tmp_path) -> dict:
    """The demo register in this test's database, and its export."""
    path = tmp_path / "demo.json"
    if not _DEMO_EXPORT:
        assert runner.invoke(args=["demo", "load"]).exit_code == 0
        assert runner.invoke(args=["register", "export", str(path)]).exit_code == 0
        _DEMO_EXPORT.update(json.loads(path.read_text()))
    else:
        path.write_text(json.dumps(_DEMO_EXPORT))
        assert runner.invoke(args=["register", "import", str(path), "--yes"]).exit_code == 0
    return json.loads(json.dumps(_DEMO_EXPORT))


@pytest.fixture
def admin(logged_in, exported):
    return logged_in(Role.ADMIN)


def _upload(client, document, filename="register.json"):
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(
        "/admin/register/import",
        data={
            "csrf_token": csrf_token(client, "/admin/register/import"),
            "file": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )


def _confirm(client, import_id: int):
    address = f"/admin/register/import/{import_id}"
    return client.post(f"{address}/confirm", data={"csrf_token": csrf_token(client, address)})


def _subprocessor(document: dict, name: str) -> dict:
    return next(s for s in document["subprocessors"] if s["name"] == name)


def _stored(app, name: str) -> Subprocessor:
    return db.session.scalar(sa.select(Subprocessor).where(Subprocessor.name == name))


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def _kept(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(RegisterImport))


def _without_header(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_the_schema_is_public_as_application_schema_json_with_its_address_as_id(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert response.json["$id"].endswith(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(response.json)


def test_the_demo_register_exported_holds_to_the_published_schema(client, logged_in, demo):
    exported = logged_in(Role.VIEWER).get("/admin/register/export").json
    jsonschema.Draft202012Validator(client.get(SCHEMA).json).validate(exported)
    assert exported["format"] == "subprocessor-registry/register-export"
    assert exported["$schema"].endswith(SCHEMA)


def test_every_role_downloads_the_register_as_a_json_attachment(logged_in, demo):
    response = logged_in(Role.VIEWER).get("/admin/register/export")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=register-")
    assert len(response.json["subprocessors"]) == 15


def test_an_export_imported_into_an_empty_database_exports_the_same_register(
    app, runner, demo, tmp_path
):
    path = tmp_path / "register.json"
    assert runner.invoke(args=["register", "export", str(path)]).exit_code == 0
    exported = json.loads(path.read_text())
    with app.app_context():
        conftest._clear(db.engine)
    assert runner.invoke(args=["register", "import", str(path), "--yes"]).exit_code == 0
    again = tmp_path / "again.json"
    assert runner.invoke(args=["register", "export", str(again)]).exit_code == 0
    assert _without_header(json.loads(again.read_text())) == _without_header(exported)


def test_the_same_register_imported_again_is_unchanged_and_stores_nothing(
    app, runner, demo, tmp_path
):
    path = tmp_path / "register.json"
    assert runner.invoke(args=["register", "export", str(path)]).exit_code == 0
    events = _events(app)
    result = runner.invoke(args=["register", "import", str(path), "--yes"])
    assert result.exit_code == 0
    assert "0 created, 0 changed, 78 unchanged, 0 removed, 0 kept, 0 refused" in result.output
    assert _events(app) == events


def test_the_preview_of_an_edited_file_shows_exactly_its_edits_and_stores_nothing(
    app, admin, exported
):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    response = _upload(admin, exported)
    page = admin.get(response.headers["Location"]).text
    assert "Created: 0 · changed: 1 · unchanged: 77" in page
    assert "Kaiserstraße 1, Frankfurt" in page
    with app.app_context():
        assert _stored(app, "Nordhafen Hosting").address.startswith("Hafenstraße 12")


@pytest.mark.parametrize(
    ("edit", "path", "reason"),
    [
        (
            lambda doc: doc["subprocessors"][0]["locations"][0].update(country_code="ZZ"),
            "$.subprocessors[0].locations[0]",
            "“ZZ” is not a country in ISO 3166-1.",
        ),
        (
            lambda doc: doc["subprocessors"][0]["locations"][0].update(scc_module=2),
            "$.subprocessors[0].locations[0]",
            "An SCC module goes with the SCC ground only.",
        ),
        (
            lambda doc: doc["subprocessors"][0]["locations"][0].update(bcr_importer_bound=False),
            "$.subprocessors[0].locations[0]",
            "Details of binding corporate rules go with the BCR ground only.",
        ),
        (
            lambda doc: doc["subprocessors"][0]["services"].append("telepathy"),
            "$.subprocessors[0]",
            "services: not in the file nor in the register: telepathy.",
        ),
        (
            lambda doc: doc["entities"][0].update(country_code="lu"),
            "$.entities[0].country_code",
            "“lu” does not have the expected form ^[A-Z]{2}$.",
        ),
    ],
    ids=["bad country", "bad ground", "BCR detail", "unknown term", "against the schema"],
)
def test_a_bad_item_is_refused_with_where_it_is_and_why_and_nothing_is_stored(
    app, admin, exported, edit, path, reason
):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    edit(exported)
    events, kept = _events(app), _kept(app)
    response = _upload(admin, exported)
    assert response.status_code == 400
    assert path in response.text and reason in response.text
    assert (_events(app), _kept(app)) == (events, kept)
    with app.app_context():
        assert _stored(app, "Nordhafen Hosting").address.startswith("Hafenstraße 12")


def test_a_file_against_the_schema_is_refused_in_the_language_of_the_page(admin, exported):
    exported["entities"][0].update(country_code="lu")
    del exported["entities"][0]["city"]
    admin.get("/admin/register/import?lang=de")
    page = _upload(admin, exported).text
    assert "„lu“ hat nicht die erwartete Form ^[A-Z]{2}$." in page
    assert "Die Eigenschaft „city“ fehlt." in page


def test_a_file_that_is_not_json_is_refused_on_the_form(admin):
    response = _upload(admin, b"\x89PNG not json")
    assert response.status_code == 400
    assert "The file is not JSON in UTF-8" in response.text


def test_confirming_applies_the_file_with_the_files_hash_on_the_trail(app, admin, exported):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    import_id = int(_upload(admin, exported).headers["Location"].rsplit("/", 1)[1])
    assert _confirm(admin, import_id).status_code == 302
    with app.app_context():
        assert _stored(app, "Nordhafen Hosting").address == "Kaiserstraße 1, Frankfurt"
        kept = db.session.get(RegisterImport, import_id)
        assert (kept.state, kept.document) == (ImportState.APPLIED, None)
        event = db.session.scalar(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "register.imported")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        assert (event.after["sha256"], event.after["changed"]) == (kept.sha256, 1)


def test_a_second_confirmation_is_refused_and_applies_nothing_again(app, admin, exported):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    import_id = int(_upload(admin, exported).headers["Location"].rsplit("/", 1)[1])
    _confirm(admin, import_id)
    events = _events(app)
    response = _confirm(admin, import_id)
    assert response.status_code == 409
    assert "applied already" in response.text
    assert _events(app) == events


def test_a_confirmation_after_the_register_changed_since_the_preview_is_refused(
    app, admin, exported
):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    import_id = int(_upload(admin, exported).headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        _stored(app, "Moselle Datacenter").website = "https://moselle.example"
        db.session.commit()
    response = _confirm(admin, import_id)
    assert response.status_code == 409
    with app.app_context():
        assert _stored(app, "Nordhafen Hosting").address.startswith("Hafenstraße 12")


def test_a_location_the_file_lacks_is_kept_while_an_assessment_refers_to_it(
    app, admin, exported, tmp_path, runner
):
    with app.app_context():
        location = db.session.scalar(
            sa.select(ProcessingLocation).where(ProcessingLocation.country_code == "IN").limit(1)
        )
        assessments.start(location, "dpo@example.com")
        db.session.commit()
        owner, location_id = location.subprocessor.name, location.id
    _subprocessor(exported, owner)["locations"] = [
        loc for loc in _subprocessor(exported, owner)["locations"] if loc["id"] != location_id
    ]
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported))
    result = runner.invoke(args=["register", "import", str(path), "--yes"])
    assert "An impact assessment refers to this location, which keeps it." in result.output
    with app.app_context():
        assert db.session.get(ProcessingLocation, location_id) is not None


def test_a_subprocessor_the_file_lacks_is_kept_as_it_is(app, runner, exported, tmp_path):
    exported["subprocessors"] = [
        s for s in exported["subprocessors"] if s["name"] != "Bengal Backup"
    ]
    exported["chain_links"] = []
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported))
    result = runner.invoke(args=["register", "import", str(path), "--yes"])
    assert "kept, subprocessor Bengal Backup" in result.output
    with app.app_context():
        assert _stored(app, "Bengal Backup").status is SubprocessorStatus.ACTIVE


def test_a_change_to_an_active_subprocessor_is_shown_as_reaching_the_published_register(
    admin, exported
):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    page = admin.get(_upload(admin, exported).headers["Location"]).text
    assert "This import changes the published register" in page


def test_the_command_line_refuses_a_bad_file_with_exit_code_1_and_stores_nothing(
    app, runner, exported, tmp_path
):
    exported["subprocessors"][0]["locations"][0]["country_code"] = "ZZ"
    exported["subprocessors"][0]["address"] = "Kaiserstraße 1, Frankfurt"
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported))
    result = runner.invoke(args=["register", "import", str(path), "--yes"])
    assert result.exit_code == 1
    assert "refused, location" in result.output
    with app.app_context():
        assert _stored(app, "Nordhafen Hosting").address.startswith("Hafenstraße 12")


def test_the_command_line_stores_nothing_when_the_operator_declines(
    app, runner, exported, tmp_path
):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    path = tmp_path / "register.json"
    path.write_text(json.dumps(exported))
    events = _events(app)
    result = runner.invoke(args=["register", "import", str(path)], input="n\n")
    assert result.exit_code == 1
    assert "reach the published register at once" in result.output
    assert _events(app) == events
    with app.app_context():
        assert _stored(app, "Nordhafen Hosting").address.startswith("Hafenstraße 12")


def test_of_two_previews_confirmed_one_after_the_other_only_the_first_applies(app, admin, exported):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    first, second = (
        int(_upload(admin, exported).headers["Location"].rsplit("/", 1)[1]) for _ in range(2)
    )
    assert _confirm(admin, first).status_code == 302
    events = _events(app)
    assert _confirm(admin, second).status_code == 409
    assert _events(app) == events
    with app.app_context():
        assert db.session.get(RegisterImport, second).state is ImportState.PENDING


def test_an_import_that_changes_the_public_register_is_signed_as_a_snapshot(app, admin, exported):
    _subprocessor(exported, "Nordhafen Hosting")["address"] = "Kaiserstraße 1, Frankfurt"
    import_id = int(_upload(admin, exported).headers["Location"].rsplit("/", 1)[1])
    _confirm(admin, import_id)
    snapshot = admin.get("/api/v1/snapshots").json["snapshots"][0]
    document = admin.get(f"/snapshots/{snapshot['id']}.json").json
    addresses = {entry["name"]: entry["address"] for entry in document["subprocessors"]}
    assert addresses["Nordhafen Hosting"] == "Kaiserstraße 1, Frankfurt"
