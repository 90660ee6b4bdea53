"""The register file in the admin area: every role downloads it; admins upload one, read what it
would do, and confirm it. Importing rewrites the register, so only admins may."""

import sqlalchemy as sa
from flask import Response, redirect, render_template, url_for
from flask_login import current_user

from registry import clock, writes
from registry.admin import blueprint, requires
from registry.admin.forms import ConfirmForm
from registry.extensions import db
from registry.http_guards import takes_upload
from registry.models import ImportState, RegisterImport
from registry.models.accounts import Role
from registry.register_file import export_bytes, importing, register_digest
from registry.register_file.forms import RegisterFileForm
from registry.register_file.plan import plan

# A register of thousands of subprocessors stays well below it.
LARGEST_UPLOAD = 16 * 1024 * 1024
RECENT_IMPORTS = 10


@blueprint.get("/register/export")
def register_export():
    """The whole register as one JSON file, to keep or to import elsewhere."""
    day = clock.today().isoformat()
    return Response(
        export_bytes(),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=register-{day}.json"},
    )


@blueprint.get("/register/import")
@requires(Role.ADMIN)
def register_import_form():
    return _upload_page(RegisterFileForm())


@blueprint.post("/register/import")
@takes_upload("file", LARGEST_UPLOAD)
@requires(Role.ADMIN)
def upload_register_import():
    """Plan the file; keep it for confirmation when it changes something and nothing of it is
    refused. Nothing reaches the register yet."""
    form = RegisterFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        name, data = upload.filename or "", upload.read()
        previewed = writes.into_form(
            lambda: importing.preview(name, data, current_user.email), form, field="file"
        )
        if previewed is not None:
            checked, kept = previewed
            if kept is not None:
                return redirect(url_for("admin.register_import", import_id=kept.id))
            return _upload_page(form, checked, name), 400 if checked.refused else 200
    return _upload_page(form), 400


@blueprint.get("/register/import/<id:import_id>")
@requires(Role.ADMIN)
def register_import(import_id: int):
    return _preview_page(db.get_or_404(RegisterImport, import_id))


@blueprint.post("/register/import/<id:import_id>/confirm")
@requires(Role.ADMIN)
def confirm_register_import(import_id: int):
    """Apply the file in one transaction, if the register is still the one previewed."""
    found = db.get_or_404(RegisterImport, import_id)
    if not ConfirmForm().validate_on_submit():
        return _preview_page(found, status=400)
    writes.or_conflict(lambda: importing.apply_import(found, current_user.email))
    return redirect(url_for("admin.register_import", import_id=import_id))


def _upload_page(form: RegisterFileForm, checked=None, filename: str = ""):
    recent = db.session.scalars(
        sa.select(RegisterImport).order_by(RegisterImport.id.desc()).limit(RECENT_IMPORTS)
    ).all()
    return render_template(
        "admin/register_import_upload.html",
        form=form,
        plan=checked,
        filename=filename,
        recent=recent,
        expired=importing.expired,
        largest=LARGEST_UPLOAD // (1024 * 1024),
    )


def _preview_page(found: RegisterImport, status: int = 200):
    pending = found.state == ImportState.PENDING and not importing.expired(found)
    pending = pending and found.document is not None
    page = render_template(
        "admin/register_import.html",
        register_import=found,
        plan=plan(found.document) if pending else None,
        changed_since=pending and register_digest() != found.register_digest,
        expired=importing.expired(found),
        form=ConfirmForm(),
        hours=importing.PREVIEW_HOURS,
    )
    return page, status
