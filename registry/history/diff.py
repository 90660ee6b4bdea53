"""What differs between two documents of the published register (`registry.register.state`):
one entry per thing added, removed or changed, in codes, as the JSON gives them.

An entry is `{"subject", "change", "subprocessor": {"id", "name"}, "fields": [{"field",
"before", "after"}]}`, with `location` (its country, role and city) for a location and `term`
(its list and code) for a term. `subject` is "subprocessor", "location", "term" or
"chain_link"; `change` is "added", "removed" or "changed". A subprocessor added or removed is
one entry with its facts; its locations, terms and links go with it.
"""

EMPTY = {"subprocessors": [], "chain_links": [], "entities": []}
# A subprocessor's lists of terms: its purposes, services, data, data subjects, our entities.
TERM_KEYS = ("purposes", "services", "data_categories", "data_subject_categories", "engaged_by")
_NOT_FACTS = (*TERM_KEYS, "id", "locations")


def differences(before: dict | None, after: dict) -> list[dict]:
    """Every difference from `before` (None: the empty register) to `after`, subprocessor by
    subprocessor in the order of their names, then the chain links."""
    before = before or EMPTY
    old = {document["id"]: document for document in before["subprocessors"]}
    new = {document["id"]: document for document in after["subprocessors"]}
    names = {key: value["name"] for key, value in (old | new).items()}
    entries = []
    for subprocessor_id in sorted(old.keys() | new.keys(), key=lambda key: names[key].lower()):
        entries += _subprocessor(old.get(subprocessor_id), new.get(subprocessor_id))
    entries += _chain_links(before["chain_links"], after["chain_links"], names)
    return entries


def _who(document: dict) -> dict:
    return {"id": document["id"], "name": document["name"]}


def _facts(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in _NOT_FACTS}


def _fields(before: dict, after: dict) -> list[dict]:
    """The fields whose value differs, by name; a field one side lacks counts as None."""
    return [
        {"field": name, "before": before.get(name), "after": after.get(name)}
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]


def _subprocessor(before: dict | None, after: dict | None) -> list[dict]:
    if before is None or after is None:
        document = after or before
        added = before is None
        facts = {**_facts(document), **{key: document[key] for key in TERM_KEYS}}
        facts["locations"] = [_place(location) for location in document["locations"]]
        fields = _fields({}, facts) if added else _fields(facts, {})
        change = "added" if added else "removed"
        return [
            {"subject": "subprocessor", "change": change, "subprocessor": _who(document)}
            | {"fields": fields}
        ]
    entries = []
    changed = _fields(_facts(before), _facts(after))
    if changed:
        entries.append(
            {"subject": "subprocessor", "change": "changed", "subprocessor": _who(after)}
            | {"fields": changed}
        )
    entries += _locations(before, after)
    entries += _terms(before, after)
    return entries


def _place(location: dict) -> dict:
    return {
        "country": location["country_code"],
        "role": location["role"],
        "city": location["city"],
    }


def _location_facts(location: dict) -> dict:
    return {key: value for key, value in location.items() if key != "id"}


def _locations(before: dict, after: dict) -> list[dict]:
    old = {location["id"]: location for location in before["locations"]}
    new = {location["id"]: location for location in after["locations"]}
    entries = []
    for location_id in sorted(old.keys() | new.keys()):
        was, now = old.get(location_id), new.get(location_id)
        if was == now:
            continue
        if was is None:
            change, fields = "added", _fields({}, _location_facts(now))
        elif now is None:
            change, fields = "removed", _fields(_location_facts(was), {})
        else:
            change, fields = "changed", _fields(_location_facts(was), _location_facts(now))
        entries.append(
            {
                "subject": "location",
                "change": change,
                "subprocessor": _who(after),
                "location": _place(now or was),
                "fields": fields,
            }
        )
    return entries


def _terms(before: dict, after: dict) -> list[dict]:
    entries = []
    for key in TERM_KEYS:
        was, now = set(before[key]), set(after[key])
        for code in sorted(now - was):
            entries.append(_term(after, key, code, "added"))
        for code in sorted(was - now):
            entries.append(_term(after, key, code, "removed"))
    return entries


def _term(document: dict, key: str, code: str, change: str) -> dict:
    added = change == "added"
    return {
        "subject": "term",
        "change": change,
        "subprocessor": _who(document),
        "term": {"list": key, "code": code},
        "fields": [
            {"field": key, "before": None if added else code, "after": code if added else None}
        ],
    }


def _chain_links(before: list[dict], after: list[dict], names: dict[int, str]) -> list[dict]:
    """A link added or removed says whom the subprocessor engages and for what; a link kept
    whose activity changed says only that."""
    old = {(link["parent_id"], link["child_id"]): link["activity"] for link in before}
    new = {(link["parent_id"], link["child_id"]): link["activity"] for link in after}
    entries = []
    for parent, child in sorted(old.keys() | new.keys()):
        was, now = old.get((parent, child)), new.get((parent, child))
        if was == now:
            continue
        engaged = {"id": child, "name": names.get(child, str(child))}
        if was is None:
            change = "added"
            fields = [_field("engages", None, engaged), _field("activity", None, now)]
        elif now is None:
            change = "removed"
            fields = [_field("engages", engaged, None), _field("activity", was, None)]
        else:
            change, fields = "changed", [_field("activity", was, now)]
        entries.append(
            {
                "subject": "chain_link",
                "change": change,
                "subprocessor": {"id": parent, "name": names.get(parent, str(parent))},
                "engages": engaged,
                "fields": fields,
            }
        )
    return entries


def _field(name: str, before, after) -> dict:
    return {"field": name, "before": before, "after": after}
