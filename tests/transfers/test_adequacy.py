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
    EndKind,
    UnknownDecision,
    decision,
    decisions,
    in_force,
    in_force_for,
    load_decisions,
    series,
    status,
    successor,
)
from transfers.countries import InvalidCountryCode

EEA = CountryStatus.EEA
FULL = CountryStatus.ADEQUATE
PARTIAL = CountryStatus.PARTIALLY_ADEQUATE
NONE = CountryStatus.THIRD_COUNTRY

# Countries adequate today per https://commission.europa.eu/law/law-topic/data-protection/
# international-dimension-data-protection/adequacy-decisions_en (as of November 2026).
ADEQUATE_TODAY = {
    "AD": FULL,
    "AR": FULL,
    "BR": FULL,
    "CA": PARTIAL,
    "FO": FULL,
    "GG": FULL,
    "IL": FULL,
    "IM": FULL,
    "JP": FULL,
    "JE": FULL,
    "NZ": FULL,
    "KR": FULL,
    "CH": FULL,
    "GB": FULL,
    "US": PARTIAL,
    "UY": FULL,
}

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
    ("GB", date(2021, 6, 27), NONE, None),  # the TCA bridge's last day
    ("GB", date(2021, 6, 28), FULL, "2021/1772"),
    ("GB", date(2025, 6, 26), FULL, "2021/1772"),  # Art. 4 as adopted: expires 27 June 2025
    # 2025/1226 moved the expiry to 27 December 2025 (https://www.ofx.ie/?p=5974, secondary)
    ("GB", date(2025, 6, 27), FULL, "2021/1772"),
    ("GB", date(2025, 8, 1), FULL, "2021/1772"),
    # 2025/2574 amended Art. 4 to 27 December 2031, keeping 2021/1772 in force (review notes
    # quoting https://eur-lex.europa.eu/eli/dec_impl/2025/2574/oj, secondary)
    ("GB", date(2025, 12, 27), FULL, "2021/1772"),
    ("GB", date(2026, 11, 30), FULL, "2021/1772"),
    ("GB", date(2031, 12, 26), FULL, "2021/1772"),
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


TODAY = date(2026, 11, 30)

# (reference, number, instrument, adopted, amends, end it sets) per act amending a decision
AMENDING_ACTS = [
    # https://www.assemblyresearchmatters.org/2025/05/09/the-future-of-uk-eu-data-flows-
    # adequacy-extension-under-review (draft "to amend 2021/1772"); https://www.ofx.ie/?p=5974
    # (adopted 24 June 2025, to 27 December 2025); number 2025/1226 from review notes: secondary
    ("32025D1226", "2025/1226", date(2025, 6, 24), "2021/1772", date(2025, 12, 27)),
    # "… 2025/2574 of 19 December 2025 amending Commission Implementing Decision (EU)
    # 2021/1772", new Art. 4 "shall expire on 27 December 2031", quoted from
    # https://eur-lex.europa.eu/eli/dec_impl/2025/2574/oj in review notes: secondary
    ("32025D2574", "2025/2574", date(2025, 12, 19), "2021/1772", date(2031, 12, 27)),
]


@pytest.mark.parametrize(("celex", "number", "adopted", "amends", "sets_end"), AMENDING_ACTS)
def test_an_amending_act_is_found_and_says_what_it_amends(celex, number, adopted, amends, sets_end):
    act = decision(number)
    assert act == decision(celex)
    assert (act.adopted, act.amends, act.sets_end) == (adopted, amends, sets_end)
    assert act.is_amendment
    assert act.unconfirmed and act.secondary.startswith("https://")


def test_the_uk_decision_as_amended_ends_on_27_december_2031():
    uk = decision("2021/1772")
    assert (uk.ended, uk.ended_kind, uk.ended_as_adopted) == (
        date(2031, 12, 27),
        EndKind.EXPIRED,
        date(2025, 6, 27),
    )


def test_the_uk_series_is_the_decision_then_its_amending_acts_in_order():
    expected = ["2021/1772", "2025/1226", "2025/2574"]
    assert [act.number for act in series("2021/1772")] == expected
    assert [act.number for act in series("2025/2574")] == expected


def test_a_decision_never_amended_is_a_series_of_one():
    assert series("2023/1795") == (decision("2023/1795"),)


@pytest.mark.parametrize("reference", ["2021/1772", "2025/1226", "32025D2574"])
def test_in_force_for_any_act_of_the_uk_series_is_the_2021_decision(reference):
    assert in_force_for(reference, TODAY) == decision("2021/1772")


@pytest.mark.parametrize(
    ("reference", "day"),
    [
        ("2016/1250", TODAY),  # invalidated, Schrems II
        ("2000/520/EC", TODAY),  # invalidated, Schrems
        ("2021/1772", date(2031, 12, 27)),  # expired
        ("2025/2574", date(2021, 6, 27)),  # not yet in force
    ],
)
def test_in_force_for_a_series_not_in_force_is_none(reference, day):
    assert in_force_for(reference, day) is None


def test_invalidated_decisions_say_so():
    assert decision("2000/520/EC").ended_kind is EndKind.INVALIDATED
    assert decision("2016/1250").ended_kind is EndKind.INVALIDATED


@pytest.mark.parametrize("reference", ["2021/1772", "2016/1250", "2000/520/EC", "2023/1795"])
def test_no_decision_in_the_file_has_a_successor(reference):
    # Privacy Shield was invalidated, not replaced: the DPF is no successor in law.
    assert successor(reference, TODAY) is None


def test_amending_acts_are_not_listed_as_decisions_in_force():
    assert "2025/2574" not in {entry.number for entry in in_force(TODAY)}
    assert "2021/1772" in {entry.number for entry in in_force(TODAY)}


def test_a_what_if_on_an_amending_act_ends_the_decision_it_amends():
    what_if = {"2025/2574": date(2027, 1, 1)}
    assert status("GB", date(2026, 12, 31), what_if).status is FULL
    assert status("GB", date(2027, 1, 1), what_if).status is NONE


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
    text = _entry(number="1", end='ended = 2004-12-31\nended_kind = "expired"') + _entry(
        number="2", start="2005-01-01"
    )
    assert len(load_decisions(text)) == 2


def test_loading_refuses_a_decision_that_ends_before_it_starts():
    with pytest.raises(AdequacyDataError, match="before it takes effect"):
        load_decisions(_entry(end='ended = 1999-01-01\nended_kind = "expired"'))


def _amending(number="2", amends="1", start="2003-01-01", sets_end="2010-01-01"):
    return f"""
[[decision]]
country = "CH"
number = "{number}"
instrument = "Amending decision {number}"
name = "Somewhere, amended"
celex = "3{number}"
adopted = {start}
effective = {start}
amends = "{amends}"
sets_end = {sets_end}
source = "https://eur-lex.europa.eu/"
"""


EXPIRING = 'ended = 2005-01-01\nended_kind = "expired"'


def test_an_amending_act_moves_the_end_of_the_decision_it_amends():
    loaded = {entry.number: entry for entry in load_decisions(_entry(end=EXPIRING) + _amending())}
    assert loaded["1"].ended == date(2010, 1, 1)
    assert loaded["1"].ended_as_adopted == date(2005, 1, 1)
    assert loaded["2"].ended == date(2010, 1, 1)


def test_the_latest_amending_act_decides_the_end():
    text = _entry(end=EXPIRING) + _amending("3", start="2008-01-01", sets_end="2012-01-01")
    text += _amending("2", start="2004-01-01", sets_end="2009-01-01")
    assert load_decisions(text)[0].ended == date(2012, 1, 1)


def test_loading_refuses_an_amendment_of_an_unknown_decision():
    with pytest.raises(AdequacyDataError, match="CH 2: amends 9, no decision for CH"):
        load_decisions(_entry(end=EXPIRING) + _amending(amends="9"))


def test_loading_refuses_an_amendment_that_revives_an_ended_decision():
    with pytest.raises(AdequacyDataError, match="CH 2: takes effect on 2006-01-01, when 1 is not"):
        load_decisions(_entry(end=EXPIRING) + _amending(start="2006-01-01"))


def test_loading_refuses_an_amended_end_that_overlaps_the_next_decision():
    text = _entry(end=EXPIRING) + _amending() + _entry(number="5", start="2007-01-01")
    with pytest.raises(AdequacyDataError, match="CH 5: in force from 2007-01-01 while 1 still is"):
        load_decisions(text)


def test_loading_refuses_an_end_without_its_kind():
    with pytest.raises(AdequacyDataError, match="an end needs its ended_kind"):
        load_decisions(_entry(end="ended = 2004-12-31"))


REPLACED = 'ended = 2005-01-01\nended_kind = "replaced"\nreplaced_by = "2"'


def test_a_replaced_decision_has_its_replacement_as_successor():
    loaded = load_decisions(_entry(end=REPLACED) + _entry(number="2", start="2005-01-01"))
    assert loaded[0].ended_kind is EndKind.REPLACED
    assert loaded[0].replaced_by == "2"


def test_loading_refuses_a_replacement_that_names_no_decision():
    with pytest.raises(AdequacyDataError, match="CH 1: replaced by 2, no decision for CH"):
        load_decisions(_entry(end=REPLACED))


def test_loading_refuses_a_replaced_decision_without_replaced_by():
    end = 'ended = 2005-01-01\nended_kind = "replaced"'
    with pytest.raises(AdequacyDataError, match="names replaced_by"):
        load_decisions(_entry(end=end))


def test_loading_refuses_a_partial_decision_without_its_condition():
    with pytest.raises(AdequacyDataError, match="partial decision needs a condition"):
        load_decisions(_entry().replace('scope = "full"', 'scope = "partial"'))


def test_successor_follows_replacements_to_the_decision_in_force(monkeypatch):
    from transfers import adequacy

    second_replaced = REPLACED.replace("2005", "2008").replace('"2"', '"3"')
    text = _entry(end=REPLACED) + _entry(number="2", start="2005-01-01", end=second_replaced)
    text += _entry(number="3", start="2008-01-01")
    monkeypatch.setattr(adequacy, "decisions", lambda: load_decisions(text))
    assert adequacy.successor("1", date(2004, 6, 1)) is None  # not yet replaced
    assert adequacy.successor("1", date(2006, 1, 1)).number == "2"
    assert adequacy.successor("1", date(2009, 1, 1)).number == "3"
    assert adequacy.in_force_for("1", date(2006, 1, 1)) is None
