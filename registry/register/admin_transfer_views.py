"""Every transfer out of the EEA with its verdict and the reasons for it, for the team (any
role): what the public register no longer shows unless PUBLISH_VERDICTS is set. Takes the same
`on=YYYY-MM-DD` and `assume_ended=<decision>` as the public /transfers page."""

from flask import render_template, request

from registry import clock
from registry.admin import blueprint
from registry.chain import records as chain_records
from registry.history import records as history
from registry.i18n import current_language
from registry.public.parameters import BadParameter, read_judgement
from registry.register.transfer_records import Judgement, verdict_counts
from transfers import adequacy


@blueprint.get("/transfers")
def transfers():
    try:
        judgement, error = read_judgement(request.args), None
    except BadParameter as bad:
        judgement, error = Judgement(clock.today()), str(bad)
    # A past day: the register as its snapshot recorded it, as on the public page.
    snapshot = history.register_on(judgement.day)
    listed = chain_records.transfers_with_onward(
        judgement, current_language(), snapshot and history.recorded(snapshot)
    )
    page = render_template(
        "admin/transfers.html",
        judgement=judgement,
        error=error,
        snapshot=snapshot
        and {**history.reference(snapshot), "local": clock.local_text(snapshot.taken_at)},
        history_begins=history.begins_after(judgement.day, snapshot),
        verdicts=verdict_counts(listed),
        transfers=[entry for entry in listed if entry["transfer"]["status"] != "eea"],
        decisions=[
            entry
            for entry in adequacy.decisions()
            if entry.number in (judgement.assume_ended or {}) or entry.in_force_on(judgement.day)
        ],
    )
    return page, 400 if error else 200
