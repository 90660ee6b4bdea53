"""Writing a checked register file (`RegisterPlan.checked`) into the register: terms and
entities by their natural keys, then each subprocessor the plan touches with its locations, then
the chain links. Adds and flushes; the caller records the import's event and commits."""

import sqlalchemy as sa

from registry import audit
from registry.extensions import db
from registry.models import ChainLink, Entity, LocationMeasure, ProcessingLocation, Subprocessor
from registry.register.drafts import draft_snapshot
from registry.register.state import location_row, subprocessor_row
from registry.register_file import VOCABULARIES
from registry.register_file.items import LOCATION_COLUMNS, SUBPROCESSOR_COLUMNS
from registry.register_file.outcomes import RegisterPlan

# A subprocessor document's list, and the relationship that holds it.
RELATIONSHIPS = {
    "purposes": "purposes",
    "services": "services",
    "data_categories": "data_categories",
    "data_subject_categories": "data_subject_categories",
    "engaged_by": "entities",
}
VOCABULARY_OF_LIST = {
    "recipient_category": "recipient_categories",
    "purposes": "purposes",
    "services": "services",
    "data_categories": "data_categories",
    "data_subject_categories": "data_subject_categories",
}


def write_register(plan: RegisterPlan, actor: str) -> None:
    checked = plan.checked
    terms = {key: _terms(key, checked["vocabularies"][key]) for key in VOCABULARIES}
    entities = _entities(checked["entities"])
    db.session.flush()
    stored = {(s.name, s.legal_name): s for s in db.session.scalars(sa.select(Subprocessor))}
    for entry in checked["subprocessors"]:
        if entry["touched"]:
            _subprocessor(entry, stored, terms, entities, actor)
    _chain_links(checked, stored)


def _terms(key: str, given: list[dict]) -> dict:
    model = VOCABULARIES[key]
    found = {term.code: term for term in db.session.scalars(sa.select(model))}
    for term in given:
        held = found.get(term["code"])
        if held is None:
            held = found[term["code"]] = model(code=term["code"])
            db.session.add(held)
        held.name, held.translations = term["name"], term["translations"]
    return found


def _entities(given: list[dict]) -> dict:
    found = {entity.name: entity for entity in db.session.scalars(sa.select(Entity))}
    for entity in given:
        held = found.get(entity["name"])
        if held is None:
            held = found[entity["name"]] = Entity(name=entity["name"])
            db.session.add(held)
        for name, value in entity.items():
            setattr(held, name, value)
    return found


def _subprocessor(entry: dict, stored: dict, terms: dict, entities: dict, actor: str) -> None:
    fields = entry["fields"]
    identity = (fields["name"], fields["legal_name"])
    subprocessor = stored.get(identity)
    before = None
    if subprocessor is None:
        subprocessor = stored[identity] = Subprocessor()
        db.session.add(subprocessor)
    else:
        before = draft_snapshot(subprocessor)
    row = subprocessor_row(fields)
    for name in SUBPROCESSOR_COLUMNS:
        setattr(subprocessor, name, getattr(row, name))
    subprocessor.recipient_category = terms["recipient_categories"][fields["recipient_category"]]
    for key, relationship in RELATIONSHIPS.items():
        held = entities if key == "engaged_by" else terms[VOCABULARY_OF_LIST[key]]
        setattr(subprocessor, relationship, [held[value] for value in fields[key]])
    _locations(subprocessor, entry)
    db.session.flush()
    audit.record(
        actor,
        "subprocessor.imported",
        "subprocessor",
        subprocessor.id,
        before=before,
        after=draft_snapshot(subprocessor),
    )


def _locations(subprocessor: Subprocessor, entry: dict) -> None:
    held = {(loc.country_code, loc.role.value, loc.city): loc for loc in subprocessor.locations}
    for place in entry["removed_locations"]:
        subprocessor.locations.remove(held[tuple(place)])
    for document in entry["locations"]:
        place = (document["country_code"], document["role"], document["city"])
        location = held.get(place)
        if location is None:
            location = ProcessingLocation()
            subprocessor.locations.append(location)
        row = location_row(document)
        for name in LOCATION_COLUMNS:
            setattr(location, name, getattr(row, name))
        wanted = set(document["measures"])
        location.measures = [m for m in location.measures if m.code in wanted] + [
            LocationMeasure(code=code)
            for code in sorted(wanted - {m.code for m in location.measures})
        ]


def _chain_links(checked: dict, stored: dict) -> None:
    held = {
        (link.parent_id, link.child_id): link for link in db.session.scalars(sa.select(ChainLink))
    }

    def ids(pair) -> tuple[int, int]:
        return stored[tuple(pair[0])].id, stored[tuple(pair[1])].id

    for parent, child in checked["removed_links"]:
        db.session.delete(held[ids((parent, child))])
    for link in checked["chain_links"]:
        key = ids((link["parent"], link["child"]))
        found = held.get(key)
        if found is None:
            db.session.add(ChainLink(parent_id=key[0], child_id=key[1], activity=link["activity"]))
        elif found.activity != link["activity"]:
            found.activity = link["activity"]
    db.session.flush()
