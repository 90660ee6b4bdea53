"""Customers in the admin area: every role reads them; editors record and change them and add
contacts; only admins erase a contact. The export and the import are `admin_import_views`."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from registry import customers, labels, writes
from registry.admin import blueprint, requires
from registry.admin.forms import ConfirmForm
from registry.customers import webhook_panel
from registry.customers.forms import ContactForm, CustomerFilterForm, CustomerForm, EraseContactForm
from registry.extensions import db
from registry.i18n import current_language
from registry.models import Customer, CustomerContact, Entity, Service
from registry.models.accounts import Role
from registry.register.filling import NOT_CHOSEN, ids, terms

CUSTOMERS_PAGE_SIZE = 200
MAX_CUSTOMERS_PAGE = 100_000


@blueprint.get("/customers")
def customers_overview():
    form = CustomerFilterForm(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_CUSTOMERS_PAGE)
    unerased = (
        sa.select(sa.func.count(CustomerContact.id))
        .where(CustomerContact.customer_id == Customer.id, CustomerContact.erased_at.is_(None))
        .scalar_subquery()
    )
    query = (
        sa.select(Customer, unerased)
        .join(Customer.entity)
        .options(selectinload(Customer.services), selectinload(Customer.entity))
        .order_by(Customer.organisation, Customer.id)
    )
    text = (form.q.data or "").strip().lower() if form.validate() else ""
    if text:
        query = query.where(
            sa.or_(
                *(
                    sa.func.lower(column).contains(text, autoescape=True)
                    for column in (Customer.organisation, Customer.reference, Entity.name)
                )
            )
        )
    found = db.session.execute(
        query.limit(CUSTOMERS_PAGE_SIZE + 1).offset((page - 1) * CUSTOMERS_PAGE_SIZE)
    ).all()
    return render_template(
        "admin/customers.html",
        form=form,
        customers=found[:CUSTOMERS_PAGE_SIZE],
        page=page,
        more=len(found) > CUSTOMERS_PAGE_SIZE,
    )


@blueprint.get("/customers/new")
@requires(Role.EDITOR)
def new_customer():
    return render_template(
        "admin/customer_new.html", form=customer_form(), contact_form=_first_contact_form()
    )


@blueprint.post("/customers")
@requires(Role.EDITOR)
def create_customer():
    form = customer_form()
    contact_form = _first_contact_form()
    first_contact = any(contact_form[name].data for name in ("name", "email", "role"))
    if form.validate_on_submit() and (not first_contact or contact_form.validate()):
        contacts = [contact_values(contact_form)] if first_contact else []
        values = customer_values(form, contacts)
        customer = writes.into_form(
            lambda: customers.create_customer(values, current_user.email),
            form,
            contact_form,
            field="organisation",
        )
        if customer is not None:
            flash(_("The customer %(reference)s is recorded.", reference=customer.reference))
            return redirect(url_for("admin.customer", customer_id=customer.id))
    page = render_template("admin/customer_new.html", form=form, contact_form=contact_form)
    return page, 400


@blueprint.get("/customers/<id:customer_id>")
def customer(customer_id: int):
    return customer_page(db.get_or_404(Customer, customer_id))


@blueprint.post("/customers/<id:customer_id>/edit")
@requires(Role.EDITOR)
def edit_customer(customer_id: int):
    found = db.get_or_404(Customer, customer_id)
    form = customer_form(prefix="customer")
    if form.validate_on_submit():
        values = customer_values(form)
        changed = writes.into_form(
            lambda: customers.update_customer(found, values, current_user.email),
            form,
            field="organisation",
        )
        if not form.errors:
            flash(_("Saved.") if changed else _("Nothing changed."))
            return redirect(url_for("admin.customer", customer_id=customer_id))
    return customer_page(db.get_or_404(Customer, customer_id), status=400, form=form)


@blueprint.post("/customers/<id:customer_id>/contacts")
@requires(Role.EDITOR)
def add_customer_contact(customer_id: int):
    found = db.get_or_404(Customer, customer_id)
    form = ContactForm(prefix="contact")
    if form.validate_on_submit():
        values = contact_values(form)
        writes.into_form(
            lambda: customers.add_contact(found, values, current_user.email), form, field="email"
        )
        if not form.errors:
            return redirect(url_for("admin.customer", customer_id=customer_id))
    return customer_page(db.get_or_404(Customer, customer_id), status=400, contact_form=form)


@blueprint.post("/customers/<id:customer_id>/contacts/<id:contact_id>/erase")
@requires(Role.ADMIN)
def erase_customer_contact(customer_id: int, contact_id: int):
    """Erase a contact's name and address for good (GDPR Art. 17); the box must be ticked."""
    found = db.get_or_404(Customer, customer_id)
    contact = next((c for c in found.contacts if c.id == contact_id), None)
    if contact is None:
        abort(404)
    form = EraseContactForm(prefix=f"erase-{contact_id}")
    if not form.validate_on_submit():
        return customer_page(found, status=400, erase_forms={contact_id: form})
    writes.committed(lambda: customers.erase_contact(contact, current_user.email))
    flash(_("The contact's name and address are erased."))
    return redirect(url_for("admin.customer", customer_id=customer_id))


@blueprint.post("/customers/<id:customer_id>/feed-token")
@requires(Role.EDITOR)
def replace_customer_feed_token(customer_id: int):
    found = db.get_or_404(Customer, customer_id)
    if not ConfirmForm().validate_on_submit():
        return customer_page(found, status=400)
    writes.committed(lambda: customers.replace_feed_token(found, current_user.email))
    flash(_("The private feeds have a new address; the old one no longer works."))
    return redirect(url_for("admin.customer", customer_id=customer_id))


def customer_page(found: Customer, status: int = 200, **forms):
    """The customer with every form that applies to it; `forms` replaces some with filled
    ones."""
    erase_forms = {
        contact.id: EraseContactForm(prefix=f"erase-{contact.id}", formdata=None)
        for contact in found.contacts
    } | forms.pop("erase_forms", {})
    webhooks = webhook_panel.panel(
        found,
        lambda name, endpoint_id: _webhook_action(found.id, name, endpoint_id),
        forms.pop("webhook_form", None),
        forms.pop("shown", None),
    )
    defaults = {
        "form": customer_form(prefix="customer", customer=found),
        "contact_form": ContactForm(prefix="contact", formdata=None),
        "erase_forms": erase_forms,
    }
    page = render_template(
        "admin/customer.html",
        customer=found,
        authorisations=labels.AUTHORISATIONS,
        webhooks=webhooks,
        **(defaults | forms),
    )
    return page, status


def _webhook_action(customer_id: int, name: str, endpoint_id: int | None) -> str:
    if endpoint_id is None:
        return url_for(f"admin.{name}_customer_webhook", customer_id=customer_id)
    return url_for(
        f"admin.{name}_customer_webhook", customer_id=customer_id, endpoint_id=endpoint_id
    )


def customer_form(prefix: str = "", customer: Customer | None = None) -> CustomerForm:
    """The customer's form: empty (with the configured notice period), or filled with the
    customer as recorded, or (neither) with what was posted."""
    if customer is not None:  # not the posted data of another form on the page
        form = CustomerForm(prefix=prefix, formdata=None, data=_customer_data(customer))
    elif request.method == "GET":
        notice_days = current_app.config["NOTICE_WINDOW_DAYS"]
        form = CustomerForm(prefix=prefix, data={"notice_days": notice_days})
    else:
        form = CustomerForm(prefix=prefix)
    language = current_language()
    form.entity.choices = [NOT_CHOSEN] + [
        SelectChoice(str(entity.id), entity.name)
        for entity in db.session.scalars(sa.select(Entity).order_by(Entity.name))
    ]
    form.services.choices = terms(Service, language)
    form.language.choices = [
        SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
    ]
    return form


def customer_values(form: CustomerForm, contacts=()) -> customers.CustomerValues:
    allowed = form.shorter_notice_allowed.data
    return customers.CustomerValues(
        organisation=form.organisation.data,
        reference=form.reference.data,
        entity_id=int(form.entity.data),
        service_ids=ids(form.services),
        authorisation=form.authorisation.data,
        notice_days=form.notice_days.data,
        shortest_notice_days=form.shortest_notice_days.data if allowed else None,
        language=form.language.data,
        dpa_version=form.dpa_version.data or None,
        dpa_signed_on=form.dpa_signed_on.data,
        contacts=list(contacts),
        contract_ended_on=form.contract_ended_on.data,
    )


def contact_values(form: ContactForm) -> customers.ContactValues:
    return customers.ContactValues(form.name.data, form.email.data, form.role.data or "")


def _first_contact_form() -> ContactForm:
    """The new customer's first contact, optional, sent with the customer's form and token."""
    return ContactForm(prefix="contact", meta={"csrf": False})


def _customer_data(customer: Customer) -> dict:
    return {
        "organisation": customer.organisation,
        "reference": customer.reference,
        "entity": str(customer.entity_id),
        "services": [str(service.id) for service in customer.services],
        "authorisation": customer.authorisation.value,
        "notice_days": customer.notice_days,
        "shorter_notice_allowed": customer.shortest_notice_days is not None,
        "shortest_notice_days": customer.shortest_notice_days,
        "language": customer.language,
        "dpa_version": customer.dpa_version,
        "dpa_signed_on": customer.dpa_signed_on,
        "contract_ended_on": customer.contract_ended_on,
    }
