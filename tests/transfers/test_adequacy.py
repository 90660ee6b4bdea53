"""Adequacy over time, checked against an independent list.

The list below was written from the Commission's page of adequacy decisions and the judgments
that ended two of them, not from the data file: each row is what a lawyer would answer for a
country on a date.
"""

from datetime import date

import pytest

from transfers.adequacy import (
    AdequacyDataError,
    CountryStatus,
    UnknownDecision,
    decision,
    decisions,
    load_decisions,
    status,
)
from transfers.countries import InvalidCountryCode

EEA = CountryStatus.EEA
FULL = CountryStatus.ADEQUATE
PARTIAL = CountryStatus.PARTIALLY_ADEQUATE
NONE = CountryStatus.THIRD_COUNTRY

# Countries adequate today per https://commission.europa.eu/law/law-topic/data-protection/
# international-dimension-data-protection/adequacy-decisions_en (as of November 2026).
ADEQUATE_TODAY = {
    "AD": FULL, "AR": FULL, "BR": FULL, "CA": PARTIAL, "FO": FULL, "GG": FULL, "IL": FULL,
    "IM": FULL, "JP": FULL, "JE": FULL, "NZ": FULL, "KR": FULL, "CH": FULL, "GB": FULL,
    "US": PARTIAL, "UY": FULL,
}  # fmt: skip

# (country, day, status, decision number)
HISTORY = [
    ("CH", date(2000, 1, 1), NONE, None),
    ("CH", date(2000, 7, 26), FULL, "2000/518/EC"),
    ("US", date(2000, 7, 25), NONE, None),
    ("US", date(2000, 7, 26), PARTIAL, "2000/520/EC"),
    ("US", date(2015, 10, 5), PARTIAL, "2000/520/EC"),
    ("US", date(2015, 10, 6), NONE, None),  # Schrems, C-362/14
    ("US", date(2016, 7, 11), NONE, None),
    ("US", date(2016, 7, 12), PARTIAL, "2016/1250"),
    ("US", date(2020, 7, 15), PARTIAL, "2016/1250"),
    ("US", date(2020, 7, 16), NONE, None),  # Schrems II, C-311/18
    ("US", date(2023, 7, 9), NONE, None),
    ("US", date(2023, 7, 10), PARTIAL, "2023/1795"),
    ("CA", date(2001, 12, 31), NONE, None),
    ("CA", date(2002, 1, 4), PARTIAL, "2002/2/EC"),
    ("AR", date(2003, 6, 30), FULL, "2003/490/EC"),
    ("GG", date(2003, 11, 21), FULL, "2003/821/EC"),
    ("IM", date(2004, 4, 28), FULL, "2004/411/EC"),
    ("JE", date(2008, 5, 8), FULL, "2008/393/EC"),
    ("FO", date(2010, 3, 5), FULL, "2010/146/EU"),
    ("AD", date(2010, 10, 19), FULL, "2010/625/EU"),
    ("IL", date(2011, 1, 31), FULL, "2011/61/EU"),
    ("UY", date(2012, 8, 21), FULL, "2012/484/EU"),
    ("NZ", date(2012, 12, 19), FULL, "2013/65/EU"),
    ("JP", date(2019, 1, 22), NONE, None),
    ("JP", date(2019, 1, 23), FULL, "2019/419"),
    ("KR", date(2021, 12, 16), NONE, None),
    ("KR", date(2021, 12, 17), FULL, "2022/254"),
    ("GB", date(2020, 12, 31), EEA, None),
    ("GB", date(2021, 3, 1), NONE, None),  # the TCA bridge was not an adequacy decision
    ("GB", date(2021, 6, 28), FULL, "2021/1772"),
    ("GB", date(2025, 8, 1), FULL, "2021/1772"),  # the technical extension
    ("GB", date(2025, 12, 27), FULL, "2025/2574"),  # the renewal
    ("GB", date(2031, 12, 26), FULL, "2025/2574"),
    ("GB", date(2031, 12, 27), NONE, None),
    ("BR", date(2026, 1, 25), NONE, None),
    ("BR", date(2026, 1, 26), FULL, "2026/179"),
    ("IN", date(2026, 11, 22), NONE, None),
    ("PL", date(2003, 1, 1), NONE, None),
    ("PL", date(2004, 5, 1), EEA, None),
    ("DE", date(2000, 1, 1), EEA, None),
]


@pytest.mark.parametrize(("country", "expected"), sorted(ADEQUATE_TODAY.items()))
def test_the_countries_adequate_today_match_the_commissions_list(country, expected):
    assert status(country, date(2026, 11, 22)).status is expected


def test_no_other_country_is_adequate_today():
    adequate = {entry.country for entry in decisions() if entry.in_force_on(date(2026, 11, 22))}
    assert adequate == set(ADEQUATE_TODAY)


@pytest.mark.parametrize(("country", "day", "expected", "number"), HISTORY)
def test_the_status_of_a_country_on_a_date(country, day, expected, number):
    result = status(country, day)
    assert result.status is expected
    assert (result.decision.number if result.decision else None) == number


# Every country that has ever had an adequacy decision, per the Commission's list and the two
# judgments; no other country may be adequate on any day.
EVER_ADEQUATE = set(ADEQUATE_TODAY)


@pytest.mark.parametrize("year", range(2000, 2027))
def test_no_country_outside_the_list_is_ever_adequate(year):
    import pycountry

    for month in (1, 7):
        day = date(year, month, 1)
        for country in pycountry.countries:
            result = status(country.alpha_2, day)
            if result.decision is not None:
                assert country.alpha_2 in EVER_ADEQUATE, (country.alpha_2, day)
                assert result.decision.country == country.alpha_2


def test_every_decision_names_an_eur_lex_source_and_a_celex_id():
    for entry in decisions():
        assert entry.source.startswith("https://eur-lex.europa.eu/"), entry.number
        assert entry.celex.startswith("3"), entry.number


def test_partial_decisions_say_what_the_importer_must_be():
    assert {entry.number: entry.condition.value for entry in decisions() if entry.condition} == {
        "2000/520/EC": "us_framework_certified",
        "2016/1250": "us_framework_certified",
        "2023/1795": "us_framework_certified",
        "2002/2/EC": "subject_to_pipeda",
    }


def test_a_what_if_ends_a_decision_from_the_day_chosen():
    what_if = {"2023/1795": date(2027, 1, 1)}
    assert status("US", date(2026, 12, 31), what_if).status is PARTIAL
    assert status("US", date(2027, 1, 1), what_if).status is NONE


def test_a_what_if_can_name_the_decision_by_its_celex_id():
    assert status("US", date(2027, 6, 1), {"32023D1795": date(2027, 1, 1)}).status is NONE


def test_a_what_if_on_an_unknown_decision_is_an_error():
    with pytest.raises(UnknownDecision):
        status("US", date(2027, 6, 1), {"2099/1": date(2027, 1, 1)})


def test_an_invalid_country_is_an_error():
    with pytest.raises(InvalidCountryCode):
        status("ZZ", date(2026, 1, 1))


def test_a_decision_is_found_by_number_or_celex():
    assert decision("2016/1250") == decision("32016D1250")


ENTRY = """
[[decision]]
country = "{country}"
number = "{number}"
instrument = "Decision {number}"
name = "Somewhere"
celex = "3{number}"
adopted = {start}
effective = {start}
{end}
scope = "full"
source = "https://eur-lex.europa.eu/"
"""


def _entry(country="CH", number="1", start="2000-01-01", end=""):
    return ENTRY.format(country=country, number=number, start=start, end=end)


def test_loading_refuses_an_unknown_country_naming_the_entry():
    with pytest.raises(AdequacyDataError, match="ZZ 1: unknown country code 'ZZ'"):
        load_decisions(_entry(country="ZZ"))


def test_loading_refuses_two_decisions_in_force_at_once_for_a_country():
    text = _entry(number="1") + _entry(number="2", start="2005-01-01")
    with pytest.raises(AdequacyDataError, match="CH 2: in force from 2005-01-01 while 1 still is"):
        load_decisions(text)


def test_loading_accepts_a_decision_that_follows_one_that_ended():
    text = _entry(number="1", end="ended = 2004-12-31") + _entry(number="2", start="2005-01-01")
    assert len(load_decisions(text)) == 2


def test_loading_refuses_a_decision_that_ends_before_it_starts():
    with pytest.raises(AdequacyDataError, match="before it takes effect"):
        load_decisions(_entry(end="ended = 1999-01-01"))


def test_loading_refuses_a_partial_decision_without_its_condition():
    with pytest.raises(AdequacyDataError, match="partial decision needs a condition"):
        load_decisions(_entry().replace('scope = "full"', 'scope = "partial"'))
