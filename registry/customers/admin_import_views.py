"""The customers as a file in the admin area: every role exports them (CSV, XLSX); editors
download a template, upload a file, read its preview and confirm it.

Confirming applies thousands of rows in one transaction, which takes a few seconds. The page
says how far it has got as it goes, without JavaScript: the answer is streamed HTML, whose
head and a progress line every 2 % reach the browser while the rows are applied, then what was
done, or that nothing was stored and why. Everything that can refuse the confirmation (already
applied, expired, nothing to apply, a missing token) is checked before the first byte, so a
refusal is still a plain 400 or 409 page.
"""

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    stream_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from registry import writes
from registry.admin import blueprint, requires
from registry.admin.forms import ConfirmForm
from registry.customers import imports, sheets
from registry.customers.forms import ImportForm
from registry.domain import DomainError
from registry.extensions import db
from registry.http_guards import takes_upload
from registry.models import CustomerImport, Entity, ImportState, Service
from registry.models.accounts import Role

# An upload's own body limit (MAX_CONTENT_LENGTH stays for every other form): a file of
# 20,000 customers, the most an import takes, stays well below it as CSV or XLSX.
LARGEST_UPLOAD = 16 * 1024 * 1024
RECENT_IMPORTS = 10
# Progress lines a confirmation's page shows at most.
PROGRESS_LINES = 50


@blueprint.get("/customers.csv", defaults={"kind": "csv"})
@blueprint.get("/customers.xlsx", defaults={"kind": "xlsx"})
def customers_export(kind: str):
    """Every customer, by reference, in the import's columns."""
    return _download(sheets.customer_rows(), kind, "customers")


@blueprint.get("/customers/template.csv", defaults={"kind": "csv"})
@blueprint.get("/customers/template.xlsx", defaults={"kind": "xlsx"})
def customers_template(kind: str):
    """The columns with one example row, which the import refuses until it is replaced."""
    entity = db.session.scalar(sa.select(Entity.name).order_by(Entity.name).limit(1))
    codes = db.session.scalars(sa.select(Service.code).order_by(Service.code).limit(2)).all()
    row = sheets.example_row(entity or "Example Entity SA", list(codes) or ["example-service"])
    return _download([row], kind, "customers-template")


@blueprint.get("/customers/import")
@requires(Role.EDITOR)
def customer_import_form():
    return _upload_page(ImportForm())


@blueprint.post("/customers/import")
@takes_upload("file", LARGEST_UPLOAD)
@requires(Role.EDITOR)
def upload_customer_import():
    """Read the file and keep its rows for the preview; nothing reaches the register yet."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        kept = writes.into_form(
            lambda: _kept(upload.filename or "", upload.read()), form, field="file"
        )
        if kept is not None:
            return redirect(url_for("admin.customer_import", import_id=kept.id))
    return _upload_page(form), 400


@blueprint.get("/customers/import/<id:import_id>")
@requires(Role.EDITOR)
def customer_import(import_id: int):
    return _preview_page(db.get_or_404(CustomerImport, import_id))


@blueprint.post("/customers/import/<id:import_id>/confirm")
@requires(Role.EDITOR)
def confirm_customer_import(import_id: int):
    """Apply the file in one transaction, showing the progress as it goes (streamed)."""
    found = db.get_or_404(CustomerImport, import_id)
    if not ConfirmForm().validate_on_submit():
        return _preview_page(found, status=400)
    try:
        imports.check_applicable(found)
    except imports.ImportRefused as error:
        abort(409, description=str(error))
    page = stream_template(
        "admin/customer_import_applying.html",
        customer_import=found,
        progress=_Progress(import_id, current_user.email),
    )
    # No proxy holds the lines back until the end (nginx buffers a response by default).
    return Response(page, mimetype="text/html", headers={"X-Accel-Buffering": "no"})


class _Progress:
    """An application's steps as its page shows them: at most PROGRESS_LINES (done, total)
    pairs; then `done` holds the plan as applied, or `error` why nothing was stored.

    It runs while the page streams, once the view has returned: its transaction is a new one
    (the view's ended with the view), which loads the file again, locked, and checks it again,
    so that of two confirmations at once the second is refused."""

    def __init__(self, import_id: int, actor: str) -> None:
        self.import_id, self.actor = import_id, actor
        self.done: imports.ImportPlan | None = None
        self.error: str | None = None

    def __iter__(self):
        steps = None
        try:
            found = db.session.get(CustomerImport, self.import_id, with_for_update=True)
            steps = writes.committed_in_steps(imports.applying(found, self.actor))
            count, total = next(steps)
            every = max(1, total // PROGRESS_LINES)
            yield count, total
            while True:
                count, total = next(steps)
                if count % every == 0 or count == total:
                    yield count, total
        except StopIteration as finished:
            self.done = finished.value
        except HTTPException as error:  # a WriteConflict: another request stored the same
            self.error = str(error.description)
        except DomainError as error:
            self.error = str(error)
        except Exception:
            if current_app.testing:
                raise
            current_app.logger.exception("Applying a customers' import failed")
            self.error = _("Something went wrong on our side. The error has been logged.")
        finally:
            if steps is not None:
                steps.close()  # a browser gone mid-way: the transaction is rolled back
            else:
                db.session.rollback()


def _kept(filename: str, data: bytes) -> CustomerImport:
    rows = list(sheets.open_table(filename, data).rows())
    if not rows:
        raise sheets.SheetError(_("The file has no customer below its header row."))
    return imports.store_preview(filename, rows, current_user.email)


def _download(rows, kind: str, name: str) -> Response:
    body = sheets.csv_bytes(rows) if kind == "csv" else sheets.xlsx_bytes(rows)
    return Response(
        body,
        mimetype=sheets.MEDIA_TYPES[kind],
        headers={"Content-Disposition": f"attachment; filename={name}.{kind}"},
    )


def _upload_page(form: ImportForm) -> str:
    recent = db.session.scalars(
        sa.select(CustomerImport).order_by(CustomerImport.id.desc()).limit(RECENT_IMPORTS)
    ).all()
    return render_template(
        "admin/customer_import_upload.html",
        form=form,
        recent=recent,
        columns=sheets.COLUMNS,
        expired=imports.expired,
        largest=LARGEST_UPLOAD // (1024 * 1024),
    )


def _preview_page(found: CustomerImport, status: int = 200):
    pending = found.state == ImportState.PENDING and not imports.expired(found)
    page = render_template(
        "admin/customer_import.html",
        customer_import=found,
        plan=imports.plan(found.rows) if pending else None,
        expired=imports.expired(found),
        form=ConfirmForm(),
        hours=imports.PREVIEW_HOURS,
    )
    return page, status
