"""Watching upstream in the admin area: editors say where a direct subprocessor publishes its
own list (`chain-source`) and check it at once; every role reads the reviews of what changed in
such lists; editors draft a company added, or close the review. Nothing here announces."""

import pycountry
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from registry import writes
from registry.admin import blueprint, requires
from registry.chain import watch
from registry.chain.forms import CloseReviewForm, member_form, source_form
from registry.extensions import db
from registry.http_guards import takes_upload
from registry.models import ChainReview, ListFormat, ReviewState, Subprocessor
from registry.models.accounts import Role
from registry.register.admin_views import subprocessor_page

REVIEW_STATES = {
    ReviewState.OPEN: _l("Open"),
    ReviewState.REVIEWED: _l("Reviewed"),
    ReviewState.DISMISSED: _l("Dismissed"),
}


@blueprint.post("/subprocessors/<id:subprocessor_id>/chain-source")
@takes_upload("source-file", watch.upstream.LARGEST_LIST + 64 * 1024)
@requires(Role.EDITOR)
def set_chain_source(subprocessor_id: int):
    entry = db.get_or_404(Subprocessor, subprocessor_id)
    form = source_form()
    if form.validate_on_submit():
        upload = form.file.data
        values = watch.SourceValues(
            list_format=ListFormat(form.format.data),
            mapping={name: form[name].data for name in watch.upstream.FIELDS},
            url=form.url.data,
            file=upload.read() if upload else None,
            filename=upload.filename if upload else None,
        )
        stored = writes.into_form(
            lambda: watch.set_source(entry, values, current_user.email), form, field="url"
        )
        if stored is not None:
            flash(_("The list's source is stored; check it to compare it with the chain."))
            return redirect(
                url_for("admin.subprocessor", subprocessor_id=entry.id) + "#admin-chain"
            )
    return subprocessor_page(db.get_or_404(Subprocessor, subprocessor_id), 400, source_form=form)


@blueprint.post("/subprocessors/<id:subprocessor_id>/chain-source/check")
@requires(Role.EDITOR)
def check_chain_source(subprocessor_id: int):
    """Read the list now, as `flask --app wsgi chain check --subprocessor ID` does."""
    source = next(iter(watch.sources(db.get_or_404(Subprocessor, subprocessor_id).id)), None)
    if source is None:
        abort(404)
    # Read before the write begins: on SQLite the write holds the lock while it runs.
    read = watch.upstream.outcome(source)
    result = writes.committed(lambda: watch.check(source, current_user.email, read))
    flash(_describe(result))
    if result.review_id is not None:
        return redirect(url_for("admin.chain_review", review_id=result.review_id))
    return redirect(url_for("admin.subprocessor", subprocessor_id=subprocessor_id) + "#admin-chain")


@blueprint.get("/chain-reviews")
@requires(Role.VIEWER)
def chain_reviews():
    found = db.session.scalars(
        sa.select(ChainReview).order_by(
            ChainReview.state != ReviewState.OPEN, ChainReview.id.desc()
        )
    ).all()
    return render_template("admin/chain_reviews.html", reviews=found, states=REVIEW_STATES)


@blueprint.get("/chain-reviews/<id:review_id>")
@requires(Role.VIEWER)
def chain_review(review_id: int):
    return _review_page(db.get_or_404(ChainReview, review_id))


@blueprint.post("/chain-reviews/<id:review_id>/added/<int:index>")
@requires(Role.EDITOR)
def draft_from_review(review_id: int, index: int):
    review = db.get_or_404(ChainReview, review_id)
    form = member_form(prefix=f"added{index}")
    if form.validate_on_submit():
        values = form.values()
        child = writes.into_form(
            lambda: watch.draft_from_review(review, index, values, current_user.email),
            form,
            field="name",
        )
        if child is not None:
            flash(
                _(
                    "%(child)s is drafted under %(parent)s: add where it processes the data, "
                    "then announce it.",
                    child=child.name,
                    parent=review.subprocessor.name,
                )
            )
            return redirect(url_for("admin.subprocessor", subprocessor_id=child.id))
    return _review_page(db.get_or_404(ChainReview, review_id), 400, {index: form})


@blueprint.post("/chain-reviews/<id:review_id>/close")
@requires(Role.EDITOR)
def close_chain_review(review_id: int):
    review = db.get_or_404(ChainReview, review_id)
    form = CloseReviewForm()
    if form.validate_on_submit():
        state = ReviewState(form.state.data)
        writes.into_form(
            lambda: watch.close_review(review, state, form.note.data, current_user.email),
            form,
            field="note",
        )
        if not form.errors:
            flash(_("The review is closed."))
            return redirect(url_for("admin.chain_reviews"))
    return _review_page(db.get_or_404(ChainReview, review_id), 400, close_form=form)


def _review_page(review: ChainReview, status: int = 200, forms=None, close_form=None):
    added = review.differences.get("added", [])
    drafting = {
        index: _prefilled(review, index, entry)
        for index, entry in enumerate(added)
        if not entry.get("drafted_id")
    } | (forms or {})
    page = render_template(
        "admin/chain_review.html",
        review=review,
        states=REVIEW_STATES,
        added=added,
        removed=review.differences.get("removed", []),
        drafting=drafting,
        close_form=close_form or CloseReviewForm(formdata=None),
    )
    return page, status


def _prefilled(review: ChainReview, index: int, entry: dict):
    data = {
        "name": entry.get("name"),
        "legal_name": entry.get("legal_name") or entry.get("name"),
        "activity": entry.get("activity"),
        "country": _country_code(entry.get("country") or ""),
        "recipient_category": str(review.subprocessor.recipient_category_id),
    }
    return member_form(prefix=f"added{index}", formdata=None, data=data)


def _country_code(text: str) -> str | None:
    try:
        return pycountry.countries.lookup(text.strip()).alpha_2
    except LookupError:
        return None


def _describe(result: watch.CheckResult) -> str:
    if result.error:
        return _("The list could not be read: %(error)s", error=result.error)
    if result.opened:
        return _(
            "Read %(count)d entries: %(added)d added, %(removed)d removed; a review is open.",
            count=result.read,
            added=len(result.added),
            removed=len(result.removed),
        )
    return _("Read %(count)d entries: nothing new.", count=result.read)
