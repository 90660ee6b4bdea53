import pytest

from transfers.countries import (
    EEA,
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


@pytest.mark.parametrize("given", ["", "D", "DEU", "1A", "D3", "ÄB", "U.S."])
def test_country_code_rejects_what_is_not_two_letters_as_malformed(given):
    with pytest.raises(MalformedCountryCode):
        country_code(given)


@pytest.mark.parametrize("given", ["ZZ", "XX", "EU", "UK"])
def test_country_code_rejects_two_letters_iso_3166_does_not_assign_as_unknown(given):
    with pytest.raises(UnknownCountryCode):
        country_code(given)


def test_the_eea_is_the_27_member_states_and_iceland_liechtenstein_norway():
    assert len(EEA) == 30
    assert {"IS", "LI", "NO"} <= EEA


@pytest.mark.parametrize(
    ("code", "in_eea"),
    [("LU", True), ("DE", True), ("NO", True), ("LI", True), ("GB", False), ("CH", False),
     ("US", False), ("IN", False)],
)  # fmt: skip
def test_is_eea(code, in_eea):
    assert is_eea(code) is in_eea


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
