"""A row of a customers' file (`sheets`) read as the values the customers' service takes:
the entity by its name, the services by their codes, the contacts from "Name <email> (role)",
whole numbers and ISO dates; a cell that cannot be read is a CustomerError naming its column."""

import re
from contextlib import suppress
from datetime import date

from flask import current_app
from flask_babel import gettext as _

from registry.customers import ContactValues, CustomerError, CustomerValues
from registry.models import Authorisation, Entity, Service

CONTACT = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*(?:\((?P<role>[^()]*)\))?$")
WHOLE = re.compile(r"^\d{1,6}$", re.ASCII)


def customer_values(
    row: dict, entities: dict[str, Entity], services: dict[str, Service]
) -> CustomerValues:
    """The row's cells as the service's values, or CustomerError naming the column. `entities`
    are by casefolded name, `services` by code. The service checks the values further."""
    entity = entities.get(row["entity"].strip().casefold())
    if entity is None:
        raise CustomerError(
            _(
                "There is no entity of ours named “%(name)s”; ours are: %(names)s.",
                name=row["entity"],
                names=", ".join(sorted(entity.name for entity in entities.values())),
            ),
            field="entity",
        )
    codes = [code.strip().lower() for code in row["services"].split(";") if code.strip()]
    unknown = [code for code in codes if code not in services]
    if unknown:
        raise CustomerError(
            _("Unknown service code: %(codes)s.", codes=", ".join(unknown)), field="services"
        )
    return CustomerValues(
        organisation=row["organisation"],
        reference=row["reference"],
        entity_id=entity.id,
        service_ids=[services[code].id for code in codes],
        authorisation=_authorisation(row["authorisation"]),
        notice_days=_whole(row["notice_days"], "notice_days"),
        shortest_notice_days=_whole(
            row["shortest_notice_days"], "shortest_notice_days", required=False
        ),
        language=row["language"].strip().lower() or current_app.config["BABEL_DEFAULT_LOCALE"],
        dpa_version=row["dpa_version"] or None,
        dpa_signed_on=_day(row["dpa_signed_on"], "dpa_signed_on"),
        contacts=_contacts(row["contacts"]),
        contract_ended_on=_day(row["contract_ended_on"], "contract_ended_on"),
    )


def _authorisation(text: str) -> Authorisation:
    try:
        return Authorisation(text.strip().lower())
    except ValueError:
        raise CustomerError(
            _("Write general or specific, not “%(text)s”.", text=text), field="authorisation"
        ) from None


def _whole(text: str, column: str, required: bool = True) -> int | None:
    """A whole number of days; None for a blank cell that is not `required`."""
    text = text.strip()
    if not text and not required:
        return None
    if not WHOLE.match(text):
        raise CustomerError(
            _("Write a whole number of days, not “%(text)s”.", text=text), field=column
        )
    return int(text)


def _day(text: str, column: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) == len("YYYY-MM-DD"):
        with suppress(ValueError):  # not a day: said below
            return date.fromisoformat(text)
    raise CustomerError(_("Write the day as YYYY-MM-DD, not “%(text)s”.", text=text), field=column)


def _contacts(text: str) -> list[ContactValues]:
    contacts = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        found = CONTACT.match(item)
        if found is None:
            raise CustomerError(
                _("Write each contact as Name <email> (role), not “%(text)s”.", text=item),
                field="contacts",
            )
        contacts.append(ContactValues(found["name"], found["email"], found["role"] or ""))
    return contacts
