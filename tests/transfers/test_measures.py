import pytest

from transfers.measures import Effectiveness, MeasureKind, catalogue, measure


def test_every_use_case_of_annex_2_has_its_technical_measure():
    use_cases = {item.use_case.code for item in catalogue().values() if item.use_case}
    assert use_cases == {f"UC{number}" for number in range(1, 8)}


@pytest.mark.parametrize(
    ("use_case", "effectiveness"),
    [
        ("UC1", "effective"),
        ("UC2", "effective"),
        ("UC3", "effective"),
        ("UC4", "effective"),
        ("UC5", "effective"),
        ("UC6", "not_effective"),
        ("UC7", "not_effective"),
    ],
)
def test_the_edpb_view_of_each_use_case(use_case, effectiveness):
    [technical] = [
        item for item in catalogue().values() if item.use_case and item.use_case.code == use_case
    ]
    assert technical.effectiveness is Effectiveness(effectiveness)


def test_contractual_and_organisational_measures_only_complement():
    for item in catalogue().values():
        if item.kind is not MeasureKind.TECHNICAL:
            assert item.effectiveness is Effectiveness.COMPLEMENTARY, item.code


def test_every_measure_has_a_title_in_english_german_and_french():
    for item in catalogue().values():
        assert all(item.titles[language] for language in ("en", "de", "fr")), item.code


def test_codes_are_stable_and_prefixed_by_kind():
    prefixes = {
        MeasureKind.TECHNICAL: "T-",
        MeasureKind.CONTRACTUAL: "C-",
        MeasureKind.ORGANISATIONAL: "O-",
    }
    for code, item in catalogue().items():
        assert code.startswith(prefixes[item.kind])


def test_a_title_falls_back_to_english():
    assert measure("C-WARRANT-CANARY").title("it") == "Warrant canary"
