"""The catalogue of third-country laws for transfer impact assessments, and the checks on its file.

The expected codes below are the laws a TIA for these countries cannot leave out (EDPB
Recommendations 01/2020, Step 3; Implementing Decision (EU) 2023/1795 for the United States),
written down here rather than read from the data file.
"""

from datetime import date

import pytest

from transfers.laws import (
    LawDataError,
    LawKind,
    UnknownLaw,
    assessed_countries,
    catalogue,
    law,
    laws_of,
    load_laws,
)

VALID_ENTRY = """
[[law]]
code = "{code}"
country = "{country}"
title = ["Test Act", "Testgesetz", "Loi de test"]
citation = "Test Act s. 1"
kind = "{kind}"
access = {access}
reaches = "Everyone."
summary = "Everything."
source = "https://example.org/test-act"
as_of = 2026-11-30
"""


def entry(code="XX-TEST", country="US", kind="surveillance", access="true"):
    return VALID_ENTRY.format(code=code, country=country, kind=kind, access=access)


def codes_of(country):
    return {item.code for item in laws_of(country)}


def test_the_usa_lists_fisa_702_eo_12333_eo_14086_and_the_cloud_act():
    assert {"US-FISA-702", "US-EO-12333", "US-EO-14086", "US-CLOUD-ACT"} <= codes_of("US")


def test_the_usa_lists_the_data_protection_review_court_and_stored_communications_orders():
    assert {"US-DPRC", "US-SCA-2703"} <= codes_of("US")


def test_the_usa_lists_national_security_letters_and_the_ftc_after_trump_v_slaughter():
    assert {"US-NSL", "US-FTC-INDEPENDENCE"} <= codes_of("US")


def test_national_security_letters_cite_all_five_statutes_and_judicial_review():
    citation = law("US-NSL").citation
    for statute in ("12 U.S.C. § 3414", "1681u", "1681v", "18 U.S.C. § 2709", "50 U.S.C. § 3162"):
        assert statute in citation
    assert "18 U.S.C. § 3511" in citation


def test_china_lists_the_cybersecurity_law_article_28_and_the_counter_espionage_law():
    assert {"CN-CSL-28", "CN-CEL-2023"} <= codes_of("CN")


def test_the_counter_espionage_law_is_dated_from_its_2023_revision():
    assert law("CN-CEL-2023").enacted == date(2023, 4, 26)  # NPC / Xinhua, 27 April 2023


def test_australia_lists_the_identify_and_disrupt_act():
    entry = law("AU-SLAID-2021")
    assert entry.enacted == date(2021, 9, 3)  # "Assented to 3 September 2021", Act No. 98, 2021
    assert "No. 98, 2021" in entry.citation


def test_india_lists_interception_data_protection_cert_in_and_puttaswamy():
    assert {
        "IN-IT-ACT-69",
        "IN-TELECOM-ACT-2023-20",
        "IN-DPDP-2023-17",
        "IN-CERT-IN-2022",
        "IN-PUTTASWAMY-2017",
    } <= codes_of("IN")


def test_china_lists_the_intelligence_data_security_and_personal_information_laws():
    assert {"CN-NIL-7", "CN-DSL-35", "CN-PIPL"} <= codes_of("CN")


def test_australia_lists_the_assistance_and_access_act_and_the_interception_act():
    assert {"AU-TOLA-2018", "AU-TIA-1979"} <= codes_of("AU")


def test_the_assessed_countries_are_those_with_entries():
    assert assessed_countries() == {"US", "IN", "CN", "AU"}


def test_every_entry_has_an_https_source_and_an_as_of_date():
    for item in catalogue().values():
        assert item.source.startswith("https://"), item.code
        assert isinstance(item.as_of, date), item.code
        assert date(2026, 11, 1) <= item.as_of <= date(2026, 11, 30), item.code


# The entries resting on secondary sources: each says so, with the source and what is unconfirmed.
SECONDARY = {
    "US-FISA-702",
    "US-NSL",
    "US-FTC-INDEPENDENCE",
    "CN-CSL-28",
    "CN-CEL-2023",
    "AU-SLAID-2021",
}


@pytest.mark.parametrize("code", sorted(SECONDARY))
def test_an_entry_from_secondary_sources_says_so_and_what_is_unconfirmed(code):
    entry = law(code)
    assert entry.from_secondary_sources
    assert entry.secondary.startswith("https://")
    assert entry.unconfirmed


def test_an_entry_without_a_secondary_source_is_not_marked():
    assert not law("US-DPRC").from_secondary_sources


def test_section_702_records_its_reported_lapse_of_june_2026_as_unconfirmed():
    entry = law("US-FISA-702")
    assert "12 June 2026" in entry.unconfirmed
    assert entry.as_of == date(2026, 11, 30)


def test_trump_v_slaughter_is_recorded_as_reported_not_confirmed():
    entry = law("US-FTC-INDEPENDENCE")
    assert "29 June 2026" in entry.unconfirmed and "25-332" in entry.citation


def test_access_is_true_exactly_for_surveillance_and_law_enforcement():
    access_kinds = {LawKind.SURVEILLANCE, LawKind.LAW_ENFORCEMENT}
    for item in catalogue().values():
        assert item.access is (item.kind in access_kinds), item.code


def test_every_title_has_german_and_french():
    for item in catalogue().values():
        assert item.titles["de"] and item.titles["fr"], item.code


def test_a_title_falls_back_to_english():
    assert law("US-CLOUD-ACT").title("it") == law("US-CLOUD-ACT").title("en")


def test_eo_14086_is_a_redress_mechanism_not_an_access_power():
    assert law("US-EO-14086").kind is LawKind.REDRESS


def test_section_702_records_its_reauthorisation_by_risaa():
    assert "Pub. L. 118-49" in law("US-FISA-702").amended_by


def test_section_702_flags_what_happened_after_the_risaa_sunset_as_unconfirmed():
    assert "2026" in law("US-FISA-702").unconfirmed


def test_the_catalogue_keeps_the_file_order():
    assert list(catalogue())[0] == "US-FISA-702"


def test_laws_of_a_country_come_in_file_order():
    assert laws_of("IN")[0].code == "IN-IT-ACT-69"


def test_the_enactment_date_is_a_date():
    assert law("US-EO-14086").enacted == date(2022, 10, 7)


def test_a_country_without_entries_gives_an_empty_tuple():
    assert laws_of("NZ") == ()


def test_an_unknown_code_raises_unknown_law():
    with pytest.raises(UnknownLaw) as raised:
        law("nope")
    assert raised.value.code == "nope"


def test_loading_refuses_a_duplicate_code():
    with pytest.raises(LawDataError, match="XX-TEST: duplicate code"):
        load_laws(entry() + entry())


def test_loading_refuses_an_unknown_kind():
    with pytest.raises(LawDataError, match="XX-TEST: unknown kind 'espionage'"):
        load_laws(entry(kind="espionage"))


def test_loading_refuses_an_unknown_country():
    with pytest.raises(LawDataError, match="XX-TEST: unknown country code 'ZZ'"):
        load_laws(entry(country="ZZ"))


def test_loading_refuses_a_surveillance_law_without_access():
    with pytest.raises(LawDataError, match="XX-TEST: access must be true for a surveillance law"):
        load_laws(entry(kind="surveillance", access="false"))


def test_loading_refuses_a_redress_mechanism_with_access():
    with pytest.raises(LawDataError, match="XX-TEST: access must be false for a redress law"):
        load_laws(entry(kind="redress", access="true"))


def test_loading_refuses_an_entry_without_a_source():
    text = entry().replace('source = "https://example.org/test-act"\n', "")
    with pytest.raises(LawDataError, match="XX-TEST: missing source"):
        load_laws(text)


def test_loading_refuses_an_entry_without_an_as_of_date():
    text = entry().replace("as_of = 2026-11-30\n", "")
    with pytest.raises(LawDataError, match="XX-TEST: missing as_of"):
        load_laws(text)


def test_loading_refuses_an_as_of_that_is_not_a_date():
    text = entry().replace("as_of = 2026-11-30", 'as_of = "November"')
    with pytest.raises(LawDataError, match="XX-TEST: as_of must be a date"):
        load_laws(text)


def test_loading_refuses_a_secondary_source_that_is_not_https():
    text = entry() + 'secondary = "http://example.org/blog"\n'
    with pytest.raises(LawDataError, match="XX-TEST: secondary must be an https URL"):
        load_laws(text)


def test_loading_marks_an_entry_with_a_secondary_source():
    text = entry() + 'secondary = "https://example.org/blog"\n'
    assert load_laws(text)["XX-TEST"].from_secondary_sources


def test_loading_refuses_a_source_that_is_not_https():
    text = entry().replace("https://example.org", "http://example.org")
    with pytest.raises(LawDataError, match="XX-TEST: source must be an https URL"):
        load_laws(text)


def test_loading_refuses_a_title_without_all_three_languages():
    text = entry().replace('"Testgesetz", "Loi de test"', '"Testgesetz"')
    with pytest.raises(LawDataError, match="XX-TEST: title must be"):
        load_laws(text)


def test_loading_accepts_a_valid_entry():
    assert load_laws(entry())["XX-TEST"].country == "US"
