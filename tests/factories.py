"""Factory fixtures: each returns a callable that makes a row with sensible defaults and commits it.

Each call works in an application context of its own and returns the row with what it was given
still readable, so a test can use its id and relations after the context is gone.
"""

import itertools
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from registry import customers
from registry.extensions import db
from registry.models import (
    Authorisation,
    DataCategory,
    DataSubjectCategory,
    Entity,
    LocationMeasure,
    LocationRole,
    ProcessingLocation,
    Purpose,
    RecipientCategory,
    Service,
    Subprocessor,
    SubprocessorStatus,
)
from transfers.importers import DpfScope

_sequence = itertools.count(1)


def dpf_listing(**overrides) -> dict:
    """A subprocessor's fields for an active DPF List entry, checked a month ago and due for
    recertification in half a year (from the real today, which the public verdicts use)."""
    today = date.today()
    return {
        "dpf_certified": True,
        "dpf_listed_name": "Example Listed Inc.",
        "dpf_scope": DpfScope.NON_HR,
        "dpf_verified_on": today - timedelta(days=30),
        "dpf_recertification_due": today + timedelta(days=180),
    } | overrides


@contextmanager
def _committing(app):
    with app.app_context():
        db.session().expire_on_commit = False
        yield
        db.session.commit()


@pytest.fixture
def make_term(app):
    def make_term(term_class, code=None, name=None, **overrides):
        number = next(_sequence)
        term = term_class(
            code=code or f"{term_class.__tablename__.replace('_', '-')}-{number}",
            name=name or f"{term_class.__name__} {number}",
            translations=overrides.pop("translations", {}),
            **overrides,
        )
        with _committing(app):
            db.session.add(term)
        return term

    return make_term


@pytest.fixture
def make_entity(app):
    def make_entity(**overrides):
        number = next(_sequence)
        values = {
            "name": f"Example Entity {number} SA",
            "street_address": "1 rue de l'Exemple",
            "postal_code": "L-1000",
            "city": "Luxembourg",
            "country_code": "LU",
        }
        entity = Entity(**(values | overrides))
        with _committing(app):
            db.session.add(entity)
        return entity

    return make_entity


@pytest.fixture
def make_subprocessor(app, make_term, make_entity):
    """Makes an active subprocessor; `locations` lists (country, role) or (country, role, city),
    or dicts of ProcessingLocation's fields with `measures` as a list of codes."""

    def make_subprocessor(locations=(("DE", "storage"),), **overrides):
        number = next(_sequence)
        values = {
            "name": f"Subprocessor {number}",
            "legal_name": f"Subprocessor {number} GmbH",
            "address": f"Musterstraße {number}, 10115 Berlin, Germany",
            "country_code": "DE",
            "website": f"https://subprocessor-{number}.example",
            "status": SubprocessorStatus.ACTIVE,
        }
        values |= overrides
        values.setdefault("recipient_category", make_term(RecipientCategory))
        values.setdefault("purposes", [make_term(Purpose)])
        values.setdefault("services", [make_term(Service)])
        values.setdefault("data_categories", [make_term(DataCategory)])
        values.setdefault("data_subject_categories", [make_term(DataSubjectCategory)])
        values.setdefault("entities", [make_entity()])
        subprocessor = Subprocessor(locations=[_location(spec) for spec in locations], **values)
        with _committing(app):
            db.session.add(subprocessor)
        return subprocessor

    return make_subprocessor


def _location(spec) -> ProcessingLocation:
    if isinstance(spec, dict):
        fields = dict(spec)
        measures = [LocationMeasure(code=code) for code in fields.pop("measures", [])]
        fields["role"] = LocationRole(fields.get("role", "processing"))
        return ProcessingLocation(measures=measures, **fields)
    country, role, *rest = spec
    return ProcessingLocation(
        country_code=country, role=LocationRole(role), city=rest[0] if rest else None
    )


@pytest.fixture
def make_customer(app):
    """Records a customer through the service (so on the trail) and returns its id; `contacts`
    lists (name, email) pairs."""

    def make_customer(
        entity,
        services,
        authorisation="general",
        notice_days=30,
        contacts=(("Claire Dupont", "claire@acme.example"),),
        **overrides,
    ):
        number = next(_sequence)
        values = {
            "organisation": f"Customer {number} SA",
            "reference": f"C-{number}",
            "entity_id": entity.id,
            "service_ids": [service.id for service in services],
            "authorisation": Authorisation(authorisation),
            "notice_days": notice_days,
            "language": "en",
            "contacts": [customers.ContactValues(name, email) for name, email in contacts],
        } | overrides
        with _committing(app):
            customer = customers.create_customer(customers.CustomerValues(**values), "test")
        return customer.id

    return make_customer
