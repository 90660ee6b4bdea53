"""Objecting to an announced change: the form, the confirmation by email, the objection's state.

The form answers the same whatever the address (a first objection, a repeated one, one already
confirmed), so it tells nobody whether someone objected. The links in the emails are signed and
expire; following one shows a page with a button, since mail scanners open links by themselves.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry import clock, labels, objections, tokens, writes
from registry.accounts import AccountError, normalised_email
from registry.customers import notices as customer_notices
from registry.extensions import db, limiter
from registry.http_guards import form_accepted
from registry.i18n import current_language
from registry.links import signed_value
from registry.models import (
    ChangeNotice,
    CustomerContact,
    Objection,
    ObjectionState,
    Subscriber,
    SubscriptionState,
)
from registry.notices.records import notice_record
from registry.objections.forms import ConfirmObjectionForm, ObjectionForm
from registry.public import blueprint


@blueprint.route("/changes/<id:notice_id>/object", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], deduct_when=form_accepted)
def object_to_change(notice_id: int):
    notice = _notice(notice_id)
    # From a customer's view or notice email: the contact is known, with its own deadline.
    contact = _known_contact(request.values.get("contact"), notice)
    later_customers_only = False
    try:
        objections.ensure_open(notice, contact.customer_id if contact else None)
    except objections.WindowClosed as closed:
        # A customer whose contract gives a later deadline may still object, giving its
        # reference and a registered contact's address; the service checks which it is.
        later_customers_only = contact is None and objections.open_to_a_customer(notice)
        if not later_customers_only:
            # Nothing is stored: the page says why, with the deadline.
            status = 409 if request.method == "POST" else 200
            page = render_template(
                "public/object.html", notice=notice_record(notice), closed=str(closed), form=None
            )
            return page, status
    form = ObjectionForm()
    if not form.is_submitted():
        form.subscriber.data = request.args.get("subscriber", "")
        form.contact.data = request.args.get("contact", "")
        if contact is not None:
            _prefill(form, contact)
    subscriber = _known_subscriber(form.subscriber.data, notice)
    if subscriber is not None and not form.is_submitted():
        form.contact_email.data = subscriber.email
    if subscriber is not None or contact is not None:
        form.contact_email.description = ""  # no link to confirm: the address is known
    if form.validate_on_submit():
        try:
            objection = _submit(notice, form, subscriber, contact)
        except objections.WindowClosed as closed:  # the deadline passed while the form was open
            page = render_template(
                "public/object.html", notice=notice_record(notice), closed=str(closed), form=None
            )
            return page, 409
        except objections.ObjectionError as error:
            form.contact_email.errors.append(str(error))
        else:
            if objection.state is not ObjectionState.UNCONFIRMED:
                state_token = tokens.sign(tokens.Purpose.OBJECTION_STATE, objection.id)
                return redirect(url_for("public.objection_state", token=state_token, confirmed=1))
            return redirect(url_for("public.objection_sent", notice_id=notice.id))
    status = 400 if form.errors else 200
    return render_template(
        "public/object.html",
        notice=_as_seen_by(notice_record(notice), contact),
        form=form,
        closed=None,
        known=subscriber is not None or contact is not None,
        later_customers_only=later_customers_only,
    ), status


@blueprint.get("/changes/<id:notice_id>/object/sent")
def objection_sent(notice_id: int):
    return render_template("public/objection_sent.html", notice=notice_record(_notice(notice_id)))


@blueprint.route("/objections/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def confirm_objection(token: str):
    objection = _objection_from(tokens.Purpose.CONFIRM_OBJECTION, token)
    form = ConfirmObjectionForm(obj=objection)
    if objection.state is ObjectionState.UNCONFIRMED and form.validate_on_submit():
        writes.or_conflict(lambda: objections.confirm(objection, form.values(objection)))
    if objection.state is not ObjectionState.UNCONFIRMED:
        state_token = tokens.sign(tokens.Purpose.OBJECTION_STATE, objection.id)
        return redirect(url_for("public.objection_state", token=state_token, confirmed=1))
    others = [
        (other, tokens.sign(tokens.Purpose.CONFIRM_OBJECTION, other.id))
        for other in objections.awaiting_confirmation_beside(objection)
    ]
    page = render_template(
        "public/objection_confirm.html",
        objection=objection,
        form=form,
        notice=notice_record(objection.notice),
        others=others,
    )
    return page, 400 if form.errors else 200


@blueprint.get("/objections/<token>")
def objection_state(token: str):
    objection = _objection_from(tokens.Purpose.OBJECTION_STATE, token)
    return render_template(
        "public/objection.html",
        objection=objection,
        notice=notice_record(objection.notice),
        submitted_at=clock.local_and_utc(objection.submitted_at),
        confirmed_at=clock.local_and_utc(objection.confirmed_at)
        if objection.confirmed_at
        else None,
        state_name=labels.OBJECTION_STATES[objection.state],
        outcome_name=labels.OBJECTION_OUTCOMES.get(objection.outcome),
        just_confirmed=request.args.get("confirmed") == "1",
    )


def _known_subscriber(token: str | None, notice: ChangeNotice) -> Subscriber | None:
    """The confirmed subscriber whose notice email's link this is, for this notice only."""
    signed = _signed_for(tokens.Purpose.SUBSCRIBER_OBJECTION, token, notice)
    subscriber = db.session.get(Subscriber, signed) if signed is not None else None
    if subscriber is None or subscriber.state is not SubscriptionState.CONFIRMED:
        return None
    return subscriber


def _known_contact(token: str | None, notice: ChangeNotice) -> CustomerContact | None:
    """The customer's contact whose signed link this is (from its view or its notice email),
    for this notice only, while the contact is on the customer's list and its contract runs."""
    signed = _signed_for(tokens.Purpose.CUSTOMER_OBJECTION, token, notice)
    contact = db.session.get(CustomerContact, signed) if signed is not None else None
    if contact is None or contact.erased_at is not None:
        return None
    return contact if contact.customer.contract_ended_on is None else None


def _signed_for(purpose: tokens.Purpose, token: str | None, notice: ChangeNotice) -> int | None:
    """The id signed with this notice's into `token` ([id, notice]), if the token is valid."""
    if not token:
        return None
    try:
        signed = tokens.read(purpose, token)
    except (tokens.TokenExpired, tokens.TokenInvalid):
        return None
    if not (isinstance(signed, list) and len(signed) == 2 and signed[1] == notice.id):
        return None
    return signed[0] if isinstance(signed[0], int) else None


def _prefill(form: ObjectionForm, contact: CustomerContact) -> None:
    form.organisation.data = contact.customer.organisation
    form.customer_reference.data = contact.customer.reference
    form.contact_name.data = contact.name
    form.contact_email.data = contact.email


def _as_seen_by(notice: dict, contact: CustomerContact | None) -> dict:
    """The notice with the contact's customer's own deadline, where it has one."""
    record = customer_notices.record_for(notice["id"], contact.customer_id) if contact else None
    if record is None:
        return notice
    return notice | {
        "objection_deadline": clock.utc_text(record.objection_deadline),
        "objection_deadline_local": clock.local_text(record.objection_deadline),
    }


def _submit(
    notice: ChangeNotice,
    form: ObjectionForm,
    subscriber: Subscriber | None,
    contact: CustomerContact | None = None,
):
    known = False
    holder = contact or subscriber
    if holder is not None:
        try:
            known = normalised_email(form.contact_email.data) == holder.email
        except AccountError:
            known = False
    # The contact's own address: the objection binds its customer and counts at once.
    bound = contact if known else None
    # The same objection submitted twice at the same moment: the second finds the first.
    return writes.committed(
        lambda: objections.submit(notice, form.values(), current_language(), known, contact=bound)
    )


def _notice(notice_id: int) -> ChangeNotice:
    notice = db.session.get(ChangeNotice, notice_id)
    if notice is None:
        abort(404, description=_("There is no change notice with number %(id)s.", id=notice_id))
    return notice


def _objection_from(purpose: tokens.Purpose, token: str) -> Objection:
    try:
        objection_id = signed_value(purpose, token)
    except tokens.TokenExpired:
        if purpose is tokens.Purpose.CONFIRM_OBJECTION:
            abort(
                400,
                description=_(
                    "This confirmation link has expired. Submit the objection "
                    "again from the notice's page to get a new one."
                ),
            )
        abort(
            400,
            description=_(
                "This link has expired. Write to the data protection officer "
                "for the state of your objection."
            ),
        )
    objection = db.session.get(Objection, objection_id) if isinstance(objection_id, int) else None
    if objection is None:
        abort(404, description=_("This objection no longer exists."))
    return objection
