"""The admin area, for the provider's legal and privacy team: login, roles, users, audit trail.

Every route but the login page needs a logged-in, active user (`_guard`); routes that change
something also name the role they need with `requires`. No answer of the area is cached.
"""

from functools import wraps
from importlib import import_module

from flask import Blueprint, Response, abort, redirect, request, url_for
from flask_login import current_user

from registry.models.accounts import Role

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
PUBLIC_ENDPOINTS = {"admin.login"}


@blueprint.before_request
def _guard():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("admin.login", next=request.full_path))
    return None


@blueprint.after_request
def _never_cached(response: Response) -> Response:
    """The admin pages, the audit trail's CSV and the evidence pack are for the team alone: no
    browser or proxy cache keeps a copy for the next person at the machine."""
    response.cache_control.no_store = True
    response.cache_control.public = False
    response.cache_control.max_age = None
    response.cache_control.no_cache = None
    return response


def requires(role: Role):
    """Refuse with 403 a user whose role does not allow what `role` may do."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.role.allows(role):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorator


# Each area's admin pages, whose routes land on this blueprint when imported.
VIEW_MODULES = (
    "registry.admin.views",
    "registry.assessments.views",
    "registry.audit.views",
    "registry.chain.admin_views",
    "registry.chain.review_views",
    "registry.customers.admin_import_views",
    "registry.customers.admin_views",
    "registry.customers.admin_webhook_views",
    "registry.notices.admin_views",
    "registry.objections.admin_views",
    "registry.register.admin_transfer_views",
    "registry.register.admin_views",
    "registry.register_file.admin_views",
)
for module in VIEW_MODULES:
    import_module(module)
