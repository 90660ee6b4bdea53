"""Importing customers from a table (`sheets`): first a preview, then its application in one
transaction, all or nothing.

A row's key is its reference: a new reference is created with `create_customer`, a known one
changed with `update_customer`, and the contacts of the row that the customer does not have yet
are added with `add_contact`. Contacts the customer has and the row lacks are kept: erasing one
is a deliberate act, on the customer's page. A row that cannot be stored as it stands is refused
with its reason and skipped; the others are applied.

`plan` says what a file would do to the register as it stands, and writes nothing. The upload
is kept (`store_preview`) until it is applied (`applying`) or expires; its rows, which hold the
contacts' names and addresses, are emptied then. Both steps are on the audit trail.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import PurePath

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from registry import audit, clock, customers
from registry.customers import CustomerError, CustomerValues
from registry.customers.rows import customer_values
from registry.customers.sheets import EXAMPLE_REFERENCE, LIST_SEPARATOR
from registry.extensions import db
from registry.models import (
    Authorisation,
    Customer,
    CustomerImport,
    Entity,
    ImportState,
    Service,
)
from registry.single_line import one_line

PREVIEW_HOURS = 24
# The service's fields, as the file's columns name them.
COLUMN_OF_FIELD = {"entity": "entity", "name": "contacts", "email": "contacts", "role": "contacts"}
CONTRACT_COLUMNS = (
    "organisation",
    "entity",
    "services",
    "authorisation",
    "notice_days",
    "shortest_notice_days",
    "dpa_version",
    "dpa_signed_on",
    "language",
    "contract_ended_on",
)
CREATED, CHANGED, UNCHANGED, REFUSED = "created", "changed", "unchanged", "refused"
OUTCOMES = (CREATED, CHANGED, UNCHANGED, REFUSED)


class ImportRefused(CustomerError):
    """The file cannot be applied as asked: already applied, expired, or nothing to apply."""


@dataclass
class RowPlan:
    """What one row of the file does, or why it is refused."""

    row: int
    reference: str
    outcome: str
    reason: str = ""
    organisation: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # column, before, after
    new_contacts: list[str] = field(default_factory=list)
    kept_contacts: list[str] = field(default_factory=list)  # the customer's, not in the file
    values: CustomerValues | None = None
    customer: Customer | None = None


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    def of(self, outcome: str) -> list[RowPlan]:
        return [row for row in self.rows if row.outcome == outcome]

    @property
    def applicable(self) -> list[RowPlan]:
        return [row for row in self.rows if row.outcome in (CREATED, CHANGED)]

    def counts(self) -> dict[str, int]:
        counted = Counter(row.outcome for row in self.rows)
        return {outcome: counted[outcome] for outcome in OUTCOMES}


def plan(rows: list[dict]) -> ImportPlan:
    """What applying `rows` (as `sheets.Table.rows` reads them) would do to the register as it
    stands. Reads only."""
    references = Counter(row["reference"].strip() for row in rows)
    register = _Register(list(references))
    return ImportPlan([_plan_row(row, register, references) for row in rows])


def store_preview(filename: str, rows: list[dict], actor: str) -> CustomerImport:
    """Keep an uploaded file's rows until it is applied, for `PREVIEW_HOURS`; the rows of
    previews that expired meanwhile are emptied. The caller commits."""
    expired = db.session.scalars(
        sa.select(CustomerImport).where(
            CustomerImport.state == ImportState.PENDING,
            CustomerImport.uploaded_at < clock.now() - timedelta(hours=PREVIEW_HOURS),
        )
    )
    for old in expired:
        old.rows = []
    name = one_line(PurePath(filename.replace("\\", "/")).name)[:255] or "?"
    kept = CustomerImport(
        uploaded_by=actor,
        uploaded_at=clock.now(),
        filename=name,
        rows=rows,
        state=ImportState.PENDING,
    )
    db.session.add(kept)
    db.session.flush()
    audit.record(
        actor,
        "customers.import_previewed",
        "customer_import",
        kept.id,
        after={"filename": name, "rows": len(rows)},
    )
    return kept


def expired(customer_import: CustomerImport) -> bool:
    deadline = customer_import.uploaded_at + timedelta(hours=PREVIEW_HOURS)
    return customer_import.state == ImportState.PENDING and clock.now() >= deadline


def check_applicable(customer_import: CustomerImport) -> ImportPlan:
    """The plan of a previewed file that may be applied now. Raises ImportRefused when it was
    applied already, its preview expired, or no row of it can be applied. Reads only."""
    if customer_import.state == ImportState.APPLIED:
        raise ImportRefused(_("This file has been applied already; nothing was done again."))
    if expired(customer_import):
        raise ImportRefused(
            _(
                "This preview has expired after %(hours)d hours: upload the file again.",
                hours=PREVIEW_HOURS,
            )
        )
    checked = plan(customer_import.rows)
    if not checked.applicable:
        raise ImportRefused(_("No row of this file can be applied: there is nothing to confirm."))
    return checked


def applying(customer_import: CustomerImport, actor: str) -> Iterator[tuple[int, int]]:
    """Apply a previewed file in the caller's transaction, row by row, each row through the
    customers' services, each in a savepoint. Yields (rows done, rows to apply): once when
    everything is checked and before anything is written, then after each row. Returns (as
    the generator's value) the plan as applied: a row the services refuse now, unlike the
    preview, is refused with its reason and nothing of it is stored; the rest stand. Raises
    ImportRefused (`check_applicable`) before the first yield. The caller commits."""
    done = check_applicable(customer_import)
    todo = done.applicable
    yield 0, len(todo)
    for count, row in enumerate(todo, start=1):
        try:
            with db.session.begin_nested():
                _apply_row(row, actor)
        except CustomerError as error:
            row.outcome, row.reason = REFUSED, _reason(error)
        yield count, len(todo)
    _record_applied(customer_import, done, actor)
    return done


def apply_import(customer_import: CustomerImport, actor: str) -> ImportPlan:
    """`applying` at once, without progress. Raises ImportRefused. The caller commits."""
    steps = applying(customer_import, actor)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value


def _record_applied(customer_import: CustomerImport, done: ImportPlan, actor: str) -> None:
    customer_import.state = ImportState.APPLIED
    customer_import.applied_at = clock.now()
    customer_import.applied_by = actor
    customer_import.summary = done.counts()
    customer_import.rows = []  # the register holds what was applied; the names go
    audit.record(
        actor,
        "customers.imported",
        "customer_import",
        customer_import.id,
        after={"filename": customer_import.filename, **done.counts()},
    )


def _apply_row(row: RowPlan, actor: str) -> None:
    if row.customer is None:
        customers.create_customer(row.values, actor)
        return
    customers.update_customer(row.customer, row.values, actor)
    for contact in row.values.contacts:
        if contact.email not in _addresses(row.customer):
            customers.add_contact(row.customer, contact, actor)


class _Register:
    """What the rows are checked against: the entities, the services and the customers whose
    references the file names, each read once."""

    def __init__(self, references: list[str]) -> None:
        self.entities = {
            entity.name.casefold(): entity for entity in db.session.scalars(sa.select(Entity))
        }
        self.services = {
            service.code: service for service in db.session.scalars(sa.select(Service))
        }
        self.customers: dict[str, Customer] = {}
        wanted = sorted({reference for reference in references if reference})
        for start in range(0, len(wanted), 500):
            found = db.session.scalars(
                sa.select(Customer)
                .where(Customer.reference.in_(wanted[start : start + 500]))
                .options(
                    selectinload(Customer.entity),
                    selectinload(Customer.services),
                    selectinload(Customer.contacts),
                )
            )
            self.customers.update((customer.reference, customer) for customer in found)


def _plan_row(row: dict, register: _Register, references: Counter) -> RowPlan:
    number, reference = row["row"], row["reference"].strip()
    try:
        _refuse_reference(reference, references)
        values = customers.checked_values(
            customer_values(row, register.entities, register.services)
        )
        values = replace(values, contacts=customers.checked_contacts(values.contacts))
    except CustomerError as error:
        return RowPlan(number, reference, REFUSED, reason=_reason(error))
    existing = register.customers.get(reference)
    shown = [_contact_text(contact) for contact in values.contacts]
    after = _contract(values, register)
    if existing is None:
        return RowPlan(
            number,
            reference,
            CREATED,
            organisation=values.organisation,
            new_contacts=shown,
            values=values,
        )
    before = _stored_contract(existing)
    changes = [(column, before[column], after[column]) for column in CONTRACT_COLUMNS]
    changes = [change for change in changes if change[1] != change[2]]
    known, given = _addresses(existing), {contact.email for contact in values.contacts}
    new = [
        text
        for contact, text in zip(values.contacts, shown, strict=True)
        if contact.email not in known
    ]
    kept = [
        _contact_text(contact)
        for contact in existing.contacts
        if contact.erased_at is None and contact.email not in given
    ]
    outcome = CHANGED if changes or new else UNCHANGED
    return RowPlan(
        number,
        reference,
        outcome,
        organisation=values.organisation,
        changes=changes,
        new_contacts=new,
        kept_contacts=kept,
        values=values,
        customer=existing,
    )


def _refuse_reference(reference: str, references: Counter) -> None:
    if not reference:
        raise CustomerError(_("Give the customer's reference."), field="reference")
    if reference == EXAMPLE_REFERENCE:
        raise CustomerError(
            _("This is the template's example row: replace it with a real customer."),
            field="reference",
        )
    if references[reference] > 1:
        raise CustomerError(
            _(
                "The reference %(reference)s is on %(count)d rows of the file: give each "
                "customer once.",
                reference=reference,
                count=references[reference],
            ),
            field="reference",
        )


def _reason(error: CustomerError) -> str:
    column = COLUMN_OF_FIELD.get(error.field or "", error.field)
    return f"{column}: {error}" if column else str(error)


def _contract(values: CustomerValues, register: _Register) -> dict[str, str]:
    codes = sorted(
        service.code for service in register.services.values() if service.id in values.service_ids
    )
    entity = next(e for e in register.entities.values() if e.id == values.entity_id)
    return _shown(values, entity.name, codes)


def _stored_contract(customer: Customer) -> dict[str, str]:
    return _shown(customer, customer.entity.name, sorted(s.code for s in customer.services))


def _shown(record, entity_name: str, codes: list[str]) -> dict[str, str]:
    """A contract's columns as the preview shows them, the same for a row and a customer."""
    return {
        "organisation": record.organisation,
        "entity": entity_name,
        "services": LIST_SEPARATOR.join(codes),
        "authorisation": Authorisation(record.authorisation).value,
        "notice_days": str(record.notice_days),
        "shortest_notice_days": str(record.shortest_notice_days or ""),
        "dpa_version": record.dpa_version or "",
        "dpa_signed_on": record.dpa_signed_on.isoformat() if record.dpa_signed_on else "",
        "language": record.language,
        "contract_ended_on": (
            record.contract_ended_on.isoformat() if record.contract_ended_on else ""
        ),
    }


def _addresses(customer: Customer) -> set[str]:
    return {contact.email for contact in customer.contacts if contact.erased_at is None}


def _contact_text(contact) -> str:
    text = f"{contact.name} <{contact.email}>"
    return f"{text} ({contact.role})" if contact.role else text
