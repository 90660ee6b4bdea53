"""A customer's own view, reached without a password: its contacts ask for a signed link by
email, and the link shows the register as it applies to the customer, its upcoming changes with
its own deadlines (to approve or object to), its past changes and where each stands for it,
what was sent to it, and its private feeds.

The request form answers the same whatever the address, so it tells nobody who is a contact.
The link is the proof: it signs the contact, expires (`tokens.Purpose.CUSTOMER_VIEW`), and stops
working once the contact is erased or the contract ends. The page is kept by no cache.
"""

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry import customers, labels, tokens, writes
from registry.customers import notices as customer_notices
from registry.customers import proof, records, webhook_panel
from registry.customers.forms import ViewLinkForm
from registry.customers.view_links import send_view_links
from registry.extensions import db, limiter
from registry.http_guards import form_accepted
from registry.i18n import current_language
from registry.links import public_url, signed_value
from registry.models import CustomerContact
from registry.public import access, blueprint
from registry.subscriptions.forms import ButtonForm

FEED_FORMATS = {
    "atom": "public.customer_feed_atom",
    "rss": "public.customer_feed_rss",
    "json": "public.customer_feed_json",
    "ics": "public.customer_calendar",
}


@blueprint.route("/customer", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], deduct_when=form_accepted)
def customer_access():
    form = ViewLinkForm()
    if form.validate_on_submit():
        writes.committed(lambda: send_view_links(form.email.data))
        return redirect(url_for("public.customer_access_sent"))
    page = render_template("customer/access.html", form=form, expired=False)
    return page, 400 if form.errors else 200


@blueprint.get("/customer/sent")
def customer_access_sent():
    return render_template("customer/access_sent.html")


@blueprint.get("/customer/<token>")
def customer_view(token: str):
    contact = contact_from(token)
    if contact is None:
        return expired_link()
    return view_page(contact, token)


def view_page(contact: CustomerContact, token: str, status: int = 200, **webhook_forms):
    """The customer's own view for the contact; `webhook_forms` gives the webhook panel a
    filled form (`webhook_form`) or the secret just made (`shown`)."""
    customer = contact.customer
    language = current_language()
    register = records.register_for(customer, language)
    upcoming, past = records.changes_for(customer)
    changes = {change["notice"]["id"]: change["notice"] for change in [*upcoming, *past]}
    page = render_template(
        "customer/view.html",
        contact=contact,
        customer=customer,
        token=token,
        register=register if access.verdicts_published() else access.facts_only(register),
        upcoming=upcoming,
        past=past,
        objection_links=_objection_links(contact, upcoming),
        deliveries=proof.deliveries(customer_id=customer.id),
        notices=changes,
        feeds={name: _feed_url(endpoint, customer) for name, endpoint in FEED_FORMATS.items()},
        form=ButtonForm(),
        done=request.args.get("done"),
        authorisation=labels.AUTHORISATIONS[customer.authorisation],
        link_days=tokens.Purpose.CUSTOMER_VIEW.lifetime.days,
        webhooks=webhook_panel.panel(
            customer,
            lambda name, endpoint_id: _webhook_action(token, name, endpoint_id),
            webhook_forms.get("webhook_form"),
            webhook_forms.get("shown"),
        ),
    )
    response = make_response(page, status)
    response.cache_control.no_store = True  # names and deliveries: for the link's holder only
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@blueprint.post("/customer/<token>/changes/<id:notice_id>/approve")
def customer_approve(token: str, notice_id: int):
    contact = contact_from(token)
    if contact is None:
        return expired_link()
    record = customer_notices.record_for(notice_id, contact.customer_id)
    if record is None:
        abort(
            404,
            description=_(
                "Change notice %(id)s does not concern %(customer)s.",
                id=notice_id,
                customer=contact.customer.organisation,
            ),
        )
    writes.or_conflict(
        lambda: customer_notices.approve(record, contact.pseudonym, contact.pseudonym)
    )
    return back_to_view(token, "approved", f"change-{notice_id}")


@blueprint.post("/customer/<token>/feed-token")
def customer_feed_token(token: str):
    contact = contact_from(token)
    if contact is None:
        return expired_link()
    writes.committed(lambda: customers.replace_feed_token(contact.customer, contact.pseudonym))
    return back_to_view(token, "feed_token", "feeds")


def contact_from(token: str) -> CustomerContact | None:
    """The contact the link was made for; None when the link has expired. Aborts with 404 for
    a link we did not make, 403 for an erased contact or an ended contract."""
    try:
        contact_id = signed_value(tokens.Purpose.CUSTOMER_VIEW, token)
    except tokens.TokenExpired:
        return None
    contact = db.session.get(CustomerContact, contact_id) if isinstance(contact_id, int) else None
    if contact is None:
        abort(404, description=_("This customer contact no longer exists."))
    if contact.erased_at is not None:
        abort(
            403,
            description=_(
                "This link was made for a contact who has since been removed from the "
                "customer's contacts. Ask a current contact, or write to %(dpo)s.",
                dpo=current_app.config["DPO_EMAIL"],
            ),
        )
    if contact.customer.contract_ended_on is not None:
        abort(
            403,
            description=_(
                "The contract of %(customer)s ended; its own view is closed. For the record of "
                "its changes and objections, write to %(dpo)s.",
                customer=contact.customer.organisation,
                dpo=current_app.config["DPO_EMAIL"],
            ),
        )
    return contact


def expired_link():
    """The page that says the link has expired, with the form that emails a new one."""
    return render_template("customer/access.html", form=ViewLinkForm(), expired=True), 410


def _objection_links(contact: CustomerContact, upcoming: list[dict]) -> dict[int, str]:
    """The objection form for each change still taking the customer's objections, with a
    signed link that makes the contact known there."""
    return {
        change["notice"]["id"]: url_for(
            "public.object_to_change",
            notice_id=change["notice"]["id"],
            contact=tokens.sign(
                tokens.Purpose.CUSTOMER_OBJECTION, [contact.id, change["notice"]["id"]]
            ),
        )
        for change in upcoming
        if change["takes_objections"]
    }


def _feed_url(endpoint: str, customer) -> dict[str, str]:
    """The feed's address to copy (PUBLIC_URL), and its path to follow from the page."""
    values = {"feed_token": customer.feed_token, "lang": current_language()}
    return {"address": public_url(endpoint, **values), "path": url_for(endpoint, **values)}


def _webhook_action(token: str, name: str, endpoint_id: int | None) -> str:
    if endpoint_id is None:
        return url_for(f"public.{name}_own_webhook", token=token)
    return url_for(f"public.{name}_own_webhook", token=token, endpoint_id=endpoint_id)


def back_to_view(token: str, done: str, anchor: str):
    address = url_for(
        "public.customer_view", token=token, done=done, lang=current_language(), _anchor=anchor
    )
    return redirect(address, code=303)
