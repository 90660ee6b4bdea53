"""The processing chain: the subprocessors our subprocessors engage, to any depth.

EDPB Opinion 22/2024 (paragraphs 24 and 40) asks that the controller can know every processor in
the chain: its name, address, a contact person, what it does and where, with the ground of every
onward transfer out of the EEA. A sub-subprocessor is a `Subprocessor` like any other (its
locations, grounds and measures are judged by the same engine, and it is announced, objected to
and made effective by the same notices), engaged by another rather than by one of our entities
(`engaged_directly` false), through a `ChainLink` that says what it does for that one. It serves
the data of the one that engages it: it is drafted with that one's services, purposes, data and
entities, so the customers a notice of it concerns are those of the chain above it.

Every step is on the audit trail; the caller commits.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit
from registry.domain import DomainError
from registry.extensions import db
from registry.models import ChainLink, Subprocessor
from registry.register import drafts
from registry.register.values import DraftValues
from registry.single_line import has_line_breaks


class ChainError(DomainError):
    """The chain cannot be changed as asked; the message says why."""


@dataclass(frozen=True)
class ChainMember:
    """A company a subprocessor engages, as the admin's form gives it."""

    name: str
    legal_name: str
    address: str
    country: str
    contact: str
    activity: str
    recipient_category_id: int
    website: str | None = None


def draft_member(parent: Subprocessor, member: ChainMember, actor: str) -> Subprocessor:
    """Draft a company `parent` engages, with the parent's services, purposes, data and
    entities, and link it under the parent. Its locations are added to the draft as to any
    other; it is then announced like any addition. Raises ChainError or DraftError."""
    activity = _activity(member.activity)
    contact = _line(member.contact, "contact", 200)
    if not contact:
        raise ChainError(_("Give a contact person or function at the company."), field="contact")
    child = drafts.create_draft(
        DraftValues(
            name=member.name,
            legal_name=member.legal_name,
            address=member.address,
            country=member.country,
            website=member.website,
            recipient_category_id=member.recipient_category_id,
            purpose_ids=[term.id for term in parent.purposes],
            service_ids=[term.id for term in parent.services],
            data_category_ids=[term.id for term in parent.data_categories],
            data_subject_category_ids=[term.id for term in parent.data_subject_categories],
            entity_ids=[entity.id for entity in parent.entities],
        ),
        actor,
    )
    child.engaged_directly = False
    child.contact = contact
    link = ChainLink(parent=parent, child=child, activity=activity)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "chain.linked", "chain_link", link.id, after=link_snapshot(link))
    return child


def link(parent: Subprocessor, child: Subprocessor, activity: str, actor: str) -> ChainLink:
    """Record that `parent` engages `child`, a subprocessor already in the registry (the same
    company may serve several). Refused if it would make the chain loop. Raises ChainError."""
    if parent.id == child.id or child.id in ancestors(parent.id):
        raise ChainError(
            _(
                "%(child)s already engages %(parent)s, directly or further down: the chain "
                "would loop.",
                child=child.name,
                parent=parent.name,
            ),
            field="child",
        )
    taken = db.session.scalar(
        sa.select(ChainLink.id).where(
            ChainLink.parent_id == parent.id, ChainLink.child_id == child.id
        )
    )
    if taken is not None:
        raise ChainError(
            _("%(parent)s already engages %(child)s.", parent=parent.name, child=child.name),
            field="child",
        )
    created = ChainLink(parent=parent, child=child, activity=_activity(activity))
    db.session.add(created)
    db.session.flush()
    audit.record(actor, "chain.linked", "chain_link", created.id, after=link_snapshot(created))
    return created


def record_flow_down(subprocessor: Subprocessor, clause: str, signed_on, actor: str) -> None:
    """Record where our contract with a direct subprocessor imposes our obligations on the
    subprocessors it engages (GDPR Art. 28(4)), and when that contract was signed."""
    clause = _line(clause, "flow_down_clause", 200)
    if not clause:
        raise ChainError(_("Name the clause that flows our obligations down."), "flow_down_clause")
    before = {"clause": subprocessor.flow_down_clause, "signed_on": _day(subprocessor)}
    subprocessor.flow_down_clause = clause
    subprocessor.flow_down_signed_on = signed_on
    audit.record(
        actor,
        "chain.flow_down_recorded",
        "subprocessor",
        subprocessor.id,
        before=before,
        after={"clause": clause, "signed_on": _day(subprocessor)},
    )


def ancestors(subprocessor_id: int) -> set[int]:
    """Every subprocessor above `subprocessor_id` in any chain."""
    above: dict[int, set[int]] = {}
    for parent_id, child_id in db.session.execute(
        sa.select(ChainLink.parent_id, ChainLink.child_id)
    ):
        above.setdefault(child_id, set()).add(parent_id)
    found, todo = set(), [subprocessor_id]
    while todo:
        for parent_id in above.get(todo.pop(), ()):
            if parent_id not in found:
                found.add(parent_id)
                todo.append(parent_id)
    return found


def link_snapshot(chain_link: ChainLink) -> dict:
    """What the trail keeps of a hop."""
    return {
        "parent": chain_link.parent.name,
        "child": chain_link.child.name,
        "child_legal_name": chain_link.child.legal_name,
        "activity": chain_link.activity,
    }


def _activity(text: str) -> str:
    activity = _line(text, "activity", 500)
    if not activity:
        raise ChainError(_("Say what the company does for the one that engages it."), "activity")
    return activity


def _line(text: str | None, field: str, longest: int) -> str:
    text = (text or "").strip()
    if has_line_breaks(text):
        raise ChainError(_("This field takes one line."), field=field)
    if len(text) > longest:
        raise ChainError(
            _("This field takes at most %(count)d characters.", count=longest), field=field
        )
    return text


def _day(subprocessor: Subprocessor) -> str | None:
    signed = subprocessor.flow_down_signed_on
    return signed.isoformat() if signed else None
