"""Subscribing to the email notices (double opt-in) and leaving them in one click.

The form answers the same whatever the address, so it tells nobody who is subscribed. The
unsubscribe address answers RFC 8058 one-click POSTs from mail clients, which carry no CSRF
token: the signed token in the address is the proof.
"""

import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from registry import subscriptions, tokens, writes
from registry.extensions import csrf, db, limiter
from registry.http_guards import form_accepted
from registry.i18n import current_language
from registry.links import public_url, signed_value
from registry.models import Service, Subscriber, SubscriptionState
from registry.public import blueprint
from registry.subscriptions.forms import ButtonForm, SubscribeForm


@blueprint.route("/subscribe", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"], deduct_when=form_accepted)
def subscribe():
    form = subscribe_form()
    if form.validate_on_submit():
        services = [int(value) for value in form.services.data]
        writes.into_form(
            lambda: subscriptions.subscribe(form.email.data, form.language.data, services),
            form,
            field="email",
        )
        if not form.errors:
            return redirect(url_for("public.subscription_sent"))
    status = 400 if form.errors else 200
    return render_template("public/subscribe.html", form=form), status


@blueprint.get("/subscribe/sent")
def subscription_sent():
    return render_template("public/subscription_sent.html")


@blueprint.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm_subscription(token: str):
    subscriber = _subscriber_from(tokens.Purpose.CONFIRM_SUBSCRIPTION, token)
    form = ButtonForm()
    if form.validate_on_submit() and subscriber.state is SubscriptionState.PENDING:
        writes.committed(lambda: subscriptions.confirm(subscriber))
    return render_template("public/subscription_confirm.html", subscriber=subscriber, form=form)


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", no CSRF token
def unsubscribe(token: str):
    subscriber = _subscriber_from(tokens.Purpose.UNSUBSCRIBE, token)
    if request.method == "POST":
        writes.committed(lambda: subscriptions.unsubscribe(subscriber))
    return render_template("public/unsubscribe.html", subscriber=subscriber)


def subscribe_form() -> SubscribeForm:
    """The form with the languages and services to choose from, in the reader's language."""
    form = SubscribeForm()
    language = current_language()
    languages = current_app.config["LANGUAGES"]
    form.language.choices = [SelectChoice(code, name) for code, name in languages.items()]
    if not form.is_submitted():
        form.language.data = language
    services = db.session.scalars(sa.select(Service)).all()
    form.services.choices = [
        SelectChoice(str(service.id), service.label(language))
        for service in sorted(services, key=lambda service: service.label(language))
    ]
    return form


def _subscriber_from(purpose: tokens.Purpose, token: str) -> Subscriber:
    try:
        subscriber_id = signed_value(purpose, token)
    except tokens.TokenExpired:
        if purpose is tokens.Purpose.UNSUBSCRIBE:
            abort(
                400,
                description=_(
                    "This unsubscribe link has expired. Use the link in a "
                    "recent email, or write to %(dpo)s and we remove you.",
                    dpo=current_app.config["DPO_EMAIL"],
                ),
            )
        abort(
            400,
            description=_(
                "This link has expired. Subscribe again at %(address)s.",
                address=public_url("public.subscribe"),
            ),
        )
    subscriber = (
        db.session.get(Subscriber, subscriber_id) if isinstance(subscriber_id, int) else None
    )
    if subscriber is None:
        abort(404, description=_("This subscription no longer exists."))
    return subscriber
