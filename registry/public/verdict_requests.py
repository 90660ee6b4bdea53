"""Reading a request to judge hypothetical transfers (`POST /api/v1/verdicts`) into the plain
facts `transfers.verdicts.judge` takes.

Every key but a transfer's `country` is optional and means "not recorded". Anything that cannot
be read raises BadField, naming the field by its path (`transfers[0].ground.scc_module`) and
saying what is accepted.
"""

from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _

from registry.public.parameters import BadParameter, read_country, read_day
from transfers.grounds import (
    BcrKind,
    BindingCorporateRules,
    Derogation,
    SccDecision,
    SccModule,
    TransferGround,
    TransferTool,
)
from transfers.importers import DpfEntry, DpfScope, Importer
from transfers.measures import USE_CASES_BY_ROLE, catalogue
from transfers.risk import Conclusion
from transfers.verdicts import AssessmentOnRecord, TransferFacts

MAX_TRANSFERS = 100
TRANSFER_FIELDS = {
    "country",
    "role",
    "ground",
    "measures",
    "importer",
    "hr_data",
    "recipient_protection",
    "assessment",
}
MAX_TEXT = 500
DEROGATIONS = {derogation.article.removeprefix("Art. "): derogation for derogation in Derogation}


class BadField(ValueError):
    """A field of the request that cannot be used; `field` is its path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_request(body) -> tuple[date, list[TransferFacts]]:
    """The day to judge on (today unless `on` is given) and the transfers, in the order given.

    Raises BadField.
    """
    node = _Node(body, "")
    node.only({"on", "transfers"})
    on = node.get("on", _day)
    transfers = node.require("transfers", _list)
    if not transfers.value:
        raise BadField("transfers", _("Give at least one transfer to judge."))
    if len(transfers.value) > MAX_TRANSFERS:
        raise BadField(
            "transfers", _("Judge at most %(count)d transfers at once.", count=MAX_TRANSFERS)
        )
    return on or read_day(""), [_transfer(item) for item in transfers.items()]


def _transfer(node: "_Node") -> TransferFacts:
    node.only(TRANSFER_FIELDS)
    measures = node.get("measures", _list)
    return TransferFacts(
        country=node.require("country", _country),
        ground=node.get("ground", _ground),
        role=node.get("role", _choice(sorted(USE_CASES_BY_ROLE))),
        importer=node.get("importer", _importer) or Importer(),
        hr_data=bool(node.get("hr_data", _bool)),
        recipient_protection=node.get("recipient_protection", _text),
        measures=frozenset(_measure(item) for item in measures.items())
        if measures
        else frozenset(),
        assessment=node.get("assessment", _assessment),
    )


def _ground(node: "_Node") -> TransferGround:
    node.only({"tool", *ALL_GROUND_FIELDS})
    tool = TransferTool(node.require("tool", _choice([tool.value for tool in TransferTool])))
    fields = GROUND_FIELDS[tool]
    node.only({"tool", *fields})
    values = {name: node.get(key, read) for key, (name, read) in fields.items()}
    if tool is TransferTool.BCR:
        return TransferGround(tool, bcr=BindingCorporateRules(**values))
    return TransferGround(
        tool, **{name: value for name, value in values.items() if value is not None}
    )


def _importer(node: "_Node") -> Importer:
    node.only({"dpf", "subject_to_pipeda", "subject_to_gdpr_art_3_2"})
    return Importer(
        dpf=node.get("dpf", _dpf),
        subject_to_pipeda=bool(node.get("subject_to_pipeda", _bool)),
        subject_to_gdpr_art_3_2=bool(node.get("subject_to_gdpr_art_3_2", _bool)),
    )


def _dpf(node: "_Node") -> DpfEntry:
    node.only({"listed", "name", "scope", "verified_on", "recertification_due"})
    scope = node.get("scope", _choice([scope.value for scope in DpfScope]))
    return DpfEntry(
        listed=node.get("listed", _bool) is True,
        name=node.get("name", _text),
        scope=DpfScope(scope) if scope else None,
        verified_on=node.get("verified_on", _day),
        recertification_due=node.get("recertification_due", _day),
    )


def _assessment(node: "_Node") -> AssessmentOnRecord:
    node.only({"conclusion", "approved_on", "next_review"})
    conclusion = node.require("conclusion", _choice([item.value for item in Conclusion]))
    return AssessmentOnRecord(
        conclusion=Conclusion(conclusion),
        approved_on=node.require("approved_on", _day),
        next_review=node.require("next_review", _day),
    )


def _measure(node: "_Node") -> str:
    code = _text(node)
    if code not in catalogue():
        message = _(
            "“%(value)s” is not a measure of the catalogue; GET /api/v1/measures lists them.",
            value=code,
        )
        raise BadField(node.path, message)
    return code


class _Node:
    """A value of the request and where it stands in it."""

    def __init__(self, value, path: str) -> None:
        self.value, self.path = value, path

    def child(self, key) -> "_Node":
        path = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}"
        return _Node(self.value[key], path.lstrip("."))

    def only(self, keys: set[str]) -> None:
        if not isinstance(self.value, dict):
            raise BadField(self.path or "(body)", _("Give a JSON object here."))
        for key in self.value:
            if key not in keys:
                field = f"{self.path}.{key}".lstrip(".")
                fields = ", ".join(sorted(keys))
                message = _(
                    "“%(key)s” is not a field here; the fields are %(fields)s.",
                    key=key,
                    fields=fields,
                )
                raise BadField(field, message)

    def get(self, key: str, read: Callable):
        """The field read by `read`, or None where it is absent or null."""
        if self.value.get(key) is None:
            return None
        return read(self.child(key))

    def require(self, key: str, read: Callable):
        if self.value.get(key) is None:
            field = f"{self.path}.{key}".lstrip(".")
            raise BadField(field, _("This field is required."))
        return read(self.child(key))

    def items(self) -> list["_Node"]:
        return [self.child(index) for index in range(len(self.value))]


def _list(node: _Node) -> _Node:
    if not isinstance(node.value, list):
        raise BadField(node.path, _("Give a JSON array here."))
    return node


def _bool(node: _Node) -> bool:
    if not isinstance(node.value, bool):
        raise BadField(node.path, _("Give true or false here."))
    return node.value


def _text(node: _Node) -> str:
    if not isinstance(node.value, str) or not node.value.strip():
        raise BadField(node.path, _("Give a text here."))
    if len(node.value) > MAX_TEXT:
        raise BadField(node.path, _("Give at most %(count)d characters.", count=MAX_TEXT))
    return node.value.strip()


def _day(node: _Node) -> date:
    if not isinstance(node.value, str) or not node.value.strip():
        raise BadField(node.path, _("Give a date as YYYY-MM-DD, such as 2027-01-01."))
    try:
        return read_day(node.value.strip())
    except BadParameter as error:
        raise BadField(node.path, str(error)) from None


def _country(node: _Node) -> str:
    try:
        return read_country(_text(node))
    except BadParameter as error:
        raise BadField(node.path, str(error)) from None


def _choice(choices: list[str]) -> Callable[[_Node], str]:
    def read(node: _Node) -> str:
        if node.value not in choices:
            raise BadField(
                node.path,
                _("Give one of %(choices)s.", choices=", ".join(str(c) for c in choices)),
            )
        return node.value

    return read


def _scc_module(node: _Node) -> SccModule:
    if isinstance(node.value, bool) or node.value not in (1, 2, 3, 4):
        raise BadField(node.path, _("Give the module as a number from 1 to 4."))
    return SccModule(node.value)


def _derogation(node: _Node) -> Derogation:
    return DEROGATIONS[_choice(list(DEROGATIONS))(node)]


# For each tool, the fields of its ground: key in the request → (TransferGround field, reader).
GROUND_FIELDS: dict[TransferTool, dict[str, tuple[str, Callable]]] = {
    TransferTool.ADEQUACY: {"decision": ("adequacy_decision", _text)},
    TransferTool.SCC: {
        "scc_module": ("scc_module", _scc_module),
        "scc_decision": (
            "scc_decision",
            lambda node: SccDecision(_choice([item.value for item in SccDecision])(node)),
        ),
        "signed_on": ("scc_signed_on", _day),
    },
    TransferTool.BCR: {
        "group": ("group", _text),
        "kind": ("kind", lambda node: BcrKind(_choice([kind.value for kind in BcrKind])(node))),
        "lead_authority": ("lead_authority", _text),
        "approved_on": ("approved_on", _day),
        "importer_bound": ("importer_bound", _bool),
    },
    TransferTool.DEROGATION: {
        "derogation": ("derogation", _derogation),
        "justification": ("derogation_justification", _text),
        "occasional": ("derogation_occasional", _bool),
        "occasional_reason": ("derogation_occasional_reason", _text),
        "authority_informed_on": ("authority_informed_on", _day),
        "data_subjects_informed_on": ("data_subjects_informed_on", _day),
    },
}
ALL_GROUND_FIELDS = {key for fields in GROUND_FIELDS.values() for key in fields}
