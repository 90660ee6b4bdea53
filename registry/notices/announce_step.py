"""The two steps of every announce form: first a preview of what would be published and sent,
which asks to confirm; then, confirmed, the announcement, with its message on the next admin
page. A refusal at either step goes back to the form it came from, with the error on its
field."""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from registry import clock, writes
from registry.domain import DomainError
from registry.models import ChangeNotice
from registry.notices.preview import preview

CONFIRMED = "confirmed"


def announce_or_preview(
    announce: Callable[[], ChangeNotice], *forms, field: str, back: str
) -> ResponseReturnValue | None:
    """The preview page, or the redirect after announcing; None if the announcement was
    refused: `forms` then carry the error (on the field it names, or on `field`)."""
    if request.form.get(CONFIRMED) != "1":
        try:
            shown = preview(announce)
        except DomainError as error:
            writes.show_refusal(error, *forms, field=field)
            return None
        page = render_template(
            "admin/announce_preview.html",
            preview=shown,
            reposted=reposted(),
            token_fields=[name for name in request.form if name.endswith("csrf_token")],
            back=back,
        )
        return page, 200
    notice = writes.into_form(announce, *forms, field=field)
    if notice is None:
        return None
    flash(
        _(
            "Announced: %(change)s. Objections are open until %(deadline)s.",
            change=notice.subprocessor.name,
            deadline=clock.local_and_utc(notice.objection_deadline),
        )
    )
    return redirect(url_for("admin.changes_overview"))


def reposted() -> list[tuple[str, str]]:
    """What the form posted, to post again once confirmed (a fresh CSRF token goes instead of
    the old one)."""
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if not name.endswith("csrf_token") and name != CONFIRMED
    ]
