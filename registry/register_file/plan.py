"""What a register file would do to this installation's register: its plan. Reads only.

The file is first checked against its JSON Schema; each error is reported with its JSON path,
and then nothing else is planned. Each item is then matched by its natural key, never by id:
a vocabulary term by its code, an entity by its name, a subprocessor by its trading and legal
name, a location by its country, role and city within its subprocessor, a chain link by its two
subprocessors. Each is created, changed (field by field, before and after), unchanged or refused
with its reason, checked as the admin forms check it (`registry.register.values`,
`registry.register.drafts`, the tables' CHECK constraints); a file with a refusal cannot be
applied.

Nothing stored is lost. What this installation holds and the file lacks is kept as it is: terms,
entities and subprocessors (notices, assessments, customers' records and the trail refer to
them; and taking an active subprocessor off the public register is a removal, which needs a
notice). Within a subprocessor of the file, a location or a chain link the file lacks is
removed, as the file says, except a location that a transfer impact assessment refers to: that
one is kept, and the plan says so.
"""

from collections import Counter

import jsonschema
from flask_babel import gettext as _

from registry.domain import DomainError
from registry.register.state import TERMS
from registry.register_file import (
    VOCABULARIES,
    assessed_location_ids,
    register_parts,
    schema_url,
)
from registry.register_file.items import (
    ItemRefused,
    checked_activity,
    checked_entity,
    checked_location,
    checked_subprocessor,
    checked_term,
    refuse_loops,
)
from registry.register_file.outcomes import (
    CHANGED,
    CREATED,
    KEPT,
    REFUSED,
    REMOVED,
    UNCHANGED,
    WRITTEN,
    Item,
    RegisterPlan,
)
from registry.register_file.schema import register_export_schema
from registry.register_file.schema_words import reason

# What the plan says of a file that is not one: shown at most this many schema errors.
MOST_SCHEMA_ERRORS = 100


def schema_errors(document: object) -> list[Item]:
    """Each way `document` breaks the schema, as a refused item at its JSON path."""
    validator = jsonschema.Draft202012Validator(register_export_schema(schema_url()))
    errors = sorted(validator.iter_errors(document), key=lambda error: error.json_path)
    return [
        Item("file", error.json_path, REFUSED, path=error.json_path, reason=reason(error)[:500])
        for error in errors[:MOST_SCHEMA_ERRORS]
    ]


def plan(document: object) -> RegisterPlan:
    """What applying `document` (a file's parsed JSON) would do to the register as it stands."""
    refused = schema_errors(document)
    if refused:
        return RegisterPlan(refused)
    return _Planner(document).plan()


class _Planner:
    def __init__(self, document: dict) -> None:
        self.file = document
        self.stored = register_parts()
        self.assessed = set(assessed_location_ids())
        self.items: list[Item] = []
        self.checked: dict = {
            "vocabularies": {},
            "entities": [],
            "subprocessors": [],
            "chain_links": [],
            "removed_links": [],
        }
        active = [s for s in self.stored["subprocessors"] if s["status"] == "active"]
        self.in_public = {
            (key, value)
            for subprocessor in active
            for key in ("recipient_category", *TERMS)
            for value in _listed(subprocessor[key])
        }

    def plan(self) -> RegisterPlan:
        for key in VOCABULARIES:
            self._terms(key)
        self._entities()
        self._subprocessors()
        self._chain_links()
        return RegisterPlan(self.items, self.checked)

    def _terms(self, key: str) -> None:
        stored = {term["code"]: term for term in self.stored["vocabularies"][key]}
        stored_names = {term["name"]: term["code"] for term in stored.values()}
        given = self.file["vocabularies"][key]
        codes = Counter(term["code"].strip() for term in given)
        names = Counter(term["name"].strip() for term in given)
        checked = self.checked["vocabularies"][key] = []
        for index, term in enumerate(given):
            path, label = f"$.vocabularies.{key}[{index}]", f"{key}: {term['code']}"
            try:
                after = checked_term(term, codes, names, stored_names)
            except ItemRefused as error:
                self.items.append(Item("term", label, REFUSED, path, reason=str(error)))
                continue
            checked.append(after)
            published = (_LIST_OF_VOCABULARY[key], after["code"]) in self.in_public
            self._compare("term", label, path, stored.get(after["code"]), after, published)
        self._kept("term", [f"{key}: {code}" for code in stored if code not in codes])

    def _entities(self) -> None:
        stored = {entity["name"]: entity for entity in self.stored["entities"]}
        names = Counter(entity["name"].strip() for entity in self.file["entities"])
        for index, entity in enumerate(self.file["entities"]):
            path = f"$.entities[{index}]"
            try:
                after = checked_entity(entity, names)
            except (ItemRefused, DomainError) as error:
                self.items.append(Item("entity", entity["name"], REFUSED, path, str(error)))
                continue
            self.checked["entities"].append(after)
            published = ("engaged_by", after["name"]) in self.in_public
            self._compare(
                "entity", after["name"], path, stored.get(after["name"]), after, published
            )
        self._kept("entity", [name for name in stored if name not in names])

    def _known(self) -> dict[str, set]:
        """What a subprocessor may name once the file is applied: by list key, the codes of
        the terms (the file's and the stored ones) or the names of the entities."""
        known = {
            _LIST_OF_VOCABULARY[key]: {t["code"] for t in self.stored["vocabularies"][key]}
            | {t["code"] for t in self.checked["vocabularies"][key]}
            for key in VOCABULARIES
        }
        known["engaged_by"] = {e["name"] for e in self.stored["entities"]} | {
            e["name"] for e in self.checked["entities"]
        }
        return known

    def _subprocessors(self) -> None:
        stored = {_identity(s): s for s in self.stored["subprocessors"]}
        given = self.file["subprocessors"]
        identities = Counter(_identity(s) for s in given)
        known = self._known()
        for index, document in enumerate(given):
            path, identity = f"$.subprocessors[{index}]", _identity(document)
            before = stored.get(identity)
            label = _label(identity)
            try:
                after = checked_subprocessor(document, identities, known)
            except (ItemRefused, DomainError) as error:
                self.items.append(Item("subprocessor", label, REFUSED, path, str(error)))
                continue
            published = "active" in (after["status"], before and before["status"])
            first = len(self.items)
            self._compare("subprocessor", label, path, _fields(before), after, published)
            locations = self._locations(document, before, path, label, published)
            touched = any(item.outcome in WRITTEN for item in self.items[first:])
            self.checked["subprocessors"].append({"fields": after, **locations, "touched": touched})
        self._kept("subprocessor", [_label(i) for i in stored if i not in identities])

    def _locations(self, document, before, path, label, published) -> dict:
        """The subprocessor's locations: those the file gives, checked, and those it lacks,
        removed unless an assessment keeps them."""
        stored = {_place(loc): loc for loc in (before or {}).get("locations", [])}
        places = Counter(_place(loc) for loc in document["locations"])
        given = []
        for index, location in enumerate(document["locations"]):
            place = _place(location)
            key, where = f"{label}: {_place_text(place)}", f"{path}.locations[{index}]"
            try:
                if places[place] > 1:
                    raise ItemRefused(_("This location is given more than once."))
                after = checked_location(location)
            except ItemRefused as error:
                self.items.append(Item("location", key, REFUSED, where, str(error)))
                continue
            given.append(after)
            self._compare("location", key, where, stored.get(place), after, published)
        removed = []
        for place, location in stored.items():
            if place in places:
                continue
            key = f"{label}: {_place_text(place)}"
            if location["id"] in self.assessed:
                reason = _("An impact assessment refers to this location, which keeps it.")
                self.items.append(Item("location", key, KEPT, "", reason, published=published))
            else:
                self.items.append(Item("location", key, REMOVED, "", published=published))
                removed.append(list(place))
        return {"locations": given, "removed_locations": removed}

    def _chain_links(self) -> None:
        by_file_id = {s["id"]: _identity(s) for s in self.file["subprocessors"]}
        in_file = set(by_file_id.values())
        by_stored_id = {s["id"]: _identity(s) for s in self.stored["subprocessors"]}
        active = {
            _identity(s)
            for s in [*self.stored["subprocessors"], *self.file["subprocessors"]]
            if s["status"] == "active"
        }
        stored = {
            (by_stored_id[link["parent_id"]], by_stored_id[link["child_id"]]): link["activity"]
            for link in self.stored["chain_links"]
        }
        given = self._given_links(by_file_id)
        lacking = [pair for pair in stored if pair not in given]
        kept = {pair for pair in lacking if not set(pair) <= in_file}
        looping = refuse_loops(kept | set(given)) & set(given)
        for pair, (path, activity) in given.items():
            key, published = _link_text(pair), bool(set(pair) & active)
            if pair in looping:
                reason = _("With this link the processing chain would loop.")
                self.items.append(Item("chain_link", key, REFUSED, path, reason))
                continue
            before = {"activity": stored[pair]} if pair in stored else None
            after = {"activity": activity}
            self._compare("chain_link", key, path, before, after, published)
            link = {"parent": list(pair[0]), "child": list(pair[1]), "activity": activity}
            self.checked["chain_links"].append(link)
        for pair in lacking:
            item = Item("chain_link", _link_text(pair), KEPT, "")
            item.published = bool(set(pair) & active)
            if pair in kept:
                item.reason = _("A subprocessor of this link is not in the file: kept as it is.")
            else:
                item.outcome = REMOVED
                self.checked["removed_links"].append([list(pair[0]), list(pair[1])])
            self.items.append(item)

    def _given_links(self, by_file_id: dict) -> dict[tuple, tuple[str, str]]:
        """The file's links that can be read, by their pair of identities: (path, activity)."""
        pairs = Counter(
            (by_file_id.get(link["parent_id"]), by_file_id.get(link["child_id"]))
            for link in self.file["chain_links"]
        )
        given = {}
        for index, link in enumerate(self.file["chain_links"]):
            path = f"$.chain_links[{index}]"
            pair = (by_file_id.get(link["parent_id"]), by_file_id.get(link["child_id"]))
            try:
                given[pair] = (path, _checked_link(pair, pairs, link["activity"]))
            except ItemRefused as error:
                key = f"{link['parent_id']} -> {link['child_id']}"
                self.items.append(Item("chain_link", key, REFUSED, path, str(error)))
        return given

    def _compare(self, kind, key, path, before, after, published) -> None:
        if before is None:
            self.items.append(Item(kind, key, CREATED, path, published=published))
            return
        changes = [
            (name, before.get(name), value)
            for name, value in after.items()
            if name not in ("id", "locations") and before.get(name) != value
        ]
        outcome = CHANGED if changes else UNCHANGED
        self.items.append(Item(kind, key, outcome, path, changes=changes, published=published))

    def _kept(self, kind: str, keys: list[str]) -> None:
        reason = _("On this installation, not in the file: kept as it is.")
        self.items.extend(Item(kind, key, KEPT, "", reason) for key in keys)


# The subprocessor's list (or field) that names a vocabulary's terms.
_LIST_OF_VOCABULARY = {
    "recipient_categories": "recipient_category",
    "services": "services",
    "purposes": "purposes",
    "data_categories": "data_categories",
    "data_subject_categories": "data_subject_categories",
}


def _checked_link(pair: tuple, pairs: Counter, activity: str) -> str:
    if None in pair:
        raise ItemRefused(_("The link names a subprocessor id the file does not hold."))
    if pair[0] == pair[1]:
        raise ItemRefused(_("A subprocessor cannot engage itself."))
    if pairs[pair] > 1:
        raise ItemRefused(_("This link is given more than once."))
    return checked_activity(activity)


def _identity(subprocessor: dict) -> tuple[str, str]:
    return (subprocessor["name"].strip(), subprocessor["legal_name"].strip())


def _label(identity: tuple[str, str]) -> str:
    return f"{identity[0]} ({identity[1]})"


def _link_text(pair: tuple) -> str:
    return f"{_label(pair[0])} -> {_label(pair[1])}"


def _place(location: dict) -> tuple:
    city = (location["city"] or "").strip() or None
    return (location["country_code"].strip().upper(), location["role"], city)


def _place_text(place: tuple) -> str:
    return " ".join(part for part in place if part)


def _fields(subprocessor: dict | None) -> dict | None:
    if subprocessor is None:
        return None
    return {key: value for key, value in subprocessor.items() if key != "locations"}


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]
