"""What differs between two documents of the published register: one entry per thing, in codes
(`registry.history.diff`, pure: no application needed)."""

import copy

import pytest

from registry.history.diff import differences

PLACE = {"id": 7, "country_code": "US", "role": "storage", "city": None, "transfer_tool": "scc"}
BEFORE = {
    "entities": [],
    "subprocessors": [
        {
            "id": 1,
            "name": "Harbourline",
            "address": "1 Harbour Road",
            "purposes": ["crm"],
            "services": ["portal"],
            "data_categories": ["contacts"],
            "data_subject_categories": ["users"],
            "engaged_by": ["Mixvoip SA"],
            "locations": [{**PLACE, "scc_module": 2, "measures": ["T-TRANSIT-ENCRYPTION"]}],
        },
        {
            "id": 2,
            "name": "Cloudway",
            "address": "2 Cloud Street",
            "purposes": [],
            "services": [],
            "data_categories": [],
            "data_subject_categories": [],
            "engaged_by": [],
            "locations": [],
        },
    ],
    "chain_links": [{"parent_id": 1, "child_id": 2, "activity": "Hosting"}],
}


def _changed(change) -> dict:
    after = copy.deepcopy(BEFORE)
    change(after)
    return after


def _location_changed(document):
    document["subprocessors"][0]["locations"][0].update(
        scc_module=3, measures=["T-TRANSIT-ENCRYPTION", "C-TRANSPARENCY"]
    )


def _location_added(document):
    document["subprocessors"][0]["locations"].append(
        {**PLACE, "id": 8, "country_code": "IN", "measures": []}
    )


def _purpose_added(document):
    document["subprocessors"][0]["purposes"].append("support")


def _activity_changed(document):
    document["chain_links"][0]["activity"] = "Hosting and backups"


def _link_removed(document):
    document["chain_links"].clear()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _location_changed,
            {
                "subject": "location",
                "change": "changed",
                "subprocessor": {"id": 1, "name": "Harbourline"},
                "location": {"country": "US", "role": "storage", "city": None},
                "fields": [
                    {
                        "field": "measures",
                        "before": ["T-TRANSIT-ENCRYPTION"],
                        "after": ["T-TRANSIT-ENCRYPTION", "C-TRANSPARENCY"],
                    },
                    {"field": "scc_module", "before": 2, "after": 3},
                ],
            },
        ),
        (_location_added, {"subject": "location", "change": "added"}),
        (
            _purpose_added,
            {
                "subject": "term",
                "change": "added",
                "term": {"list": "purposes", "code": "support"},
                "fields": [{"field": "purposes", "before": None, "after": "support"}],
            },
        ),
        (
            _activity_changed,
            {
                "subject": "chain_link",
                "change": "changed",
                "subprocessor": {"id": 1, "name": "Harbourline"},
                "engages": {"id": 2, "name": "Cloudway"},
                "fields": [
                    {"field": "activity", "before": "Hosting", "after": "Hosting and backups"}
                ],
            },
        ),
        (_link_removed, {"subject": "chain_link", "change": "removed"}),
    ],
)
def test_each_thing_changed_is_one_entry_with_what_it_was_and_is(change, expected):
    [entry] = differences(BEFORE, _changed(change))
    assert {key: entry[key] for key in expected} == expected


def test_the_same_register_has_no_differences():
    assert differences(BEFORE, copy.deepcopy(BEFORE)) == []


def test_before_the_history_begins_everything_is_added():
    entries = differences(None, BEFORE)
    assert [(entry["subject"], entry["change"]) for entry in entries] == [
        ("subprocessor", "added"),
        ("subprocessor", "added"),
        ("chain_link", "added"),
    ]


def test_a_removed_subprocessor_is_one_entry_with_its_locations():
    after = _changed(lambda document: document["subprocessors"].pop(0))
    after["chain_links"] = BEFORE["chain_links"]  # only the subprocessor, for this test
    [entry] = differences(BEFORE, after)
    locations = next(field for field in entry["fields"] if field["field"] == "locations")
    assert (entry["change"], locations["before"]) == (
        "removed",
        [{"country": "US", "role": "storage", "city": None}],
    )
