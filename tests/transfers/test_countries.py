from datetime import date

import pytest

from transfers.countries import (
    MalformedCountryCode,
    UnknownCountryCode,
    by_name,
    country_code,
    country_name,
    flag,
    is_eea,
)


@pytest.mark.parametrize(
    ("given", "code"),
    [("DE", "DE"), ("de", "DE"), (" us ", "US"), ("in", "IN"), ("GB", "GB"), ("CH", "CH")],
)
def test_country_code_accepts_assigned_alpha2_codes_in_any_case(given, code):
    assert country_code(given) == code


@pytest.mark.parametrize("given", ["", "D", "DEU", "1A", "D3", "ÄB", "U.S.", "ß", "ﬅ"])
def test_country_code_rejects_what_is_not_two_letters_as_malformed(given):
    with pytest.raises(MalformedCountryCode):
        country_code(given)


@pytest.mark.parametrize("given", ["ZZ", "XX", "EU", "UK"])
def test_country_code_rejects_two_letters_iso_3166_does_not_assign_as_unknown(given):
    with pytest.raises(UnknownCountryCode):
        country_code(given)


# The day this suite calls today: the engine takes the day from its caller.
TODAY = date(2026, 11, 30)
EEA_TODAY = (
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "  # EU 27
    "IS LI NO "  # EEA EFTA
    "GF GP MQ RE YT MF AX"  # outermost regions and Åland, with codes of their own
).split()


@pytest.mark.parametrize("code", EEA_TODAY)
def test_the_eu_27_the_eea_efta_states_and_eu_territories_are_in_the_eea_today(code):
    assert is_eea(code, TODAY)


@pytest.mark.parametrize("code", ["GB", "GI", "CH", "US", "IN", "GL", "FO", "SJ", "AD", "MC"])
def test_countries_outside_the_eea_today(code):
    assert not is_eea(code, TODAY)


@pytest.mark.parametrize(
    ("code", "day", "in_eea"),
    [
        ("GB", date(2019, 6, 1), True),
        ("GB", date(2020, 12, 31), True),  # the transition period's last day
        ("GB", date(2021, 1, 1), False),
        ("PL", date(2004, 4, 30), False),
        ("PL", date(2004, 5, 1), True),
        ("RO", date(2006, 12, 31), False),
        ("RO", date(2007, 1, 1), True),
        ("HR", date(2013, 6, 30), False),
        ("HR", date(2013, 7, 1), True),
        ("YT", date(2013, 12, 31), False),
        ("YT", date(2014, 1, 1), True),
        ("NO", date(2000, 1, 1), True),
    ],
)
def test_eea_membership_is_a_fact_in_time(code, day, in_eea):
    assert is_eea(code, on=day) is in_eea


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("DE", "en", "Germany"),
        ("DE", "de", "Deutschland"),
        ("DE", "fr", "Allemagne"),
        ("GB", "de", "Vereinigtes Königreich"),
        ("US", "fr", "États-Unis"),
        ("KR", "en", "South Korea"),
        ("CH", "fr", "Suisse"),
    ],
)
def test_country_name_is_given_in_the_language_asked(code, language, name):
    assert country_name(code, language) == name


def test_country_name_of_an_unknown_code_is_an_error():
    with pytest.raises(UnknownCountryCode):
        country_name("ZZ")


def test_by_name_sorts_accented_names_with_their_base_letter():
    assert [code for code, _ in by_name(["AT", "DE", "PL"], "de")] == ["DE", "AT", "PL"]


def test_flag_is_made_of_the_two_regional_indicator_symbols():
    assert flag("LU") == "\U0001f1f1\U0001f1fa"
