"""Announced changes in public: /changes, a page per notice with its proof, and the API."""

from flask import abort, render_template
from flask_babel import gettext as _

from registry import audit
from registry.extensions import db
from registry.models import ChangeNotice, NoticeState
from registry.notices.records import all_notices, notice_record
from registry.public import blueprint
from registry.subscriptions.views import subscribe_form


@blueprint.get("/changes")
def changes():
    notices = [notice_record(notice) for notice in all_notices()]
    groups = {state: [n for n in notices if n["state"] == state.value] for state in NoticeState}
    return render_template(
        "public/changes.html", groups=groups, form=subscribe_form(), checkpoint=audit.checkpoint()
    )


@blueprint.get("/changes/<id:notice_id>")
def change(notice_id: int):
    notice = db.session.get(ChangeNotice, notice_id)
    if notice is None:
        abort(404, description=_("There is no change notice with number %(id)s.", id=notice_id))
    return render_template("public/change.html", notice=notice_record(notice))


@blueprint.get("/api/v1/changes")
def api_changes():
    notices = [notice_record(notice) for notice in all_notices()]
    return {"count": len(notices), "changes": notices}
