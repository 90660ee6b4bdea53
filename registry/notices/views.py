"""Announced changes in public: /changes, a page per notice with its proof, and the API."""

from flask import abort, render_template
from flask_babel import gettext as _

from registry import audit
from registry.chain import records as chain_records
from registry.extensions import db
from registry.models import ChangeNotice, NoticeState
from registry.notices.records import all_notices, notice_record
from registry.objections import open_to_a_customer
from registry.public import blueprint


@blueprint.get("/changes")
def changes():
    notices = [notice_record(notice) for notice in all_notices()]
    groups = {state: [n for n in notices if n["state"] == state.value] for state in NoticeState}
    # The subscription form is on its own page: a CSRF token here would keep this page,
    # the same for everyone, out of every shared cache.
    return render_template("public/changes.html", groups=groups, checkpoint=audit.checkpoint())


@blueprint.get("/changes/<id:notice_id>")
def change(notice_id: int):
    notice = db.session.get(ChangeNotice, notice_id)
    if notice is None:
        abort(404, description=_("There is no change notice with number %(id)s.", id=notice_id))
    record = notice_record(notice)
    # A customer whose contract gives a later deadline may still object.
    record["objections_open"] = record["objections_open"] or open_to_a_customer(notice)
    return render_template(
        "public/change.html",
        notice=record,
        engaged_by=chain_records.engaged_by(notice.subprocessor_id),
    )


@blueprint.get("/api/v1/changes")
def api_changes():
    """Every change notice, newest first.
    ---
    get:
      summary: The change notices
      description: >-
        Every notice of a change to the subprocessors (Art. 28(2) GDPR), announced, in effect
        or withdrawn, newest first, each with its objection deadline and the hash of its
        announcement on the audit trail.
      responses:
        200:
          description: The notices.
          content:
            application/json:
              schema: ChangeList
    """
    notices = [notice_record(notice) for notice in all_notices()]
    return {"count": len(notices), "changes": notices}
