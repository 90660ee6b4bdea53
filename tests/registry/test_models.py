"""The integrity rules live in the database, so no code path can break them."""

from datetime import date

import pytest
import sqlalchemy as sa

from registry.extensions import db
from registry.models import Entity, ProcessingLocation, RecipientCategory, Subprocessor


def _refused(statement) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(statement)


def test_a_country_code_must_be_two_upper_case_letters(app_context, make_entity):
    entity = make_entity()
    _refused(sa.update(Entity).where(Entity.id == entity.id).values(country_code="lu"))
    _refused(sa.update(Entity).where(Entity.id == entity.id).values(country_code="L"))


def test_a_subprocessor_name_is_unique_under_one_legal_name(app_context, make_subprocessor):
    make_subprocessor(name="Nordhafen Hosting", legal_name="Nordhafen GmbH")
    with pytest.raises(sa.exc.IntegrityError):
        make_subprocessor(name="Nordhafen Hosting", legal_name="Nordhafen GmbH")


def test_a_subprocessor_name_may_recur_under_another_legal_name(app_context, make_subprocessor):
    make_subprocessor(name="Nordhafen Hosting", legal_name="Nordhafen GmbH")
    make_subprocessor(name="Nordhafen Hosting", legal_name="Nordhafen Rechenzentrum AG")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Subprocessor))
    assert count == 2


def test_a_website_must_be_an_http_address(app_context, make_subprocessor):
    subprocessor = make_subprocessor()
    _refused(
        sa.update(Subprocessor)
        .where(Subprocessor.id == subprocessor.id)
        .values(website="javascript:alert(1)")
    )


def test_a_status_outside_the_lifecycle_is_refused(app_context, make_subprocessor):
    subprocessor = make_subprocessor()
    _refused(
        sa.text("UPDATE subprocessor SET status = 'paused' WHERE id = :id").bindparams(
            id=subprocessor.id
        )
    )


def test_a_location_role_outside_the_list_is_refused(app_context, make_subprocessor):
    location = make_subprocessor().locations[0]
    _refused(
        sa.text("UPDATE processing_location SET role = 'anywhere' WHERE id = :id").bindparams(
            id=location.id
        )
    )


def test_the_same_place_and_role_cannot_be_listed_twice_for_a_subprocessor(
    app_context, make_subprocessor
):
    subprocessor = make_subprocessor(locations=[("DE", "storage", "Frankfurt am Main")])
    _refused(
        sa.insert(ProcessingLocation).values(
            subprocessor_id=subprocessor.id,
            country_code="DE",
            role="storage",
            city="Frankfurt am Main",
        )
    )


def test_a_website_in_capitals_is_accepted_on_every_database(app_context, make_subprocessor):
    assert make_subprocessor(website="HTTPS://EXAMPLE.EXAMPLE").id


def test_a_vocabulary_term_in_use_cannot_be_deleted(app_context, make_subprocessor):
    category_id = make_subprocessor().recipient_category_id
    _refused(sa.delete(RecipientCategory).where(RecipientCategory.id == category_id))


def test_deleting_a_subprocessor_deletes_its_locations(app_context, make_subprocessor):
    subprocessor_id = make_subprocessor(locations=[("DE", "storage"), ("US", "backup")]).id
    db.session.execute(sa.delete(Subprocessor).where(Subprocessor.id == subprocessor_id))
    db.session.commit()
    remaining = db.session.scalar(sa.select(sa.func.count()).select_from(ProcessingLocation))
    assert remaining == 0


@pytest.mark.parametrize(
    "values",
    [
        {"transfer_tool": "adequacy", "scc_module": 3},
        {"transfer_tool": "scc", "scc_module": 5},
        {"transfer_tool": "scc", "adequacy_decision": "2023/1795"},
        {"transfer_tool": "adequacy", "derogation": "a"},
        {"transfer_tool": None, "swiss_adaptation": True},
        {"transfer_tool": "adequacy", "scc_signed_on": date(2025, 3, 1)},
        {"transfer_tool": "scc", "scc_module": 3, "bcr_group": "Nimbus Group"},
        {"transfer_tool": "scc", "scc_module": 3, "derogation_occasional_reason": "Rarely"},
        {"transfer_tool": "bcr", "authority_informed_on": date(2025, 3, 1)},
        {"transfer_tool": "derogation", "derogation_occasional": True},
    ],
)
def test_a_transfer_ground_with_details_of_another_tool_is_refused(
    app_context, make_subprocessor, values
):
    location = make_subprocessor(locations=[("IN", "processing")]).locations[0]
    _refused(
        sa.update(ProcessingLocation).where(ProcessingLocation.id == location.id).values(**values)
    )


def test_dpf_entry_details_without_a_listing_are_refused(app_context, make_subprocessor):
    subprocessor = make_subprocessor(dpf_certified=False)
    _refused(
        sa.update(Subprocessor)
        .where(Subprocessor.id == subprocessor.id)
        .values(dpf_recertification_due=date(2027, 5, 14))
    )


def test_a_transit_location_is_accepted(app_context, make_subprocessor):
    location = make_subprocessor(locations=[("SG", "transit")]).locations[0]
    assert db.session.get(ProcessingLocation, location.id).role.value == "transit"


def test_a_transfer_tool_outside_the_list_is_refused(app_context, make_subprocessor):
    location = make_subprocessor(locations=[("IN", "processing")]).locations[0]
    _refused(
        sa.text(
            "UPDATE processing_location SET transfer_tool = 'teleport' WHERE id = :id"
        ).bindparams(id=location.id)
    )
