"""Reading the processing chain: each direct subprocessor's tree of the companies it engages,
each hop judged by the same engine as the register, and the chain's verdict: its weakest hop,
with the path to it ("Harbourline CRM → Cloudway Inc. (US): no valid ground")."""

import sqlalchemy as sa

from registry.extensions import db
from registry.models import ChainLink, Subprocessor, SubprocessorStatus
from registry.register import state
from registry.register.records import RegisterFilter, published_records, published_transfers
from registry.register.transfer_records import Judgement
from transfers.reasons import Verdict

# Weakest first.
RANK = {Verdict.NO_VALID_GROUND.value: 0, Verdict.NEEDS_ATTENTION.value: 1, Verdict.VALID.value: 2}
ARROW = " → "


def chains(
    root_ids: list[int], judgement: Judgement, language: str, recorded: dict | None = None
) -> dict[int, dict]:
    """For each of `root_ids` that engages anyone in effect: its tree (`hops`, each a record of
    the register with `activity`, `path` and its own `hops`) and the chain's weakest hop
    (`weakest`: verdict, path text and reasons), with every hop read in one pass. From the
    register now, or as `recorded` (a published register's document) says."""
    people = _people(recorded)
    below = _engaged(recorded, people)
    reachable = {child for root in root_ids for child in _descendants(root, below)}
    if not reachable:
        return {}
    records = {
        record["id"]: {**record, "contact": people[record["id"]]["contact"]}
        for record in published_records(
            RegisterFilter(chain_ids=tuple(sorted(reachable))), language, judgement, recorded
        )
    }
    found = {}
    for root in root_ids:
        name = people[root]["name"] if root in people else ""
        hops = _hops(root, below, records, (name,), frozenset({root}))
        if hops:
            found[root] = {"hops": hops, "weakest": weakest(hops)}
    return found


def _people(recorded: dict | None) -> dict[int, dict]:
    """Each subprocessor's name and contact (`status` and `engaged_directly` too), by id."""
    if recorded is not None:
        return {document["id"]: document for document in recorded["subprocessors"]}
    rows = db.session.execute(
        sa.select(
            Subprocessor.id,
            Subprocessor.name,
            Subprocessor.contact,
            Subprocessor.status,
            Subprocessor.engaged_directly,
        )
    )
    return {
        row.id: {
            "name": row.name,
            "contact": row.contact,
            "status": row.status.value,
            "engaged_directly": row.engaged_directly,
        }
        for row in rows
    }


def weakest(hops: list[dict]) -> dict | None:
    """The weakest transfer anywhere in `hops` (outside the EEA and judged), with its path."""
    worst = None
    for hop in _walk(hops):
        for location in hop["locations"]:
            transfer = location.get("transfer")
            if location["eea"] or not transfer:
                continue
            rank = RANK.get(transfer["verdict"], 2)
            if worst is None or rank < worst["rank"]:
                worst = {
                    "rank": rank,
                    "verdict": transfer["verdict"],
                    "verdict_name": transfer["verdict_name"],
                    "path": ARROW.join(hop["path"]),
                    "country": location["country"],
                    "country_name": location["country_name"],
                    "reasons": [
                        reason["message"]
                        for reason in transfer["reasons"]
                        if reason["verdict"] == transfer["verdict"]
                    ],
                }
    return worst


def problems(judgement: Judgement, language: str) -> list[dict]:
    """Each direct subprocessor whose chain has a transfer that is not valid: the dashboard's
    list, beside the direct ones."""
    roots = _roots(None)
    names = dict(db.session.execute(sa.select(Subprocessor.id, Subprocessor.name)).all())
    return [
        {"id": root, "name": names[root], **chain["weakest"]}
        for root, chain in chains(roots, judgement, language).items()
        if chain["weakest"] and chain["weakest"]["verdict"] != Verdict.VALID.value
    ]


def _roots(recorded: dict | None) -> list[int]:
    """The active subprocessors our entities engage, by id: where the chains begin."""
    if recorded is not None:
        return [
            document["id"]
            for document in recorded["subprocessors"]
            if document["engaged_directly"] and document["status"] == "active"
        ]
    return list(
        db.session.scalars(
            sa.select(Subprocessor.id)
            .where(
                Subprocessor.engaged_directly.is_(True),
                Subprocessor.status == SubprocessorStatus.ACTIVE,
            )
            .order_by(Subprocessor.id)
        )
    )


def onward_hops(judgement: Judgement, language: str, recorded: dict | None = None) -> list[dict]:
    """Every hop down any chain, once per path from a direct subprocessor, flat: the CSV's
    rows and the onward transfers `/transfers` counts; now, or as `recorded` says."""
    found = chains(_roots(recorded), judgement, language, recorded)
    return [hop for chain in found.values() for hop in _walk(chain["hops"])]


def transfers_with_onward(
    judgement: Judgement, language: str, recorded: dict | None = None
) -> list[dict]:
    """Every location of every subprocessor we engage (`onward` false), then every location
    down their chains, once per path (`onward` true, with the `path` to it): what /transfers
    counts, maps and lists; now, or as `recorded` (a published register's document) says."""
    direct = [
        {**entry, "onward": False, "path": None}
        for entry in published_transfers(judgement, language, recorded)
    ]
    onward = [
        {
            "subprocessor": {"id": hop["id"], "name": hop["name"]},
            **location,
            "onward": True,
            "path": hop["path_text"],
        }
        for hop in onward_hops(judgement, language, recorded)
        for location in hop["locations"]
    ]
    return direct + onward


def engaged_by(subprocessor_id: int) -> list[dict]:
    """The subprocessors that engage this one, by name, with what it does for each."""
    rows = db.session.execute(
        sa.select(Subprocessor.id, Subprocessor.name, ChainLink.activity)
        .join(ChainLink, ChainLink.parent_id == Subprocessor.id)
        .where(ChainLink.child_id == subprocessor_id)
        .order_by(Subprocessor.name)
    )
    return [{"id": row.id, "name": row.name, "activity": row.activity} for row in rows]


def _engaged(recorded: dict | None, people: dict[int, dict]) -> dict[int, list[tuple[int, str]]]:
    """Who engages whom, among subprocessors in effect, by the name of the one engaged."""
    if recorded is not None:
        links = recorded["chain_links"]
    else:  # every parent: the admin shows a draft's chain too
        links = state.chain_link_documents(sa.select(Subprocessor.id))
    below: dict[int, list[tuple[int, str]]] = {}
    in_effect_links = [link for link in links if people[link["child_id"]]["status"] == "active"]
    for link in sorted(
        in_effect_links,
        key=lambda link: (people[link["child_id"]]["name"], link["child_id"], link["parent_id"]),
    ):
        below.setdefault(link["parent_id"], []).append((link["child_id"], link["activity"]))
    return below


def _descendants(root: int, below: dict) -> set[int]:
    found, todo = set(), [root]
    while todo:
        for child, _activity in below.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    found.discard(root)
    return found


def _hops(parent: int, below: dict, records: dict, path: tuple, seen: frozenset) -> list[dict]:
    hops = []
    for child, activity in below.get(parent, ()):
        if child in seen or child not in records:
            continue  # a loop (refused on write) or a company not in effect
        record = records[child]
        hop_path = (*path, f"{record['name']} ({record['country']})")
        hops.append(
            {
                **record,
                "activity": activity,
                "path": hop_path,
                "path_text": ARROW.join(hop_path),
                "hops": _hops(child, below, records, hop_path, seen | {child}),
            }
        )
    return hops


def _walk(hops: list[dict]):
    for hop in hops:
        yield hop
        yield from _walk(hop["hops"])
