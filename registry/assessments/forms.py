"""The form of a transfer impact assessment, built for the destination's laws and the catalogue
of measures: a finding (and risk inputs) per law, an implementation per measure chosen."""

from decimal import Decimal
from functools import cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from registry import labels
from registry.assessments import AssessmentValues
from registry.form_validators import Length
from registry.models.assessments import LONGEST_REVIEW_INTERVAL
from transfers import laws
from transfers.measures import catalogue
from transfers.risk import FACTORS, LONGEST_PERIOD, Conclusion

LONG_TEXT = 20_000


def _finite(form, field):
    """Refuse NaN and infinities before a range check compares them (a signalling NaN cannot be
    compared at all)."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Give a percentage from 0 to 100."))


PERCENT = [
    Optional(),
    _finite,
    NumberRange(min=0, max=100, message=_l("Give a percentage from 0 to 100.")),
]


class AssessmentForm(FlaskForm):
    """The fields every assessment has; `assessment_form` adds those of the country's laws and
    of the measures."""

    data_format = TextAreaField(
        _l("Format of the data transferred"),
        [Length(max=LONG_TEXT)],
        description=_l(
            "In clear, pseudonymised, encrypted in transit or at rest, and who holds the keys."
        ),
    )
    onward_transfers = TextAreaField(_l("Onward transfers"), [Length(max=LONG_TEXT)])
    access_from = TextAreaField(
        _l("Who accesses the data, and from where"), [Length(max=LONG_TEXT)]
    )
    practice_findings = TextAreaField(
        _l("Practice of the authorities and the importer's experience"),
        [Length(max=LONG_TEXT)],
        description=_l(
            "Documented requests the importer received, transparency reports, "
            "published practice (EDPB Recommendations 01/2020, Step 3)."
        ),
    )
    scc_signed_on = DateField(_l("SCCs signed on"), [Optional()])
    docking_clause = BooleanField(_l("The SCCs include the docking clause (clause 7)"))
    modifies_clauses = BooleanField(
        _l("The supplementary measures contradict or modify the SCCs or BCRs"),
        description=_l(
            "Then the transfer no longer relies on them as adopted and needs the "
            "supervisory authority's authorisation (Art. 46(3)(a) GDPR)."
        ),
    )
    authorisation = TextAreaField(
        _l("The supervisory authority's authorisation"), [Length(max=LONG_TEXT)]
    )
    procedural_notes = TextAreaField(_l("Other procedural steps"), [Length(max=LONG_TEXT)])
    review_interval_months = IntegerField(
        _l("Review every (months)"),
        [InputRequired(), NumberRange(min=1, max=LONGEST_REVIEW_INTERVAL)],
        default=12,
    )
    risk_years = IntegerField(
        _l("Assessment period (years)"),
        [InputRequired(), NumberRange(min=1, max=LONGEST_PERIOD)],
        default=5,
    )
    conclusion = SelectField(_l("Conclusion"), choices=[], validate_choice=True)
    reasoning = TextAreaField(_l("Reasoning"), [Length(max=LONG_TEXT)])

    def values(self, country: str) -> AssessmentValues:
        """The form's data as the service takes it."""
        findings, paths, chosen = [], [], []
        for entry in laws.laws_of(country):
            name = field_name(entry.code)
            findings.append(
                {
                    "law": entry.code,
                    "applies": self[f"{name}_applies"].data,
                    "finding": _text(self[f"{name}_finding"]),
                }
            )
            reaches = self[f"{name}_applies"].data
            if entry.access and reaches and self[f"{name}_request"].data is not None:
                paths.append(
                    {"law": entry.code}
                    | {factor: float(self[f"{name}_{factor}"].data) / 100 for factor in FACTORS}
                )
        for code in catalogue():
            name = field_name(code)
            if self[name].data:
                implementation = _text(self[f"{name}_implementation"])
                chosen.append({"code": code, "implementation": implementation})
        return AssessmentValues(
            data_format=_text(self.data_format),
            onward_transfers=_text(self.onward_transfers),
            access_from=_text(self.access_from),
            law_findings=tuple(findings),
            practice_findings=_text(self.practice_findings),
            measures=tuple(chosen),
            scc_signed_on=self.scc_signed_on.data,
            docking_clause=self.docking_clause.data,
            modifies_clauses=self.modifies_clauses.data,
            authorisation=_text(self.authorisation),
            procedural_notes=_text(self.procedural_notes),
            review_interval_months=self.review_interval_months.data,
            risk_years=self.risk_years.data,
            risk_paths=tuple(paths),
            conclusion=Conclusion(self.conclusion.data) if self.conclusion.data else None,
            reasoning=_text(self.reasoning),
        )


def _text(field) -> str:
    return (field.data or "").strip()


def field_name(code: str) -> str:
    """A form field name for a law or measure code: "US-FISA-702" gives "us_fisa_702"."""
    return code.lower().replace("-", "_")


def _all_or_none(names: list[str]):
    """A check that the three risk inputs of a law are given together."""

    def check(form, field):
        given = [form[name].data is not None for name in names]
        if any(given) and not all(given):
            raise ValidationError(_l("Give all three probabilities for this law, or none."))

    return check


def _implementation_needed(name: str):
    def check(form, field):
        if form[name].data and not (field.data or "").strip():
            raise ValidationError(_l("Say how this measure is implemented."))

    return check


def assessment_form(country: str, assessment=None, formdata=None) -> AssessmentForm:
    """The form for an assessment of a transfer to `country`, filled from `assessment` unless
    `formdata` (a POST) is given."""
    form = _form_class(country)(formdata=formdata)
    form.conclusion.choices = [("", _l("Not concluded yet"))] + [
        (conclusion.value, labels.CONCLUSIONS[conclusion]) for conclusion in Conclusion
    ]
    if formdata is None and assessment is not None:
        _fill(form, assessment)
    return form


@cache
def _form_class(country: str) -> type[AssessmentForm]:
    """The form class for `country`: a finding (and risk inputs) per law of the catalogue, an
    implementation per measure. Built once per country: the catalogues do not change while the
    application runs."""
    fields = {}
    for entry in laws.laws_of(country):
        name = field_name(entry.code)
        fields[f"{name}_applies"] = BooleanField(_l("Reaches this transfer"))
        fields[f"{name}_finding"] = TextAreaField(_l("Finding"), [Length(max=LONG_TEXT)])
        if entry.access:
            names = [f"{name}_{factor}" for factor in FACTORS]
            for factor, label in zip(FACTORS, RISK_FACTOR_LABELS, strict=True):
                validators = [*PERCENT, _all_or_none(names)]
                fields[f"{name}_{factor}"] = DecimalField(label, validators, places=None)
    for code in catalogue():
        name = field_name(code)
        fields[name] = BooleanField(_l("Chosen"))
        fields[f"{name}_implementation"] = TextAreaField(
            _l("How it is implemented"), [Length(max=LONG_TEXT), _implementation_needed(name)]
        )
    return type(f"AssessmentForm{country}", (AssessmentForm,), fields)


RISK_FACTOR_LABELS = (
    _l("Data sought under it in a year (%)"),
    _l("Reaching this transfer's data (%)"),
    _l("Readable despite the measures (%)"),
)


def _fill(form: AssessmentForm, assessment) -> None:
    for name in (
        "data_format",
        "onward_transfers",
        "access_from",
        "practice_findings",
        "scc_signed_on",
        "docking_clause",
        "modifies_clauses",
        "authorisation",
        "procedural_notes",
        "review_interval_months",
        "risk_years",
        "reasoning",
    ):
        form[name].data = getattr(assessment, name)
    form.conclusion.data = assessment.conclusion.value if assessment.conclusion else ""
    for finding in assessment.law_findings:
        name = field_name(finding["law"])
        if f"{name}_applies" in form:
            form[f"{name}_applies"].data = finding["applies"]
            form[f"{name}_finding"].data = finding["finding"]
    for path in assessment.risk_paths:
        name = field_name(path["law"])
        for factor in FACTORS:
            if f"{name}_{factor}" in form:
                form[f"{name}_{factor}"].data = _percent(path[factor])
    for entry in assessment.measures:
        name = field_name(entry["code"])
        if name in form:
            form[name].data = True
            form[f"{name}_implementation"].data = entry["implementation"]


def _percent(probability: float) -> Decimal:
    return Decimal(str(round(probability * 100, 6))).normalize()
