"""Transfer impact assessments in the admin area: the transfers that need one, the form along
the EDPB steps, the review and approval, the printable report and its JSON, and the evidence
pack for auditors. Thin views over `registry.assessments`."""

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from registry import assessments, audit, labels, writes
from registry.admin import blueprint, requires
from registry.admin.forms import ConfirmForm, SendBackForm
from registry.assessments import evidence
from registry.assessments import facts as assessment_facts
from registry.assessments.forms import RISK_FACTOR_LABELS, assessment_form, field_name
from registry.assessments.records import (
    assessment_document,
    differences,
    percent,
    transfers_to_assess,
)
from registry.extensions import db
from registry.models import AssessmentState, ProcessingLocation, TransferAssessment
from registry.models.accounts import Role
from transfers import laws
from transfers.measures import catalogue
from transfers.risk import FACTORS


@blueprint.get("/assessments")
def assessments_overview():
    return _overview()


def _overview(problems=()) -> str:
    return render_template(
        "admin/assessments.html",
        transfers=transfers_to_assess(str(get_locale())),
        states=labels.ASSESSMENT_STATES,
        confirm=ConfirmForm(),
        problems=problems,
    )


@blueprint.post("/evidence.zip")
def evidence_pack():
    """Everything an auditor asks for, in one file (see `registry.assessments.evidence`). It
    holds personal data (objectors' contacts), so each export is itself on the audit trail,
    which the pack then includes."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.assessments_overview"))
    writes.committed(lambda: audit.record(current_user.email, "evidence.exported", "register"))
    evidence.read_one_moment()
    pack = evidence.evidence_pack()
    db.session.rollback()  # it only read
    return send_file(
        pack,
        mimetype="application/zip",
        as_attachment=True,
        download_name=evidence.pack_name(),
        max_age=0,
    )


@blueprint.post("/transfers/<id:location_id>/assessments")
@requires(Role.EDITOR)
def start_assessment(location_id: int):
    location = _location(location_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.assessments_overview"))
    try:
        assessment = writes.committed(lambda: assessments.start(location, current_user.email))
    except assessments.AssessmentError as error:
        return _overview(problems=[str(error)]), 409
    return redirect(url_for("admin.edit_assessment", assessment_id=assessment.id))


@blueprint.get("/assessments/<id:assessment_id>")
def assessment(assessment_id: int):
    found = _assessment(assessment_id)
    return _report(found, send_back_form=SendBackForm())


@blueprint.get("/assessments/<id:assessment_id>.json")
def assessment_json(assessment_id: int):
    return jsonify(assessment_document(_assessment(assessment_id), "en"))


@blueprint.route("/assessments/<id:assessment_id>/edit", methods=["GET", "POST"])
@requires(Role.EDITOR)
def edit_assessment(assessment_id: int):
    found = _assessment(assessment_id)
    country = found.location.country_code
    if request.method == "POST":
        form = assessment_form(country, formdata=request.form)
        problems = []
        if form.validate_on_submit():
            try:
                writes.committed(
                    lambda: assessments.update(found, form.values(country), current_user.email)
                )
            except assessments.AssessmentError as error:
                problems.append(str(error))
            else:
                flash(_("Version %(version)d is saved.", version=found.version))
                if request.form.get("then") == "submit":
                    return _submit(found)
                return redirect(url_for("admin.edit_assessment", assessment_id=found.id))
        return _edit_page(found, form, problems=problems), 400
    if found.settled:
        flash(_("An approved assessment is never changed: revise it to start a new version."))
        return redirect(url_for("admin.assessment", assessment_id=found.id))
    if found.state is not AssessmentState.DRAFT:
        flash(_("This version is in review; the reviewer can send it back to be edited."))
        return redirect(url_for("admin.assessment", assessment_id=found.id))
    return _edit_page(found, assessment_form(country, found))


@blueprint.post("/assessments/<id:assessment_id>/submit")
@requires(Role.EDITOR)
def submit_assessment(assessment_id: int):
    found = _assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.assessment", assessment_id=found.id))
    return _submit(found)


@blueprint.post("/assessments/<id:assessment_id>/send-back")
@requires(Role.ADMIN)
def send_back_assessment(assessment_id: int):
    found = _assessment(assessment_id)
    form = SendBackForm()
    if not form.validate_on_submit():
        return _report(found, send_back_form=form), 400
    try:
        writes.committed(
            lambda: assessments.send_back(found, current_user.email, form.comment.data)
        )
    except assessments.AssessmentError as error:
        form.comment.errors = [*form.comment.errors, str(error)]
        return _report(found, send_back_form=form), 409
    flash(_("Version %(version)d is back with its author.", version=found.version))
    return redirect(url_for("admin.assessment", assessment_id=found.id))


@blueprint.post("/assessments/<id:assessment_id>/approve")
@requires(Role.ADMIN)
def approve_assessment(assessment_id: int):
    found = _assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.assessment", assessment_id=found.id))
    try:
        writes.committed(lambda: assessments.approve(found, current_user.email))
    except assessments.AssessmentError as error:
        return _report(
            _assessment(assessment_id), problems=[str(error)], send_back_form=SendBackForm()
        ), 409
    flash(
        _("Version %(version)d is approved; the transfer relies on it now.", version=found.version)
    )
    return redirect(url_for("admin.assessment", assessment_id=found.id))


@blueprint.post("/assessments/<id:assessment_id>/discard")
@requires(Role.EDITOR)
def discard_assessment(assessment_id: int):
    found = _assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.assessment", assessment_id=found.id))
    version = found.version
    try:
        writes.committed(lambda: assessments.discard(found, current_user.email))
    except assessments.AssessmentError as error:
        return _report(
            _assessment(assessment_id), problems=[str(error)], send_back_form=SendBackForm()
        ), 409
    flash(_("Version %(version)d is discarded.", version=version))
    return redirect(url_for("admin.assessments_overview"))


@blueprint.post("/assessments/<id:assessment_id>/revise")
@requires(Role.EDITOR)
def revise_assessment(assessment_id: int):
    found = _assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.assessment", assessment_id=found.id))
    try:
        revision = writes.committed(lambda: assessments.start(found.location, current_user.email))
    except assessments.AssessmentError as error:
        return _report(
            _assessment(assessment_id), problems=[str(error)], send_back_form=SendBackForm()
        ), 409
    return redirect(url_for("admin.edit_assessment", assessment_id=revision.id))


def _submit(found: TransferAssessment):
    try:
        writes.committed(lambda: assessments.submit(found, current_user.email))
    except assessments.AssessmentIncomplete as error:
        found = _assessment(found.id)
        return _edit_page(
            found, assessment_form(found.location.country_code, found), missing=error.missing
        ), 409
    except assessments.AssessmentError as error:
        return _report(
            _assessment(found.id), problems=[str(error)], send_back_form=SendBackForm()
        ), 409
    flash(_("Version %(version)d is sent for review.", version=found.version))
    return redirect(url_for("admin.assessment", assessment_id=found.id))


def _report(found: TransferAssessment, problems=(), send_back_form=None) -> str:
    language = str(get_locale())
    versions = assessment_facts.series(found.location)
    previous = next((v for v in versions if v.version == found.version - 1), None)
    return render_template(
        "admin/assessment.html",
        assessment=found,
        document=assessment_document(found, language),
        versions=versions,
        previous=previous,
        changes=differences(previous, found, language) if previous else [],
        states=labels.ASSESSMENT_STATES,
        field_labels=labels.ASSESSMENT_FIELDS,
        percent=percent,
        problems=problems,
        confirm=ConfirmForm(),
        send_back_form=send_back_form or SendBackForm(),
        if_approved=assessment_facts.verdict_if_approved(found, language),
        # Four eyes: whoever wrote, edited or sent this version is not offered to approve it.
        wrote_it=current_user.email in assessments.contributors(found),
    )


def _edit_page(found: TransferAssessment, form, missing=(), problems=()) -> str:
    language = str(get_locale())
    return render_template(
        "admin/assessment_edit.html",
        assessment=found,
        document=assessment_document(found, language),
        form=form,
        laws=laws.laws_of(found.location.country_code),
        law_kinds=labels.LAW_KINDS,
        # The register's measures for this transfer, and any this version already names: only
        # those recorded in the register count for its verdict.
        measures=[
            entry
            for code, entry in catalogue().items()
            if code in {m.code for m in found.location.measures}
            or code in {m["code"] for m in found.measures}
        ],
        if_approved=assessment_facts.verdict_if_approved(found, language),
        kinds=labels.MEASURE_KINDS,
        effectiveness=labels.EFFECTIVENESS,
        factors=list(zip(FACTORS, RISK_FACTOR_LABELS, strict=True)),
        field_name=field_name,
        language=language,
        missing=missing,
        problems=problems,
        confirm=ConfirmForm(),
    )


def _assessment(assessment_id: int) -> TransferAssessment:
    found = db.session.scalar(
        db.select(TransferAssessment)
        .where(TransferAssessment.id == assessment_id)
        .options(
            selectinload(TransferAssessment.location).selectinload(ProcessingLocation.subprocessor)
        )
    )
    if found is None:
        abort(404)
    return found


def _location(location_id: int) -> ProcessingLocation:
    location = db.session.get(ProcessingLocation, location_id)
    if location is None or location.subprocessor is None:
        abort(404)
    return location
