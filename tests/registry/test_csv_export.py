import csv
import io


def _rows(response):
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_csv_file_is_utf8_with_a_byte_order_mark_for_spreadsheets(client, make_subprocessor):
    make_subprocessor(name="Zürich Telecom")
    response = client.get("/subprocessors.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=subprocessors.csv"
    assert response.data.startswith("\ufeff".encode())
    assert "Zürich Telecom" in response.data.decode("utf-8-sig")


def test_the_csv_file_has_a_header_row_and_one_row_per_subprocessor(client, make_subprocessor):
    make_subprocessor(name="First")
    make_subprocessor(name="Second")
    header, *rows = _rows(client.get("/subprocessors.csv"))
    assert header == [
        "Name",
        "Legal name",
        "Address",
        "Country of establishment",
        "Website",
        "Recipient category",
        "Purposes",
        "Services",
        "Data categories",
        "Data subjects",
        "Processing locations",
        "Engaged by",
        "Illustrative demo data",
        "Data Privacy Framework List entry",
        "In the processing chain",
    ]
    assert [row[0] for row in rows] == ["First", "Second"]


def test_the_csv_file_lists_every_location_with_country_role_status_and_ground(
    client, make_subprocessor
):
    make_subprocessor(
        locations=[
            ("IE", "storage", "Dublin"),
            {
                "country_code": "IN",
                "role": "support_access",
                "transfer_tool": "scc",
                "scc_module": 3,
                "measures": ["T-ENCRYPTED-STORAGE"],
            },
        ]
    )
    header, row = _rows(client.get("/subprocessors.csv"))
    assert row[header.index("Processing locations")] == (
        "Ireland (IE), Dublin: Storage and hosting (EEA); "
        "India (IN): Remote access for support "
        "(No adequacy decision, SCCs, module 3 · 1 supplementary measure)"
    )


def test_the_csv_file_follows_the_filters(client, make_subprocessor):
    make_subprocessor(name="In India", locations=[("IN", "follow_the_sun")])
    make_subprocessor(name="In Germany", locations=[("DE", "storage")])
    _, *rows = _rows(client.get("/subprocessors.csv?country=IN"))
    assert [row[0] for row in rows] == ["In India"]


def test_the_csv_file_is_in_the_language_asked(client, make_subprocessor):
    make_subprocessor(country_code="CH")
    header, row = _rows(client.get("/subprocessors.csv?lang=fr"))
    assert header[0] == "Nom"
    assert row[header.index("Pays d’établissement")] == "Suisse (CH)"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(client, make_subprocessor):
    make_subprocessor(name='=HYPERLINK("http://evil.example","x")')
    _, row = _rows(client.get("/subprocessors.csv"))
    assert row[0] == '\'=HYPERLINK("http://evil.example","x")'


def test_a_bad_filter_on_the_csv_file_is_a_400_with_the_reason(client):
    response = client.get("/subprocessors.csv?country=123")
    assert response.status_code == 400
    assert "“123” is not a country code" in response.text


def test_an_unknown_language_on_the_csv_file_is_a_plain_text_400(client):
    response = client.get("/subprocessors.csv?lang=xx")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "The language “xx” is not available." in response.text
