"""A customer's webhook endpoints in the admin area: every role sees them and their delivery
log on the customer's page; editors register, rotate, disable, enable, test and delete them."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from registry import writes
from registry.admin import blueprint, requires
from registry.admin.forms import ConfirmForm
from registry.customers import webhooks
from registry.customers.admin_views import customer_page
from registry.customers.forms import WebhookForm
from registry.extensions import db
from registry.models import Customer
from registry.models.accounts import Role


@blueprint.post("/customers/<id:customer_id>/webhooks")
@requires(Role.EDITOR)
def register_customer_webhook(customer_id: int):
    found = db.get_or_404(Customer, customer_id)
    form = WebhookForm(prefix="webhook")
    if form.validate_on_submit():
        values = webhooks.EndpointValues(form.url.data, form.format.data, form.description.data)
        made = writes.into_form(
            lambda: webhooks.register_endpoint(found, values, current_user.email),
            form,
            field="url",
        )
        if made is not None:
            endpoint, secret = made
            # Shown in this answer only: a redirect would carry it in the session cookie.
            return customer_page(found, shown={"endpoint_id": endpoint.id, "secret": secret})
    return customer_page(found, status=400, webhook_form=form)


@blueprint.post("/customers/<id:customer_id>/webhooks/<id:endpoint_id>/rotate")
@requires(Role.EDITOR)
def rotate_customer_webhook(customer_id: int, endpoint_id: int):
    found, endpoint = _endpoint(customer_id, endpoint_id)
    secret = writes.committed(lambda: webhooks.rotate_secret(endpoint, current_user.email))
    return customer_page(found, shown={"endpoint_id": endpoint_id, "secret": secret})


@blueprint.post("/customers/<id:customer_id>/webhooks/<id:endpoint_id>/disable")
@requires(Role.EDITOR)
def disable_customer_webhook(customer_id: int, endpoint_id: int):
    _found, endpoint = _endpoint(customer_id, endpoint_id)
    reason = f"disabled by {current_user.email}"
    writes.committed(lambda: webhooks.disable(endpoint, current_user.email, reason))
    flash(_("The endpoint is disabled: nothing more is sent to it until it is enabled."))
    return redirect(url_for("admin.customer", customer_id=customer_id, _anchor="webhooks"))


@blueprint.post("/customers/<id:customer_id>/webhooks/<id:endpoint_id>/enable")
@requires(Role.EDITOR)
def enable_customer_webhook(customer_id: int, endpoint_id: int):
    _found, endpoint = _endpoint(customer_id, endpoint_id)
    queued = writes.committed(lambda: webhooks.enable(endpoint, current_user.email))
    flash(
        ngettext(
            "The endpoint is enabled; %(num)d missed message is sent again.",
            "The endpoint is enabled; %(num)d missed messages are sent again.",
            queued,
        )
    )
    return redirect(url_for("admin.customer", customer_id=customer_id, _anchor="webhooks"))


@blueprint.post("/customers/<id:customer_id>/webhooks/<id:endpoint_id>/test")
@requires(Role.EDITOR)
def test_customer_webhook(customer_id: int, endpoint_id: int):
    _found, endpoint = _endpoint(customer_id, endpoint_id)
    writes.committed(lambda: webhooks.send_test(endpoint, current_user.email))
    flash(_("A test event is queued; its attempt shows in the endpoint's log."))
    return redirect(url_for("admin.customer", customer_id=customer_id, _anchor="webhooks"))


@blueprint.post("/customers/<id:customer_id>/webhooks/<id:endpoint_id>/delete")
@requires(Role.EDITOR)
def delete_customer_webhook(customer_id: int, endpoint_id: int):
    _found, endpoint = _endpoint(customer_id, endpoint_id)
    writes.committed(lambda: webhooks.delete(endpoint, current_user.email))
    flash(_("The endpoint is deleted."))
    return redirect(url_for("admin.customer", customer_id=customer_id, _anchor="webhooks"))


def _endpoint(customer_id: int, endpoint_id: int):
    """The customer and its endpoint; 404 for either unknown, 400 without the CSRF token."""
    found = db.get_or_404(Customer, customer_id)
    endpoint = webhooks.endpoint_of(found, endpoint_id)
    if endpoint is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The form has expired; reload the page and try again."))
    return found, endpoint
