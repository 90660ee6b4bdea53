"""The Data Privacy Framework List, imported from a saved copy and checked against the register.

`tests/data/dpf_list.csv` is a small list in the columns the list's pages are reported to use
(see `registry.dpf.list_file`: no source confirmed a CSV export of the list, nor its header).
The clock stands at 2026-11-02.
"""

import hashlib
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEvent, DpfListEntry, DpfListImport
from registry.models.accounts import Role
from transfers.grounds import TransferTool
from transfers.importers import DpfScope

LIST_FILE = Path(__file__).parent.parent / "data" / "dpf_list.csv"
US_ON_ADEQUACY = {
    "country_code": "US",
    "role": "processing",
    "transfer_tool": TransferTool.ADEQUACY,
}
HEADER = "Organization Name,Status,Framework,Data Collected,Next Certification Due Date\n"


def us_importer(make_subprocessor, name: str, legal_name: str, **facts):
    """A US subprocessor whose US location relies on adequacy, recorded as DPF-certified with
    the facts the list gives for "Nimbus Cloud, Inc." unless `facts` says otherwise."""
    values = {
        "country_code": "US",
        "dpf_certified": True,
        "dpf_listed_name": None,
        "dpf_scope": DpfScope.BOTH,
        "dpf_verified_on": date(2026, 10, 1),
        "dpf_recertification_due": date(2027, 9, 23),
        "hr_data": True,
    } | facts
    return make_subprocessor(name=name, legal_name=legal_name, locations=[US_ON_ADEQUACY], **values)


def import_file(runner, path=LIST_FILE, *options):
    return runner.invoke(args=["dpf", "import", str(path), *options])


def written(tmp_path, text: str, name="dpf.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Each kind of difference: the subprocessor as the register records it, and the sentence that
# names it and both values.
DIFFERENCES = {
    "not on the list": (
        ("Fog", "Fog Networks Inc.", {}),
        "Fog: the register relies on the DPF for it, but “Fog Networks Inc.” is not on the "
        "imported DPF List.",
    ),
    "inactive": (
        ("Stratus", "Stratus Analytics LLC", {"dpf_scope": DpfScope.NON_HR, "hr_data": False}),
        "Stratus: the register relies on the DPF for it, but the list has “Stratus Analytics "
        "LLC” inactive (Inactive).",
    ),
    "HR data not covered": (
        ("Cirrus", "Cirrus Payroll Inc.", {"dpf_recertification_due": date(2027, 3, 3)}),
        "Cirrus: it receives HR data, but its certification on the list covers Non-HR data.",
    ),
    "scope recorded otherwise": (
        ("Cirrus", "Cirrus Payroll Inc.", {"dpf_recertification_due": date(2027, 3, 3)}),
        "Cirrus: the register records the scope of its certification as HR and non-HR data, "
        "the list as Non-HR data.",
    ),
    "recertification recorded otherwise": (
        (
            "Cumulus",
            "Cumulus Mail Inc.",
            {
                "dpf_scope": DpfScope.NON_HR,
                "hr_data": False,
                "dpf_recertification_due": date(2027, 5, 31),
            },
        ),
        "Cumulus: the register records the next recertification as due on 2027-05-31, the "
        "list on 2027-06-30.",
    ),
    "recertification passed": (
        (
            "Altostratus",
            "Altostratus Inc.",
            {
                "dpf_scope": DpfScope.NON_HR,
                "hr_data": False,
                "dpf_recertification_due": date(2026, 10, 1),
            },
        ),
        "Altostratus: its next recertification was due on 2026-10-01, which has passed.",
    ),
    "listed but recorded as not certified": (
        (
            "Nimbostratus",
            "Nimbostratus Corp.",
            {
                "dpf_certified": False,
                "dpf_scope": None,
                "dpf_recertification_due": None,
                "dpf_verified_on": None,
                "hr_data": False,
            },
        ),
        "Nimbostratus: the register records it as not DPF-certified, but the list has "
        "“Nimbostratus Corp.” active.",
    ),
    "only under the UK Extension": (
        ("Contrail", "Contrail Services Inc.", {"dpf_scope": DpfScope.NON_HR, "hr_data": False}),
        "Contrail: the register relies on the EU-U.S. DPF for it, but the list has “Contrail "
        "Services Inc.” only under UK Extension to the EU-U.S. Data Privacy Framework.",
    ),
    "certified for HR data only": (
        (
            "Haze",
            "Haze Payroll Inc.",
            {"dpf_scope": DpfScope.HR, "hr_data": False, "dpf_recertification_due": None},
        ),
        "Haze: its certification on the list covers HR data, not the other data it receives.",
    ),
}


@pytest.fixture
def listed(app, clock, runner):
    """The list imported by the command line."""
    assert import_file(runner).exit_code == 0


def test_the_import_stores_every_row_of_the_file(app, clock, runner):
    import_file(runner)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DpfListEntry)) == 10


def test_an_entry_keeps_the_status_scope_framework_and_date_the_list_gives(app, clock, runner):
    import_file(runner)
    with app.app_context():
        entry = db.session.scalars(
            sa.select(DpfListEntry).where(DpfListEntry.organisation == "Cumulus Mail Inc.")
        ).one()
        stored = (entry.active, entry.covers_hr, entry.covers_non_hr, entry.eu_us)
        assert stored == (True, False, True, True)
        assert entry.status == "Active - Re-certification under Review"
        assert entry.next_recertification == date(2027, 6, 30)


def test_the_import_records_the_file_its_hash_and_who_imported_it(app, clock, runner):
    import_file(runner, LIST_FILE, "--actor", "DPO@Example.com")
    with app.app_context():
        imported = db.session.scalars(sa.select(DpfListImport)).one()
        assert (imported.filename, imported.imported_by, imported.entry_count) == (
            "dpf_list.csv",
            "dpo@example.com",
            10,
        )
        assert imported.sha256 == hashlib.sha256(LIST_FILE.read_bytes()).hexdigest()


def test_the_import_is_on_the_audit_trail_with_the_files_hash_and_counts(app, clock, runner):
    import_file(runner)
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "dpf.list_imported")
        ).one()
        assert event.after == {
            "filename": "dpf_list.csv",
            "sha256": hashlib.sha256(LIST_FILE.read_bytes()).hexdigest(),
            "entries": 10,
            "active": 9,
            "replaced_entries": 0,
        }


def test_the_import_says_how_many_entries_it_read(clock, runner):
    result = import_file(runner)
    assert result.exit_code == 0
    assert "Imported 10 entries of the DPF List from dpf_list.csv" in result.output


def test_a_second_import_replaces_the_entries_of_the_first(app, clock, runner, tmp_path):
    import_file(runner)
    later = written(
        tmp_path, HEADER + "Fog Networks Inc.,Active,EU-U.S. DPF,Non-HR Data,2027-08-01\n"
    )
    assert import_file(runner, later).exit_code == 0
    with app.app_context():
        names = db.session.scalars(sa.select(DpfListEntry.organisation)).all()
        imports = db.session.scalar(sa.select(sa.func.count()).select_from(DpfListImport))
    assert (names, imports) == (["Fog Networks Inc."], 2)


def test_a_file_without_the_needed_columns_is_refused_naming_them(clock, runner, tmp_path):
    path = written(tmp_path, "Organization Name,Framework\nNimbus Cloud Inc.,EU-U.S. DPF\n")
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "The file's header lacks the columns needed: the status (Active or Inactive)" in (
        result.output
    )
    assert "the next recertification date, such as “Next Certification Due Date”" in result.output


def test_a_refused_file_stores_nothing_and_keeps_the_last_import(app, listed, runner, tmp_path):
    path = written(tmp_path, "Organization Name,Framework\nNimbus Cloud Inc.,EU-U.S. DPF\n")
    import_file(runner, path)
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(DpfListEntry))
        imports = db.session.scalar(sa.select(sa.func.count()).select_from(DpfListImport))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert (entries, imports, events) == (10, 1, 1)


def test_a_row_whose_status_is_neither_active_nor_inactive_is_refused(clock, runner, tmp_path):
    path = written(tmp_path, HEADER + "Fog Networks Inc.,Pending,EU-U.S. DPF,Non-HR Data,\n")
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "Row 2: the status “Pending” is neither active nor inactive." in result.output


def test_headers_are_read_without_case_or_punctuation_and_hr_may_be_two_columns(
    app, clock, runner, tmp_path
):
    text = "ORGANIZATION_NAME;status;HR Data;Non-HR Data;next certification due-date\n"
    path = written(tmp_path, text + "Fog Networks Inc.;Active;No;Yes;2027-08-01\n")
    assert import_file(runner, path).exit_code == 0
    with app.app_context():
        entry = db.session.scalars(sa.select(DpfListEntry)).one()
        assert (entry.covers_hr, entry.covers_non_hr, entry.eu_us) == (False, True, None)


@pytest.mark.parametrize("case", sorted(DIFFERENCES))
def test_each_difference_is_printed_by_dpf_check(listed, runner, make_subprocessor, case):
    (name, legal_name, facts), sentence = DIFFERENCES[case]
    us_importer(make_subprocessor, name, legal_name, **facts)
    result = runner.invoke(args=["dpf", "check"])
    assert result.exit_code == 1
    assert sentence in result.output


@pytest.mark.parametrize("case", sorted(DIFFERENCES))
def test_each_difference_is_shown_on_the_dashboard(listed, logged_in, make_subprocessor, case):
    (name, legal_name, facts), sentence = DIFFERENCES[case]
    us_importer(make_subprocessor, name, legal_name, **facts)
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert sentence in page


def test_a_subprocessor_whose_facts_agree_with_the_list_shows_no_difference(
    listed, runner, make_subprocessor
):
    us_importer(make_subprocessor, "Nimbus", "Nimbus Cloud, Inc.")
    result = runner.invoke(args=["dpf", "check"])
    assert result.exit_code == 0
    assert "No difference: 1 US importer(s) checked." in result.output


def test_the_dashboard_says_when_the_facts_agree(listed, logged_in, make_subprocessor):
    us_importer(make_subprocessor, "Nimbus", "Nimbus Cloud, Inc.")
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert "No difference: the 1 US importer of the register agrees with the list." in page


def test_the_name_as_listed_is_matched_without_case_or_punctuation(
    listed, runner, make_subprocessor
):
    us_importer(
        make_subprocessor, "Nimbus", "Nimbus Cloud GmbH", dpf_listed_name="NIMBUS CLOUD INC"
    )
    assert runner.invoke(args=["dpf", "check"]).exit_code == 0


def test_a_subprocessor_outside_the_us_is_not_checked(listed, runner, make_subprocessor):
    make_subprocessor(name="Fog", legal_name="Fog Networks GmbH")
    result = runner.invoke(args=["dpf", "check"])
    assert "No difference: 0 US importer(s) checked." in result.output


def test_dpf_check_says_when_no_list_was_imported(clock, runner):
    result = runner.invoke(args=["dpf", "check"])
    assert result.exit_code == 1
    assert "No DPF List has been imported yet" in result.output


def test_the_dashboard_says_when_no_list_was_imported(clock, logged_in):
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert "No DPF List has been imported yet." in page


def test_the_dashboard_shows_the_date_and_hash_of_the_import(listed, logged_in):
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert "The list imported on November 2, 2026, 10:00 (Europe/Luxembourg)" in page
    assert hashlib.sha256(LIST_FILE.read_bytes()).hexdigest() in page


def test_a_list_imported_more_than_30_days_ago_is_said_to_be_old(listed, clock, logged_in):
    clock.move(days=31)
    page = logged_in(Role.VIEWER).get("/admin/").text
    assert "The imported list is 31 days old, older than 30 days: import a newer copy." in page


def test_dpf_check_says_how_old_the_list_is(listed, clock, runner):
    clock.move(days=31)
    result = runner.invoke(args=["dpf", "check"])
    assert "is 31 day(s) old." in result.output
    assert "It is older than 30 days: import a newer copy." in result.output


def test_the_subprocessor_page_shows_its_own_differences(listed, logged_in, make_subprocessor):
    (name, legal_name, facts), sentence = DIFFERENCES["inactive"]
    stratus = us_importer(make_subprocessor, name, legal_name, **facts)
    (name, legal_name, facts), other = DIFFERENCES["not on the list"]
    us_importer(make_subprocessor, name, legal_name, **facts)
    page = logged_in(Role.VIEWER).get(f"/admin/subprocessors/{stratus.id}").text
    assert sentence in page
    assert other not in page


def test_the_panel_is_in_the_readers_language(listed, logged_in):
    page = logged_in(Role.VIEWER).get("/admin/?lang=de").text
    assert "Die DPF-Liste und das Register" in page
