"""Customers and their contacts, kept by the legal team; every step is on the audit trail.

A customer is recorded with what its contract says about notices: the entity it contracts with,
the services it uses, its addendum (version, date, general or specific authorisation), its
notice period and the shortest notice the contract allows, and the language of its emails.
Its contacts receive the notices. They are personal data: the trail knows each only by a
random pseudonym, and erasing one removes the name and address everywhere, the trail included
by construction.

How each change notice applies to each customer is `registry.customers.notices`.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, clock, outbox
from registry.accounts import AccountError, normalised_email
from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    Authorisation,
    Customer,
    CustomerContact,
    Entity,
    Service,
)
from registry.single_line import has_line_breaks

ERASED = "erased"
LONGEST_NOTICE_DAYS = 365


class CustomerError(DomainError):
    """A customer or contact cannot be stored as asked; the message says why."""


@dataclass(frozen=True)
class ContactValues:
    name: str
    email: str
    role: str = ""


@dataclass(frozen=True)
class CustomerValues:
    organisation: str
    reference: str
    entity_id: int
    service_ids: list[int]
    authorisation: Authorisation
    notice_days: int
    shortest_notice_days: int | None = None
    language: str = "en"
    dpa_version: str | None = None
    dpa_signed_on: date | None = None
    contacts: list[ContactValues] = field(default_factory=list)
    # Set when the contract ended: no more notices go to the customer.
    contract_ended_on: date | None = None


def create_customer(values: CustomerValues, actor: str) -> Customer:
    """Record a customer with its contacts. Raises CustomerError. The caller commits."""
    checked = checked_values(values)
    _refuse_taken_reference(checked.reference)
    customer = Customer(created_at=clock.now(), feed_token=_new_token(), contacts=[])
    _apply(customer, checked)
    db.session.add(customer)
    for contact in checked_contacts(values.contacts):
        customer.contacts.append(_new_contact(contact))
    db.session.flush()
    audit.record(
        actor, "customer.created", "customer", customer.id, after=customer_snapshot(customer)
    )
    return customer


def update_customer(customer: Customer, values: CustomerValues, actor: str) -> bool:
    """Change what is recorded of a customer's contract; its contacts are changed one by one
    (`add_contact`, `erase_contact`). Returns whether anything changed. Raises CustomerError.
    The caller commits."""
    checked = checked_values(values)
    if checked.reference != customer.reference:
        _refuse_taken_reference(checked.reference)
    before = customer_snapshot(customer)
    _apply(customer, checked)
    db.session.flush()
    after = customer_snapshot(customer)
    if after == before:
        return False
    audit.record(actor, "customer.updated", "customer", customer.id, before=before, after=after)
    return True


def add_contact(customer: Customer, values: ContactValues, actor: str) -> CustomerContact:
    """Add a person who receives the customer's notices. Raises CustomerError. The caller
    commits."""
    (checked,) = checked_contacts([values])
    if any(contact.email == checked.email for contact in customer.contacts):
        raise CustomerError(
            _("%(email)s is already a contact of this customer.", email=checked.email),
            field="email",
        )
    before = customer_snapshot(customer)
    contact = _new_contact(checked)
    customer.contacts.append(contact)
    db.session.flush()
    audit.record(
        actor,
        "customer.contact_added",
        "customer",
        customer.id,
        before=before,
        after=customer_snapshot(customer),
    )
    return contact


def erase_contact(contact: CustomerContact, actor: str) -> None:
    """Forget a contact's name and address (GDPR Art. 17): the row stays, under its pseudonym,
    so that the record of what the customer was sent stays whole; nothing more goes to it and
    the outbox keeps only that messages were sent. Erasing twice changes nothing. The caller
    commits."""
    if contact.erased_at is not None:
        return
    before = customer_snapshot(contact.customer)
    outbox.forget_recipient(contact.email, ERASED)
    outbox.cancel_for_contact(contact.id)
    contact.name = None
    contact.email = None
    contact.erased_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "customer.contact_erased",
        "customer",
        contact.customer_id,
        before=before,
        after=customer_snapshot(contact.customer),
    )


def replace_feed_token(customer: Customer, actor: str) -> None:
    """Give the customer's private feeds a new address; the old one stops working. The caller
    commits."""
    customer.feed_token = _new_token()
    audit.record(actor, "customer.feed_token_replaced", "customer", customer.id)


def customer_snapshot(customer: Customer) -> dict:
    """What the trail keeps of a customer: its contract, and its contacts by pseudonym only."""
    return {
        "organisation": customer.organisation,
        "reference": customer.reference,
        "entity": customer.entity.name if customer.entity else None,
        "services": sorted(service.code for service in customer.services),
        "dpa_version": customer.dpa_version,
        "dpa_signed_on": customer.dpa_signed_on.isoformat() if customer.dpa_signed_on else None,
        "authorisation": customer.authorisation.value,
        "notice_days": customer.notice_days,
        "shortest_notice_days": customer.shortest_notice_days,
        "language": customer.language,
        "contract_ended_on": (
            customer.contract_ended_on.isoformat() if customer.contract_ended_on else None
        ),
        "contacts": [
            contact.pseudonym for contact in customer.contacts if contact.erased_at is None
        ],
    }


def contact_for(reference: str, email: str) -> CustomerContact | None:
    """The registered, unerased contact with this address at the customer with this
    reference, if any."""
    try:
        address = normalised_email(email)
    except AccountError:
        return None
    return db.session.scalar(
        sa.select(CustomerContact)
        .join(Customer)
        .where(
            Customer.reference == reference.strip(),
            CustomerContact.email == address,
            CustomerContact.erased_at.is_(None),
        )
    )


def contacts_with_address(email: str) -> list[CustomerContact]:
    """Every registered, unerased contact with this address."""
    try:
        address = normalised_email(email)
    except AccountError:
        return []
    return list(
        db.session.scalars(
            sa.select(CustomerContact)
            .where(CustomerContact.email == address, CustomerContact.erased_at.is_(None))
            .order_by(CustomerContact.id)
        )
    )


def _apply(customer: Customer, values: CustomerValues) -> None:
    customer.organisation = values.organisation
    customer.reference = values.reference
    customer.entity_id = values.entity_id
    customer.entity = db.session.get(Entity, values.entity_id)
    customer.services = list(
        db.session.scalars(sa.select(Service).where(Service.id.in_(values.service_ids)))
    )
    customer.authorisation = values.authorisation
    customer.notice_days = values.notice_days
    customer.shortest_notice_days = values.shortest_notice_days
    customer.language = values.language
    customer.dpa_version = values.dpa_version
    customer.dpa_signed_on = values.dpa_signed_on
    customer.contract_ended_on = values.contract_ended_on


def checked_values(values: CustomerValues) -> CustomerValues:
    """The values trimmed, or CustomerError naming the field that is wrong (the reference is
    not looked up: `create_customer` and `update_customer` refuse one already taken)."""
    organisation = _line(values.organisation, "organisation", 200)
    if not organisation:
        raise CustomerError(_("Give the customer's organisation."), field="organisation")
    reference = _line(values.reference, "reference", 100)
    if not reference:
        raise CustomerError(_("Give the customer's reference."), field="reference")
    if db.session.get(Entity, values.entity_id) is None:
        raise CustomerError(_("Choose the entity of ours the customer contracts with."), "entity")
    service_ids = sorted(set(values.service_ids))
    known = db.session.scalars(sa.select(Service.id).where(Service.id.in_(service_ids))).all()
    if not service_ids or len(known) != len(service_ids):
        raise CustomerError(_("Choose the services the customer uses."), field="services")
    if not 1 <= values.notice_days <= LONGEST_NOTICE_DAYS:
        raise CustomerError(
            _(
                "A notice period is from 1 to %(days)d days.",
                days=LONGEST_NOTICE_DAYS,
            ),
            field="notice_days",
        )
    shortest = values.shortest_notice_days
    if shortest is not None and not 1 <= shortest <= values.notice_days:
        raise CustomerError(
            _(
                "The shortest notice the contract allows is from 1 day to the notice period "
                "(%(days)d days).",
                days=values.notice_days,
            ),
            field="shortest_notice_days",
        )
    if values.language not in current_app.config["LANGUAGES"]:
        raise CustomerError(
            _(
                "Choose a language the registry writes in: %(languages)s.",
                languages=", ".join(current_app.config["LANGUAGES"]),
            ),
            field="language",
        )
    dpa_version = _line(values.dpa_version or "", "dpa_version", 40) or None
    return CustomerValues(
        organisation=organisation,
        reference=reference,
        entity_id=values.entity_id,
        service_ids=service_ids,
        authorisation=Authorisation(values.authorisation),
        notice_days=values.notice_days,
        shortest_notice_days=shortest,
        language=values.language,
        dpa_version=dpa_version,
        dpa_signed_on=values.dpa_signed_on,
        contacts=values.contacts,
        contract_ended_on=values.contract_ended_on,
    )


def checked_contacts(contacts: list[ContactValues]) -> list[ContactValues]:
    """The contacts trimmed, their addresses normalised, or CustomerError naming the field
    that is wrong (an address given twice included)."""
    checked, seen = [], set()
    for contact in contacts:
        name = _line(contact.name, "name", 200)
        if not name:
            raise CustomerError(_("Give the contact's name."), field="name")
        try:
            email = normalised_email(contact.email)
        except AccountError as error:
            raise CustomerError(str(error), field="email") from None
        if email in seen:
            raise CustomerError(
                _("%(email)s is given twice as a contact.", email=email), field="email"
            )
        seen.add(email)
        checked.append(ContactValues(name, email, _line(contact.role, "role", 100)))
    return checked


def _new_contact(values: ContactValues) -> CustomerContact:
    return CustomerContact(
        pseudonym="contact-" + secrets.token_hex(8),
        name=values.name,
        email=values.email,
        role=values.role,
    )


def _refuse_taken_reference(reference: str) -> None:
    taken = db.session.scalar(sa.select(Customer.id).where(Customer.reference == reference))
    if taken is not None:
        raise CustomerError(
            _("There is already a customer with the reference %(reference)s.", reference=reference),
            field="reference",
        )


def _line(text: str, name: str, longest: int) -> str:
    text = (text or "").strip()
    if has_line_breaks(text):
        raise CustomerError(_("This field takes one line."), field=name)
    if len(text) > longest:
        raise CustomerError(
            _("This field takes at most %(count)d characters.", count=longest), field=name
        )
    return text


def _new_token() -> str:
    return secrets.token_urlsafe(32)
