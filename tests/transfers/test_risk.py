"""The risk arithmetic against figures worked out by hand (the working is in each row)."""

import math

import pytest

from transfers.risk import AccessPath, RiskInputError, assess, over_years

# (what the row proves, paths as (law, request, covers, in_clear), years, yearly, over the period)
ROWS = [
    (
        "one path: the yearly figure is the product of its factors (0.1 x 0.5 x 0.2)",
        [("US-FISA-702", 0.1, 0.5, 0.2)],
        1,
        0.01,
        0.01,
    ),
    (
        "over five years: 1 - 0.99^5 = 1 - 0.9509900499",
        [("US-FISA-702", 0.1, 0.5, 0.2)],
        5,
        0.01,
        0.0490099501,
    ),
    (
        "two paths: 1 - 0.99 x 0.98 = 0.0298 a year; 1 - 0.9702^3 = 1 - 0.913237656408",
        [("US-FISA-702", 0.1, 0.5, 0.2), ("US-CLOUD-ACT", 0.2, 0.5, 0.2)],
        3,
        0.0298,
        0.086762343592,
    ),
    (
        "three even paths: 1 - 0.5^3 = 0.875 a year; 1 - 0.125^2 = 0.984375 over two",
        [("A", 1, 1, 0.5), ("B", 1, 1, 0.5), ("C", 1, 1, 0.5)],
        2,
        0.875,
        0.984375,
    ),
    ("a certain path makes access certain", [("US-EO-12333", 1, 1, 1)], 2, 1.0, 1.0),
    (
        "a measure that keeps the data unreadable (in_clear 0) closes its path",
        [("US-FISA-702", 0.9, 0.9, 0)],
        10,
        0.0,
        0.0,
    ),
    ("no law reaching the data gives no risk", [], 5, 0.0, 0.0),
]


@pytest.mark.parametrize(
    ("paths", "years", "yearly", "over_period"),
    [row[1:] for row in ROWS],
    ids=[row[0] for row in ROWS],
)
def test_risk(paths, years, yearly, over_period):
    figure = assess([AccessPath(*path) for path in paths], years)
    assert figure.yearly == pytest.approx(yearly, abs=1e-12)
    assert figure.over_period == pytest.approx(over_period, abs=1e-12)


def test_each_path_keeps_its_own_figures_beside_the_total():
    figure = assess([AccessPath("A", 0.1, 0.5, 0.2), AccessPath("B", 0.2, 0.5, 0.2)], 5)
    assert [(path.path.law, path.yearly) for path in figure.paths] == [
        ("A", pytest.approx(0.01)),
        ("B", pytest.approx(0.02)),
    ]
    assert figure.paths[1].over_period == pytest.approx(1 - 0.98**5)


def test_one_access_in_a_hundred_years_when_the_yearly_figure_is_one_percent():
    assert assess([AccessPath("A", 0.1, 0.5, 0.2)], 5).years_per_access == pytest.approx(100)


def test_no_years_per_access_when_nothing_can_reach_the_data():
    assert assess([], 5).years_per_access is None


def test_over_years_of_a_half_for_three_years():
    assert over_years(0.5, 3) == 0.875


@pytest.mark.parametrize("value", [1.5, -0.1, math.nan, "0.5", None])
def test_a_probability_outside_zero_to_one_is_refused_with_the_law_and_factor(value):
    with pytest.raises(RiskInputError, match="US-FISA-702: covers must be a probability"):
        assess([AccessPath("US-FISA-702", 0.5, value, 0.5)], 5)


@pytest.mark.parametrize("years", [0, 31, True, 2.5])
def test_a_period_outside_one_to_thirty_whole_years_is_refused(years):
    with pytest.raises(RiskInputError, match="the period must be 1 to 30 whole years"):
        assess([AccessPath("A", 0.1, 0.1, 0.1)], years)


def test_a_law_given_twice_is_refused():
    with pytest.raises(RiskInputError, match="A is given twice"):
        assess([AccessPath("A", 0.1, 0.1, 0.1), AccessPath("A", 0.2, 0.2, 0.2)], 5)
