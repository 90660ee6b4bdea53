"""Each kind of change notice, described in one place.

A kind says what an announcement of it needs (the subprocessor's status, and the one proposal it
carries: the subprocessor replaced, a new location or new terms), which locations it brings in
(judged before it is announced), what its public record lists as changing, and what it does to
the register when it takes effect or is withdrawn. `registry.notices.changes` runs the steps
common to every kind (the window, the audit trail, the emails) and calls the kind for the rest.

Adding a kind: a class here, its member in `ChangeKind` with a migration, its label in
`registry.labels`, and tests.
"""

import enum
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import gettext as _

from registry.domain import DomainError
from registry.extensions import db
from registry.models import (
    ChangeKind,
    ChangeNotice,
    DataCategory,
    ProcessingLocation,
    Purpose,
    Subprocessor,
    SubprocessorStatus,
)
from registry.register.values import DraftError, LocationValues, build_location

ACTIVE, PROPOSED = SubprocessorStatus.ACTIVE, SubprocessorStatus.PROPOSED
ANNOUNCED, RETIRED = SubprocessorStatus.ANNOUNCED, SubprocessorStatus.RETIRED
# The vocabularies a new-purpose notice extends, by the key used in `proposed_terms`.
EXTENDABLE_TERMS = {"purposes": Purpose, "data_categories": DataCategory}


class Place(enum.StrEnum):
    """What the change does to a location."""

    NEW = "new"  # the change brings it in
    LEAVING = "leaving"  # the change takes it away
    STAYING = "staying"  # it stays as it is


class ChangeError(DomainError):
    """A notice cannot be announced, withdrawn or applied as asked; the message says why."""


@dataclass(frozen=True)
class NewTerms:
    """Purposes and data categories, by code, that an engaged subprocessor is to take on."""

    purposes: list[str] = field(default_factory=list)
    data_categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Proposal:
    """What an announcement proposes beyond the subprocessor it is about; each kind takes at
    most one of these."""

    replaces: Subprocessor | None = None
    new_location: LocationValues | None = None
    new_terms: NewTerms | None = None


class NoticeKind(ABC):
    """The steps of one kind of notice. The defaults fit a change to an engaged subprocessor
    that stays engaged."""

    kind: ClassVar[ChangeKind]
    # The subprocessor's status needed to announce, while announced, once effective, and after
    # a withdrawal.
    needs: ClassVar[SubprocessorStatus] = ACTIVE
    while_announced: ClassVar[SubprocessorStatus] = ACTIVE
    once_effective: ClassVar[SubprocessorStatus] = ACTIVE
    after_withdrawal: ClassVar[SubprocessorStatus] = ACTIVE
    # The one field of `Proposal` this kind carries, if any.
    carries: ClassVar[str | None] = None
    # Whether customers may object: only an editorial correction takes no objections.
    takes_objections: ClassVar[bool] = True
    # Whether the change brings something in that a customer authorises (GDPR Art. 28(2)): a
    # customer with specific authorisation must approve it, and while a customer's objection
    # is open the change is held for that customer. Taking a subprocessor away needs neither.
    needs_authorisation: ClassVar[bool] = True

    def check(self, subprocessor: Subprocessor, proposal: Proposal) -> None:
        """Raise ChangeError unless `proposal` carries exactly what this kind needs, valid."""
        for name, missing in _CARRIED.items():
            if (name == self.carries) != (getattr(proposal, name) is not None):
                raise ChangeError(missing())

    def incoming_locations(
        self, subprocessor: Subprocessor, proposal: Proposal
    ) -> list[ProcessingLocation]:
        """The locations, and so the transfers, that the change brings in."""
        return []

    @abstractmethod
    def changes(self, subprocessor: Subprocessor, proposal: Proposal) -> list[dict]:
        """What the public record lists as changing: each field, before and after."""

    def places(self, subprocessor: Subprocessor, proposal: Proposal) -> list[tuple]:
        """Each location the change concerns, with its importer and what the change does to it
        (`Place`): by default the subprocessor's own, which stay as they are."""
        return [(location, subprocessor, Place.STAYING) for location in subprocessor.locations]

    def take_effect(self, notice: ChangeNotice) -> None:
        """Change the register as announced; the notice is becoming effective."""
        notice.subprocessor.status = self.once_effective


class Addition(NoticeKind):
    kind = ChangeKind.ADDITION
    needs, while_announced, once_effective, after_withdrawal = (
        PROPOSED,
        ANNOUNCED,
        ACTIVE,
        PROPOSED,
    )

    def check(self, subprocessor, proposal):
        super().check(subprocessor, proposal)
        if not subprocessor.locations:
            raise ChangeError(
                _(
                    "%(name)s has no processing location: say where it processes the data "
                    "before announcing it.",
                    name=subprocessor.name,
                )
            )

    def incoming_locations(self, subprocessor, proposal):
        return list(subprocessor.locations)

    def changes(self, subprocessor, proposal):
        fields = register_fields(subprocessor)
        return [{"field": name, "before": None, "after": value} for name, value in fields.items()]

    def places(self, subprocessor, proposal):
        return [(location, subprocessor, Place.NEW) for location in subprocessor.locations]


class Removal(NoticeKind):
    kind = ChangeKind.REMOVAL
    once_effective = RETIRED
    needs_authorisation = False

    def changes(self, subprocessor, proposal):
        fields = register_fields(subprocessor)
        return [{"field": name, "before": value, "after": None} for name, value in fields.items()]

    def places(self, subprocessor, proposal):
        return [(location, subprocessor, Place.LEAVING) for location in subprocessor.locations]


class Replacement(Addition):
    """The newcomer goes as an addition does; the one it replaces is retired when it takes
    effect."""

    kind = ChangeKind.REPLACEMENT
    carries = "replaces"

    def check(self, subprocessor, proposal):
        super().check(subprocessor, proposal)
        replaced = proposal.replaces
        if replaced.status is not ACTIVE or open_notice(replaced) is not None:
            raise ChangeError(
                _(
                    "%(name)s is not an active subprocessor free of other announced changes.",
                    name=replaced.name,
                )
            )

    def changes(self, subprocessor, proposal):
        old, new = register_fields(proposal.replaces), register_fields(subprocessor)
        return [{"field": name, "before": old[name], "after": new[name]} for name in new]

    def places(self, subprocessor, proposal):
        replaced = proposal.replaces
        return [
            *super().places(subprocessor, proposal),
            *[(location, replaced, Place.LEAVING) for location in replaced.locations],
        ]

    def take_effect(self, notice):
        super().take_effect(notice)
        notice.replaced_subprocessor.status = RETIRED


class NewLocation(NoticeKind):
    """A new location for an engaged subprocessor: it stays active; the location is added."""

    kind = ChangeKind.NEW_LOCATION
    carries = "new_location"

    def check(self, subprocessor, proposal):
        super().check(subprocessor, proposal)
        try:
            build_location(proposal.new_location)
        except DraftError as error:
            raise ChangeError(str(error)) from None

    def incoming_locations(self, subprocessor, proposal):
        return [build_location(proposal.new_location)]

    def changes(self, subprocessor, proposal):
        locations = register_fields(subprocessor)["locations"]
        new = proposal.new_location
        added = {
            "country": new.country.upper(),
            "role": new.role,
            "city": new.city or None,
            "transfer_tool": new.transfer_tool,
        }
        return [{"field": "locations", "before": locations, "after": [*locations, added]}]

    def places(self, subprocessor, proposal):
        added = build_location(proposal.new_location)
        return [*super().places(subprocessor, proposal), (added, subprocessor, Place.NEW)]

    def take_effect(self, notice):
        super().take_effect(notice)
        values = LocationValues(**notice.proposed_location)
        notice.subprocessor.locations.append(build_location(values))


class NewPurpose(NoticeKind):
    """New purposes or data categories for an engaged subprocessor: it stays active."""

    kind = ChangeKind.NEW_PURPOSE
    carries = "new_terms"

    def check(self, subprocessor, proposal):
        super().check(subprocessor, proposal)
        new_terms = proposal.new_terms
        if not (new_terms.purposes or new_terms.data_categories):
            raise ChangeError(_("Choose at least one new purpose or data category."))
        for key, model in EXTENDABLE_TERMS.items():
            codes = getattr(new_terms, key)
            held = {term.code for term in getattr(subprocessor, key)} & set(codes)
            if held:
                raise ChangeError(
                    _(
                        "%(name)s already has: %(codes)s.",
                        name=subprocessor.name,
                        codes=", ".join(sorted(held)),
                    )
                )
            terms(model, codes)

    def changes(self, subprocessor, proposal):
        fields = register_fields(subprocessor)
        return [
            {
                "field": key,
                "before": fields[key],
                "after": fields[key] + [term.name for term in terms(model, codes)],
            }
            for key, model in EXTENDABLE_TERMS.items()
            if (codes := getattr(proposal.new_terms, key))
        ]

    def take_effect(self, notice):
        super().take_effect(notice)
        for key, codes in (notice.proposed_terms or {}).items():
            getattr(notice.subprocessor, key).extend(terms(EXTENDABLE_TERMS[key], codes))


class Editorial(NoticeKind):
    """A correction of wording, published at once and in effect when published
    (`changes.publish_editorial`): never announced, nothing to object to."""

    kind = ChangeKind.EDITORIAL
    takes_objections = False
    needs_authorisation = False

    def check(self, subprocessor, proposal):
        raise ChangeError(_("An editorial change is published at once, not announced."))

    def changes(self, subprocessor, proposal):
        return []  # never announced: `changes.publish_editorial` records the corrections

    def places(self, subprocessor, proposal):
        return []


KINDS: dict[ChangeKind, NoticeKind] = {
    kind_class.kind: kind_class()
    for kind_class in (Addition, Removal, Replacement, NewLocation, NewPurpose, Editorial)
}


def kind_of(notice: ChangeNotice) -> NoticeKind:
    return KINDS[notice.kind]


def stored_proposal(proposal: Proposal) -> dict:
    """The proposal as the notice's columns keep it."""
    return {
        "replaced_subprocessor": proposal.replaces,
        "proposed_location": asdict(proposal.new_location) if proposal.new_location else None,
        "proposed_terms": asdict(proposal.new_terms) if proposal.new_terms else None,
    }


def open_notice(subprocessor: Subprocessor) -> ChangeNotice | None:
    """The announced notice about `subprocessor`, as the subject or as the one replaced."""
    from registry.models import NoticeState

    return db.session.scalar(
        sa.select(ChangeNotice).where(
            sa.or_(
                ChangeNotice.subprocessor_id == subprocessor.id,
                ChangeNotice.replaced_subprocessor_id == subprocessor.id,
            ),
            ChangeNotice.state == NoticeState.ANNOUNCED,
        )
    )


def terms(model, codes: list[str]) -> list:
    """The vocabulary terms with these codes, in the order given. Raises ChangeError."""
    found = db.session.scalars(sa.select(model).where(model.code.in_(codes))).all()
    missing = set(codes) - {term.code for term in found}
    if missing:
        raise ChangeError(_("Unknown terms: %(codes)s.", codes=", ".join(sorted(missing))))
    return sorted(found, key=lambda term: codes.index(term.code))


def register_fields(subprocessor: Subprocessor) -> dict:
    """A subprocessor's entry as a notice records it, field by field."""
    return {
        "name": subprocessor.name,
        "legal_name": subprocessor.legal_name,
        "address": subprocessor.address,
        "country": subprocessor.country_code,
        "recipient_category": subprocessor.recipient_category.name,
        "purposes": [term.name for term in subprocessor.purposes],
        "services": [term.name for term in subprocessor.services],
        "data_categories": [term.name for term in subprocessor.data_categories],
        "data_subject_categories": [term.name for term in subprocessor.data_subject_categories],
        "locations": [
            {
                "country": location.country_code,
                "role": location.role.value,
                "city": location.city,
                "transfer_tool": location.transfer_tool.value if location.transfer_tool else None,
            }
            for location in subprocessor.locations
        ],
        "engaged_by": [entity.name for entity in subprocessor.entities],
    }


_CARRIED = {
    "replaces": lambda: _("A replacement names the active subprocessor it replaces."),
    "new_location": lambda: _("A new location notice gives the location."),
    "new_terms": lambda: _("A notice of new purposes or data categories names them."),
}
