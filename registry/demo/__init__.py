"""Illustrative demo data, so that a fresh installation shows a full register at once."""

import tomllib
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from registry import audit, clock, customers, objections
from registry.customers import notices as customer_notices
from registry.extensions import db
from registry.history import snapshots
from registry.models import (
    Authorisation,
    ChainLink,
    ChangeKind,
    ChangeNotice,
    Customer,
    CustomerNotice,
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
    VocabularyTerm,
)
from registry.notices import changes
from registry.register.values import LocationValues
from transfers import adequacy
from transfers.countries import country_code
from transfers.grounds import Derogation, TransferTool, UkTransferTool
from transfers.importers import DpfScope
from transfers.measures import measure

ACTOR = "demo loader"
DEMO_FILE = Path(__file__).with_name("register.toml")
VOCABULARIES: dict[str, type[VocabularyTerm]] = {
    "recipient_categories": RecipientCategory,
    "data_categories": DataCategory,
    "data_subject_categories": DataSubjectCategory,
    "services": Service,
    "purposes": Purpose,
}


@dataclass(frozen=True)
class DemoLoaded:
    """How many rows the load added; all zero when the demo data was already there."""

    entities: int
    terms: int
    subprocessors: int
    locations: int
    notices: int = 0
    customers: int = 0


def register_is_empty() -> bool:
    """Whether the register holds no entity and no subprocessor yet."""
    has_entity = db.session.scalar(sa.select(Entity.id).limit(1)) is not None
    has_subprocessor = db.session.scalar(sa.select(Subprocessor.id).limit(1)) is not None
    return not (has_entity or has_subprocessor)


def load_demo() -> DemoLoaded:
    """Add the demo entities, vocabularies and subprocessors that are not there yet.

    Idempotent: a row whose name (or code) already exists is left as it is. The caller commits.
    """
    data = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))
    fresh = register_is_empty()
    # The load happens before the replayed history, so that the trail reads in order.
    start = clock.now() - timedelta(days=max(change["days_ago"] for change in data["changes"]) + 1)
    with clock.replaying(start if fresh else clock.now()) as replay:
        loaded = _load(data)
        snapshots.take_pending()  # the history begins with the register as loaded, then
        loaded = replace(loaded, customers=_customers(data["customers"]))
        if fresh:
            history = (data["changes"], data.get("corrections", []))
            loaded = replace(loaded, notices=_replay_changes(*history, replay))
    return loaded


def _chain(entries: list[dict], terms: dict, existing: set[str]) -> list[Subprocessor]:
    """The companies our subprocessors engage, in effect, each under the one that engages it
    and serving its data (its terms and entities)."""
    added = []
    for entry in entries:
        if entry["name"] in existing:
            continue
        parent = _named(entry["chain_parent"])
        member = _subprocessor(
            {
                **entry,
                "purposes": [term.code for term in parent.purposes],
                "services": [term.code for term in parent.services],
                "data_categories": [term.code for term in parent.data_categories],
                "data_subjects": [term.code for term in parent.data_subject_categories],
                "engaged_by": [entity.name for entity in parent.entities],
            },
            {entity.name: entity for entity in parent.entities},
            terms,
        )
        member.engaged_directly = False
        member.contact = entry["contact"]
        db.session.add(member)
        db.session.add(ChainLink(parent=parent, child=member, activity=entry["activity"]))
        db.session.flush()
        added.append(member)
    return added


def _customers(entries: list[dict]) -> int:
    """Add the demo customers whose reference is not there yet, through the service."""
    existing = set(db.session.scalars(sa.select(Customer.reference)))
    entities = {entity.name: entity.id for entity in db.session.scalars(sa.select(Entity))}
    services = {service.code: service.id for service in db.session.scalars(sa.select(Service))}
    added = 0
    for entry in entries:
        if entry["reference"] in existing:
            continue
        values = customers.CustomerValues(
            organisation=entry["organisation"],
            reference=entry["reference"],
            entity_id=entities[entry["entity"]],
            service_ids=[services[code] for code in entry["services"]],
            authorisation=Authorisation(entry["authorisation"]),
            notice_days=entry["notice_days"],
            shortest_notice_days=entry.get("shortest_notice_days"),
            language=entry["language"],
            dpa_version=entry.get("dpa_version"),
            dpa_signed_on=entry.get("dpa_signed_on"),
            contacts=[
                customers.ContactValues(contact["name"], contact["email"], contact["role"])
                for contact in entry["contacts"]
            ],
        )
        customers.create_customer(values, ACTOR)
        added += 1
    return added


def _load(data: dict) -> DemoLoaded:
    entities, new_entities = _entities(data["entities"])
    terms, new_terms = {}, 0
    for table, term_class in VOCABULARIES.items():
        terms[table], added = _vocabulary(term_class, data[table])
        new_terms += added
    existing = set(db.session.scalars(sa.select(Subprocessor.name)))
    new_subprocessors = [
        _subprocessor(entry, entities, terms)
        for entry in data["subprocessors"]
        if entry["name"] not in existing
    ]
    db.session.add_all(new_subprocessors)
    db.session.flush()
    new_subprocessors += _chain(data.get("chain", []), terms, existing)
    if new_entities or new_terms or new_subprocessors:
        audit.record(
            "demo loader",
            "register.demo_loaded",
            "register",
            after={
                "entities": sorted(entity.name for entity in entities.values()),
                "subprocessors": sorted(subprocessor.name for subprocessor in new_subprocessors),
                "vocabulary_terms_added": new_terms,
            },
        )
    return DemoLoaded(
        entities=new_entities,
        terms=new_terms,
        subprocessors=len(new_subprocessors),
        locations=sum(len(subprocessor.locations) for subprocessor in new_subprocessors),
    )


def _replay_changes(entries: list[dict], corrections: list[dict], replay: clock.Replay) -> int:
    """Announce, withdraw and apply the demo's changes, and publish its editorial corrections,
    through the services, each at its instant, oldest first; returns how many notices were
    announced."""
    now = replay.instant + timedelta(days=max(entry["days_ago"] for entry in entries) + 1)
    steps, announcements = [], []
    for correction in corrections:
        corrected = now - timedelta(days=correction["days_ago"])
        steps.append((corrected, lambda correction=correction: _correct(correction)))
    for entry in entries:
        announced = now - timedelta(days=entry["days_ago"])
        announcements.append(announced)
        steps.append((announced, lambda entry=entry: _announce(entry)))
        if "withdrawn_days_ago" in entry:
            withdrawn = now - timedelta(days=entry["withdrawn_days_ago"])
            steps.append((withdrawn, lambda entry=entry: _withdraw(entry)))
        for approval in entry.get("approvals", ()):
            approved = now - timedelta(days=approval["days_ago"])
            steps.append((approved, lambda e=entry, a=approval: _approve(e, a)))
        for objection in entry.get("objections", ()):
            objected = now - timedelta(days=objection["days_ago"])
            steps.append((objected, lambda e=entry, o=objection: _object(e, o)))
    # A notice takes effect once the latest deadline among the customers it concerns has
    # passed: the worker's rounds are replayed at each day that can be.
    periods = {current_app.config["NOTICE_WINDOW_DAYS"]} | {
        customer["notice_days"] for customer in _all_customers()
    }
    due = sorted(
        {
            announced + timedelta(days=days)
            for announced in announcements
            for days in periods
            if announced + timedelta(days=days) < now
        }
    )
    steps += [(instant, lambda: changes.apply_due(ACTOR)) for instant in due]
    for instant, step in sorted(steps, key=lambda step: step[0]):
        replay.move_to(instant)
        step()
        db.session.flush()
        snapshots.take_pending()  # each change in the history at its own instant
    replay.move_to(now)
    return len(entries) + len(corrections)


def _announce(entry: dict) -> None:
    subprocessor = _named(entry["subprocessor"])
    new_location = _location_values(entry["location"]) if "location" in entry else None
    changes.announce(ChangeKind(entry["kind"]), subprocessor, ACTOR, new_location=new_location)


def _all_customers() -> list[dict]:
    return tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))["customers"]


def _customer_notice(entry: dict, reference: str) -> CustomerNotice:
    notice = db.session.scalars(
        sa.select(ChangeNotice)
        .where(ChangeNotice.subprocessor_id == _named(entry["subprocessor"]).id)
        .order_by(ChangeNotice.id.desc())
    ).first()
    customer = db.session.scalar(sa.select(Customer).where(Customer.reference == reference))
    return customer_notices.record_for(notice.id, customer.id)


def _approve(entry: dict, approval: dict) -> None:
    record = _customer_notice(entry, approval["customer"])
    customer_notices.approve(record, ACTOR, ACTOR, evidence=approval["evidence"])


def _object(entry: dict, objection: dict) -> None:
    record = _customer_notice(entry, objection["customer"])
    contact = record.customer.contacts[0]
    values = objections.ObjectionValues(
        record.customer.organisation, "", contact.name, "", objection["grounds"]
    )
    objections.submit(record.notice, values, record.customer.language, True, contact=contact)


def _correct(correction: dict) -> None:
    fields = {name: correction[name] for name in changes.EDITORIAL_FIELDS if name in correction}
    changes.publish_editorial(
        _named(correction["subprocessor"]), fields, correction["reason"], ACTOR
    )


def _withdraw(entry: dict) -> None:
    subprocessor = _named(entry["subprocessor"])
    notice = db.session.scalar(
        sa.select(ChangeNotice).where(ChangeNotice.subprocessor_id == subprocessor.id)
    )
    changes.withdraw(notice, ACTOR, entry["withdrawal_reason"])


def _named(name: str) -> Subprocessor:
    return db.session.scalars(sa.select(Subprocessor).where(Subprocessor.name == name)).one()


def _location_values(entry: dict) -> LocationValues:
    transfer = entry.get("transfer", {})
    return LocationValues(
        country=entry["country"],
        role=entry["role"],
        city=entry.get("city", ""),
        transfer_tool=transfer.get("tool"),
        scc_module=transfer.get("scc_module"),
        scc_decision="2021/914" if transfer.get("tool") == "scc" else None,
        scc_signed_on=transfer["scc_signed_on"].isoformat()
        if "scc_signed_on" in transfer
        else None,
        measures=list(transfer.get("measures", ())),
    )


def _entities(entries: list[dict]) -> tuple[dict[str, Entity], int]:
    by_name = {entity.name: entity for entity in db.session.scalars(sa.select(Entity))}
    added = 0
    for entry in entries:
        if entry["name"] not in by_name:
            entity = Entity(
                name=entry["name"],
                street_address=entry["street_address"],
                postal_code=entry["postal_code"],
                city=entry["city"],
                country_code=country_code(entry["country"]),
            )
            db.session.add(entity)
            by_name[entity.name] = entity
            added += 1
    return by_name, added


def _vocabulary(term_class: type[VocabularyTerm], entries: dict) -> tuple[dict, int]:
    by_code = {term.code: term for term in db.session.scalars(sa.select(term_class))}
    added = 0
    for code, (english, german, french) in entries.items():
        if code not in by_code:
            term = term_class(code=code, name=english, translations={"de": german, "fr": french})
            db.session.add(term)
            by_code[code] = term
            added += 1
    return by_code, added


def _subprocessor(entry: dict, entities: dict[str, Entity], terms: dict) -> Subprocessor:
    engaged_by = list(entities) if entry["engaged_by"] == ["all"] else entry["engaged_by"]
    return Subprocessor(
        name=entry["name"],
        legal_name=entry["legal_name"],
        address=entry["address"],
        country_code=country_code(entry["country"]),
        website=entry["website"],
        recipient_category=terms["recipient_categories"][entry["category"]],
        purposes=[terms["purposes"][code] for code in entry["purposes"]],
        services=[terms["services"][code] for code in entry["services"]],
        data_categories=[terms["data_categories"][code] for code in entry["data_categories"]],
        data_subject_categories=[
            terms["data_subject_categories"][code] for code in entry["data_subjects"]
        ],
        entities=[entities[name] for name in engaged_by],
        locations=[_location(location) for location in entry["locations"]],
        status=SubprocessorStatus(entry.get("status", "active")),
        illustrative=True,
        dpf_certified=entry.get("dpf_certified", False),
        dpf_listed_name=entry.get("dpf_listed_name"),
        dpf_scope=DpfScope(entry["dpf_scope"]) if "dpf_scope" in entry else None,
        dpf_verified_on=entry.get("dpf_verified_on"),
        dpf_recertification_due=entry.get("dpf_recertification_due"),
        subject_to_pipeda=entry.get("subject_to_pipeda", False),
    )


def _location(entry: dict) -> ProcessingLocation:
    transfer = entry.get("transfer", {})
    if "decision" in transfer:
        adequacy.decision(transfer["decision"])  # an unknown decision stops the load
    return ProcessingLocation(
        country_code=country_code(entry["country"]),
        role=LocationRole(entry["role"]),
        city=entry.get("city"),
        transfer_tool=TransferTool(transfer["tool"]) if transfer else None,
        adequacy_decision=transfer.get("decision"),
        scc_module=transfer.get("scc_module"),
        uk_tool=UkTransferTool(transfer["uk_tool"]) if "uk_tool" in transfer else None,
        swiss_adaptation=transfer.get("swiss_adaptation", False),
        derogation=Derogation(transfer["derogation"]) if "derogation" in transfer else None,
        derogation_justification=transfer.get("derogation_justification"),
        derogation_occasional="occasional_reason" in transfer,
        derogation_occasional_reason=transfer.get("occasional_reason"),
        scc_signed_on=transfer.get("scc_signed_on"),
        measures=[
            LocationMeasure(code=measure(code).code) for code in transfer.get("measures", [])
        ],
    )
