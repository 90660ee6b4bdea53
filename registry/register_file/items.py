"""Each item of a register file checked as the admin forms check it, and given back as the
register would hold it (text trimmed, codes sorted, a location's values as `build_location`
reads them). Raises ItemRefused with the reason; the plan names the item."""

from collections import Counter

from flask_babel import gettext as _

from registry.domain import DomainError
from registry.models import ProcessingLocation, Subprocessor
from registry.register.state import TERMS, plain
from registry.register.values import LocationValues, build_location, country
from registry.single_line import has_line_breaks

# A subprocessor's columns the file gives as they are (the recipient category by its code).
SUBPROCESSOR_COLUMNS = tuple(
    column.name
    for column in Subprocessor.__table__.columns
    if column.name not in ("id", "recipient_category_id")
)
LOCATION_COLUMNS = tuple(
    column.name
    for column in ProcessingLocation.__table__.columns
    if column.name not in ("id", "subprocessor_id")
)
# Of a subprocessor's text, what the draft form requires.
REQUIRED_TEXT = ("name", "legal_name", "address")
ENTITY_TEXT = ("name", "street_address", "postal_code", "city")


class ItemRefused(DomainError):
    """An item of the file cannot be stored as it stands; the message says why."""


def checked_term(term: dict, codes: Counter, names: Counter, stored_names: dict) -> dict:
    """A vocabulary term: its code lower case, given once; its name given, once in the file, and
    not another stored term's."""
    code, name = term["code"].strip(), term["name"].strip()
    if not code or code != code.lower():
        raise ItemRefused(_("A term's code is lower case and not empty."))
    if codes[code] > 1:
        raise ItemRefused(
            _("The code %(code)s is given %(count)d times.", code=code, count=codes[code])
        )
    if not name:
        raise ItemRefused(_("Give the term's name."))
    if names[name] > 1 or stored_names.get(name, code) != code:
        raise ItemRefused(_("Another term is already named %(name)s.", name=name))
    translations = {language: text.strip() for language, text in term["translations"].items()}
    return {"code": code, "name": name, "translations": dict(sorted(translations.items()))}


def checked_entity(entity: dict, names: Counter) -> dict:
    """One of our entities: its text given, its country in ISO 3166-1, its name once."""
    after = {key: entity[key].strip() for key in ENTITY_TEXT}
    if not all(after.values()):
        raise ItemRefused(_("An entity needs its name, street address, postal code and city."))
    if names[after["name"]] > 1:
        raise ItemRefused(_("The entity %(name)s is given twice.", name=after["name"]))
    return {**after, "country_code": country(entity["country_code"])}


def checked_subprocessor(document: dict, identities: Counter, known: dict[str, set]) -> dict:
    """A subprocessor's fields and lists, without its locations. `known` holds, by list key
    (and "recipient_category"), the codes or entity names the register will hold."""
    after = {name: _trimmed(document[name]) for name in SUBPROCESSOR_COLUMNS}
    identity = (after["name"], after["legal_name"])
    missing = [name for name in REQUIRED_TEXT if not after[name]]
    if missing:
        raise ItemRefused(_("Give the subprocessor's %(field)s.", field=missing[0]))
    if identities[identity] > 1:
        raise ItemRefused(_("This subprocessor is given more than once."))
    after["country_code"] = country(after["country_code"])
    website = after["website"]
    if website and not website.lower().startswith(("https://", "http://")):
        raise ItemRefused(_("The website must be an https:// or http:// address."))
    listing = ("dpf_listed_name", "dpf_scope", "dpf_recertification_due")
    if not after["dpf_certified"] and any(after[name] for name in listing):
        raise ItemRefused(
            _("The name as listed, the scope and the recertification date go with a DPF listing.")
        )
    for key in ("recipient_category", *TERMS):
        given = _listed(document[key])
        unknown = sorted(set(given) - known[key])
        if unknown:
            raise ItemRefused(
                _(
                    "%(list)s: not in the file nor in the register: %(codes)s.",
                    list=key,
                    codes=", ".join(unknown),
                )
            )
        after[key] = document[key] if key == "recipient_category" else sorted(set(given))
    return after


def checked_location(document: dict) -> dict:
    """A location checked by `build_location`, as the drafts' form is, and the details of an
    SCC ground `build_location` does not take (`scc_details_need_scc`)."""
    tool = document["transfer_tool"]
    if tool != "scc" and (document["uk_tool"] or document["swiss_adaptation"]):
        raise ItemRefused(_("The UK and Swiss adaptations go with the SCC ground only."))
    # `bcr_details_need_bcr`: even "not bound" is a detail of BCRs.
    if tool != "bcr" and document["bcr_importer_bound"] is not None:
        raise ItemRefused(_("Details of binding corporate rules go with the BCR ground only."))
    values = LocationValues(
        **{
            name: document[name if name != "country" else "country_code"]
            for name in LocationValues.__dataclass_fields__
        }
    )
    try:
        built = build_location(values)
    except (DomainError, ValueError) as error:
        raise ItemRefused(str(error)) from None
    after = {name: plain(getattr(built, name)) for name in LOCATION_COLUMNS}
    after["uk_tool"], after["swiss_adaptation"] = document["uk_tool"], document["swiss_adaptation"]
    after["measures"] = sorted(set(document["measures"]))
    return after


def checked_activity(text: str) -> str:
    """What a chain link's child does for its parent: one line, given."""
    activity = text.strip()
    if not activity or has_line_breaks(activity):
        raise ItemRefused(_("Say in one line what the company does for the one that engages it."))
    return activity


def refuse_loops(links: set[tuple]) -> set[tuple]:
    """The links (parent, child) that lie on a loop of the chain: a chain never loops."""
    remaining = set(links)
    while True:
        parents = {parent for parent, _child in remaining}
        leaves = {link for link in remaining if link[1] not in parents}
        if not leaves:
            return remaining
        remaining -= leaves


def _trimmed(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]
