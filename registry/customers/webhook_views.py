"""A customer's webhook endpoints from its own view (the signed link is the proof, as for its
approvals): its contacts register, rotate, disable, enable, test and delete them. The trail
knows the contact by its pseudonym."""

from flask import abort
from flask_babel import gettext as _

from registry import writes
from registry.customers import webhooks
from registry.customers.forms import WebhookForm
from registry.customers.views import back_to_view, contact_from, expired_link, view_page
from registry.models import CustomerContact, WebhookEndpoint
from registry.public import blueprint
from registry.subscriptions.forms import ButtonForm


@blueprint.post("/customer/<token>/webhooks")
def register_own_webhook(token: str):
    contact = contact_from(token)
    if contact is None:
        return expired_link()
    form = WebhookForm(prefix="webhook")
    if form.validate_on_submit():
        values = webhooks.EndpointValues(form.url.data, form.format.data, form.description.data)
        made = writes.into_form(
            lambda: webhooks.register_endpoint(contact.customer, values, contact.pseudonym),
            form,
            field="url",
        )
        if made is not None:
            endpoint, secret = made
            # Shown in this answer only: the page is kept by no cache, and nowhere else.
            return view_page(contact, token, shown={"endpoint_id": endpoint.id, "secret": secret})
    return view_page(contact, token, status=400, webhook_form=form)


@blueprint.post("/customer/<token>/webhooks/<id:endpoint_id>/rotate")
def rotate_own_webhook(token: str, endpoint_id: int):
    contact, endpoint = _endpoint(token, endpoint_id)
    if contact is None:
        return expired_link()
    secret = writes.committed(lambda: webhooks.rotate_secret(endpoint, contact.pseudonym))
    return view_page(contact, token, shown={"endpoint_id": endpoint_id, "secret": secret})


@blueprint.post("/customer/<token>/webhooks/<id:endpoint_id>/disable")
def disable_own_webhook(token: str, endpoint_id: int):
    contact, endpoint = _endpoint(token, endpoint_id)
    if contact is None:
        return expired_link()
    reason = f"disabled by the customer's contact {contact.pseudonym}"
    writes.committed(lambda: webhooks.disable(endpoint, contact.pseudonym, reason))
    return back_to_view(token, "webhook_disabled", "webhooks")


@blueprint.post("/customer/<token>/webhooks/<id:endpoint_id>/enable")
def enable_own_webhook(token: str, endpoint_id: int):
    contact, endpoint = _endpoint(token, endpoint_id)
    if contact is None:
        return expired_link()
    writes.committed(lambda: webhooks.enable(endpoint, contact.pseudonym))
    return back_to_view(token, "webhook_enabled", "webhooks")


@blueprint.post("/customer/<token>/webhooks/<id:endpoint_id>/test")
def test_own_webhook(token: str, endpoint_id: int):
    contact, endpoint = _endpoint(token, endpoint_id)
    if contact is None:
        return expired_link()
    writes.committed(lambda: webhooks.send_test(endpoint, contact.pseudonym))
    return back_to_view(token, "webhook_test", "webhooks")


@blueprint.post("/customer/<token>/webhooks/<id:endpoint_id>/delete")
def delete_own_webhook(token: str, endpoint_id: int):
    contact, endpoint = _endpoint(token, endpoint_id)
    if contact is None:
        return expired_link()
    writes.committed(lambda: webhooks.delete(endpoint, contact.pseudonym))
    return back_to_view(token, "webhook_deleted", "webhooks")


def _endpoint(
    token: str, endpoint_id: int
) -> tuple[CustomerContact | None, WebhookEndpoint | None]:
    """The link's contact and its customer's endpoint (None, None for an expired link); 404
    for another customer's endpoint, 400 without the CSRF token."""
    contact = contact_from(token)
    if contact is None:
        return None, None
    endpoint = webhooks.endpoint_of(contact.customer, endpoint_id)
    if endpoint is None:
        abort(
            404,
            description=_(
                "This webhook endpoint does not belong to %(customer)s.",
                customer=contact.customer.organisation,
            ),
        )
    if not ButtonForm().validate_on_submit():
        abort(400, description=_("The form has expired; reload the page and try again."))
    return contact, endpoint
