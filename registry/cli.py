"""The operator's commands: `flask --app wsgi demo load`, and more as the registry grows.

Every `flask` command first builds the application, which loads the areas its pages use; a
module only a command uses (the demo data, the worker) is imported inside that command, so the
others do not pay for it.
"""

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from registry import accounts, audit, clock, dpf, subscriptions
from registry.chain import watch
from registry.customers import imports, sheets
from registry.dpf import checks as dpf_checks
from registry.extensions import db
from registry.models import ChainSource
from registry.models.accounts import Role
from registry.notices import changes
from registry.register_file import export_bytes, importing
from registry.register_file.outcomes import REFUSED, WRITTEN, RegisterPlan

demo = AppGroup("demo", help="Illustrative demo data.")
audit_group = AppGroup("audit", help="The hash-chained audit trail.")
users = AppGroup("users", help="Users of the admin area.")
notices = AppGroup("notices", help="Change notices.")
subscribers = AppGroup("subscribers", help="Subscribers to the email notices.")
customers_group = AppGroup("customers", help="Customers and their contracts.")
dpf_group = AppGroup("dpf", help="The Data Privacy Framework List and the register.")
chain_group = AppGroup("chain", help="The processing chain: the companies subprocessors engage.")
register_group = AppGroup("register", help="The whole register as one JSON file.")


def _file_to_import(command):
    """What an import command takes: the FILE, --yes to apply without asking, and --actor."""
    command = click.option(
        "--actor",
        metavar="EMAIL",
        help="Who the audit trail names as having imported the file (default: command line).",
    )(command)
    command = click.option("--yes", is_flag=True, help="Apply without asking for confirmation.")(
        command
    )
    return click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(
        command
    )


@click.command("setup")
@with_appcontext
@click.option("--no-demo", is_flag=True, help="Leave an empty register empty.")
def setup(no_demo: bool) -> None:
    """Bring the database to the newest schema, load the demo data into an empty register and
    say how to create the first user (what make run does before it serves, in one process)."""
    from flask_migrate import upgrade

    upgrade()
    if not no_demo:
        _load_demo(if_empty=True)
    _say_how_to_create_the_first_user()


@demo.command("load")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only into a register with no entity and no subprocessor yet (used by make run).",
)
def demo_load(if_empty: bool) -> None:
    """Load the demo entities, vocabularies, subprocessors and customers; running it again adds
    nothing."""
    _load_demo(if_empty)


def _load_demo(if_empty: bool) -> None:
    from registry.demo import load_demo, register_is_empty

    if if_empty and not register_is_empty():
        click.echo("The register already holds data; demo data not loaded.")
        return
    loaded = load_demo()
    db.session.commit()
    if loaded.subprocessors or loaded.entities or loaded.terms or loaded.customers:
        click.echo(
            f"Loaded demo data: {loaded.entities} entities, {loaded.terms} vocabulary terms, "
            f"{loaded.subprocessors} subprocessors with {loaded.locations} processing locations, "
            f"{loaded.customers} customers, {loaded.notices} change notices."
        )
    else:
        click.echo("The demo data is already loaded; nothing changed.")


def _checkpoints(context, parameter, values: tuple[str, ...]) -> dict[int, str]:
    try:
        return dict(audit.parse_checkpoint(value) for value in values)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@audit_group.command("verify")
@click.option(
    "--checkpoint",
    "checkpoints",
    multiple=True,
    callback=_checkpoints,
    metavar="SEQ:HASH",
    help="A head published earlier (feeds, /changes): the trail must still reach it. Repeatable.",
)
def audit_verify(checkpoints: dict[int, str]) -> None:
    """Recompute the hash chain from the first event; name the first link that does not hold.

    Also checks the announcement hash published with every notice and the checkpoints given.
    """
    report = audit.verify(checkpoints)
    if report.intact:
        click.echo(f"The audit trail is intact: {report.checked} events.")
        if report.unkeyed:
            click.echo(
                f"Events 1 to {report.unkeyed} were written before the trail was keyed: "
                "their hashes are plain SHA-256."
            )
        click.echo(f"Its head: {audit.checkpoint()}")
        return
    click.echo(
        f"The audit trail is broken at event {report.broken_at}: {report.problem}. "
        f"{report.checked} events before it are intact.",
        err=True,
    )
    raise SystemExit(1)


@users.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="viewer reads; editor also edits drafts; admin also announces and manages users.",
)
@click.password_option(help="Asked for twice if not given; at least 12 characters.")
def users_create(email: str, role: str, password: str) -> None:
    """Create a user of the admin area; the password is stored as a scrypt hash only."""
    try:
        user = accounts.create_user(email, password, Role(role), actor="command line")
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@users.command("check")
def users_check() -> None:
    """Say how to create the first user when there is none (as `setup` does for make run)."""
    _say_how_to_create_the_first_user()


def _say_how_to_create_the_first_user() -> None:
    if not accounts.has_users():
        click.echo(
            "No user can log in to /admin yet. Create the first one with:\n"
            "    .venv/bin/flask --app wsgi users create you@example.com --role admin"
        )


@users.command("token")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Revoke every API token of the user instead.")
def users_token(email: str, revoke: bool) -> None:
    """Print a new personal API token for the user, once (only its hash is kept); with --revoke,
    revoke the user's tokens. The API reads it from `Authorization: Bearer <token>`."""
    try:
        user = accounts.user_by_email(accounts.normalised_email(email))
        if user is None:
            raise accounts.AccountError(f"There is no user {email}.")
        if revoke:
            revoked = accounts.revoke_api_tokens(user, actor="command line")
        else:
            token = accounts.issue_api_token(user, actor="command line")
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    if revoke:
        click.echo(f"Revoked {revoked} API token(s) of {user.email}.")
    else:
        click.echo(token)
        click.echo(f"API token for {user.email}; it is not shown again.", err=True)


@notices.command("apply-due")
def notices_apply_due() -> None:
    """Make effective every announced change whose objection window has closed (for cron)."""
    applied = changes.apply_due()
    db.session.commit()
    click.echo(f"{applied} change(s) took effect.")


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do one round and stop (for cron).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between rounds when there is nothing to do; at most 1 on SQLite, and on "
    "PostgreSQL a queued message starts a round at once.",
)
def worker(once: bool, interval: float) -> None:
    """Make due changes effective and deliver queued emails; runs until stopped (SIGTERM)."""
    from registry.operations import heartbeat
    from registry.outbox import worker as outbox_worker

    if once:
        outbox_worker.beat(heartbeat.this_worker())
        click.echo(str(outbox_worker.work_round()))
        return
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker: %(message)s")
    click.echo("The worker is running: due changes take effect and emails go out.")
    outbox_worker.run(interval=interval)


@chain_group.command("check")
@click.option(
    "--subprocessor",
    "subprocessor_id",
    type=click.IntRange(min=1),
    help="Check only the list of this subprocessor (its id in the admin's addresses).",
)
def chain_check(subprocessor_id: int | None) -> None:
    """Read each subprocessor's own list of the companies it engages, compare it with the
    recorded chain, and open a review of the differences for an editor; never announces."""
    sources = watch.sources(subprocessor_id)
    if not sources:
        click.echo("No subprocessor has a list to check.")
        return
    results = [check_and_commit(source.id) for source in sources]
    for result in results:
        click.echo(describe_check(result))
    if all(result.error for result in results):
        raise SystemExit(1)


def check_and_commit(source_id: int) -> watch.CheckResult:
    """Check one source in a transaction of its own."""
    result = watch.check(db.session.get(ChainSource, source_id), actor="chain check")
    db.session.commit()
    return result


def describe_check(result: watch.CheckResult) -> str:
    """A line per source, for the operator."""
    head = f"{result.subprocessor} (source {result.source_id}): "
    if result.error:
        return head + f"not read: {result.error}"
    found = (
        f"read {result.read} entries, +{len(result.added)} added, −{len(result.removed)} removed"
    )
    if result.opened:
        return head + f"{found}; review {result.review_id} opened."
    return head + f"{found}; nothing new."


@subscribers.command("erase")
@click.argument("email")
def subscribers_erase(email: str) -> None:
    """Forget a subscriber's address, also in the records of sent emails (GDPR Art. 17)."""
    try:
        known = subscriptions.erase(email)
    except subscriptions.SubscriptionError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Erased {email}." if known else f"{email} was not subscribed; nothing kept.")


@customers_group.command("import")
@_file_to_import
def customers_import(file: Path, yes: bool, actor: str | None) -> None:
    """Import customers from a CSV or XLSX file in the export's columns: show what it would
    create, change and refuse, then apply it in one transaction once confirmed. Exits with 1
    when nothing is applied."""
    actor = _actor(actor)
    try:
        table = sheets.open_table(file.name, file.read_bytes())
        with click.progressbar(table.rows(), length=table.size, label="Reading") as rows:
            parsed = list(rows)
    except sheets.SheetError as error:
        raise click.ClickException(str(error)) from None
    preview = imports.plan(parsed)
    db.session.rollback()  # no lock is held while the operator reads the preview
    _show_plan(preview, file.name)
    if not preview.applicable:
        click.echo("Nothing to apply; nothing was stored.", err=True)
        raise SystemExit(1)
    if not yes and not click.confirm("Apply the file?"):
        click.echo("Nothing was stored.", err=True)
        raise SystemExit(1)
    try:
        kept = imports.store_preview(file.name, parsed, actor)
        steps = imports.applying(kept, actor)
        total = next(steps)[1]
        with click.progressbar(length=total, label="Applying") as bar:
            done = _follow(steps, bar)
    except imports.ImportRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    counts = done.counts()
    click.echo(
        f"Applied: {counts['created']} created, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged, {counts['refused']} refused."
    )


@customers_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def customers_export(file: Path) -> None:
    """Write every customer to FILE, as CSV or XLSX by its extension, in the import's
    columns."""
    kind = file.suffix.lower().lstrip(".")
    if kind not in sheets.FORMATS:
        raise click.BadParameter("name a .csv or an .xlsx file", param_hint="FILE")
    rows = list(sheets.customer_rows())
    file.write_bytes(sheets.csv_bytes(rows) if kind == "csv" else sheets.xlsx_bytes(rows))
    click.echo(f"Wrote {len(rows)} customer(s) to {file}.")


@dpf_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--actor",
    metavar="EMAIL",
    help="Who the audit trail names as having imported the file (default: command line).",
)
def dpf_import(file: Path, actor: str | None) -> None:
    """Import a saved copy of the Data Privacy Framework List (CSV) in place of the last one,
    then print how the register's US importers differ from it. Exits with 1 only when the file
    is refused: then nothing is stored."""
    actor = _actor(actor)
    try:
        imported = dpf.import_list(file.name, file.read_bytes(), actor)
    except dpf.ListFileRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(
        f"Imported {imported.entry_count} entries of the DPF List from {file.name} "
        f"(SHA-256 {imported.sha256})."
    )
    _show_check(dpf_checks.check_register())


@dpf_group.command("check")
def dpf_check() -> None:
    """Print how the register's US importers differ from the last imported DPF List. Exits with
    1 when something differs, or when no list was imported yet."""
    if not _show_check(dpf_checks.check_register()):
        raise SystemExit(1)


def _show_check(report: dpf_checks.ListCheck) -> bool:
    """Print the import compared with and each difference; whether the register agrees."""
    imported = report.imported
    if imported is None:
        click.echo("No DPF List has been imported yet: flask --app wsgi dpf import FILE.", err=True)
        return False
    click.echo(
        f"The DPF List imported on {clock.utc_text(imported.imported_at)} by "
        f"{imported.imported_by} from {imported.filename} ({imported.entry_count} entries, "
        f"SHA-256 {imported.sha256}) is {imported.age_days} day(s) old."
    )
    if imported.stale:
        click.echo(
            f"It is older than {dpf_checks.STALE_AFTER_DAYS} days: import a newer copy.", err=True
        )
    if not report.differences:
        click.echo(f"No difference: {report.checked} US importer(s) checked.")
        return True
    click.echo(f"{len(report.differences)} difference(s), {report.checked} US importer(s) checked:")
    for found in report.differences:
        click.echo(f"  {found.sentence}")
    return False


def _actor(email: str | None) -> str:
    if email is None:
        return "command line"
    try:
        return accounts.normalised_email(email)
    except accounts.AccountError as error:
        raise click.BadParameter(str(error), param_hint="--actor") from None


def _show_plan(preview: imports.ImportPlan, name: str) -> None:
    counts = preview.counts()
    click.echo(
        f"{name}: {len(preview.rows)} rows. It would create {counts['created']} customers, "
        f"change {counts['changed']} and leave {counts['unchanged']} unchanged; "
        f"{counts['refused']} rows are refused."
    )
    for row in preview.of(imports.CHANGED):
        changes = [
            f"{column}: {before or '-'} -> {after or '-'}" for column, before, after in row.changes
        ]
        changes += [f"contact added: {contact}" for contact in row.new_contacts]
        changes += [f"contact kept (not in the file): {contact}" for contact in row.kept_contacts]
        click.echo(f"  changed, row {row.row} ({row.reference}): " + "; ".join(changes))
    for row in preview.of(imports.REFUSED):
        click.echo(f"  refused, row {row.row} ({row.reference or '-'}): {row.reason}")


def _follow(steps, bar) -> imports.ImportPlan:
    """Run the application's steps to their end, moving the progress bar; its plan."""
    while True:
        try:
            count, _total = next(steps)
        except StopIteration as finished:
            return finished.value
        bar.update(count - bar.pos)


@register_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def register_export(file: Path) -> None:
    """Write the whole register to FILE as JSON (the register export; its schema is served at
    /api/v1/schemas/register-export.json)."""
    file.write_bytes(export_bytes())
    click.echo(f"Wrote the register to {file}.")


@register_group.command("import")
@_file_to_import
def register_import(file: Path, yes: bool, actor: str | None) -> None:
    """Import a register file: show what it would create, change, remove and keep, then apply
    it in one transaction once confirmed. Exits with 1 when the file is refused or nothing is
    applied."""
    actor = _actor(actor)
    data = file.read_bytes()
    try:
        preview, _kept = importing.preview(file.name, data, actor)
    except importing.ImportRefused as error:
        raise click.ClickException(str(error)) from None
    db.session.rollback()  # nothing is kept or locked while the operator reads the plan
    _show_register_plan(preview, file.name)
    if preview.refused:
        click.echo("The file is refused; nothing was stored.", err=True)
        raise SystemExit(1)
    if not preview.changes_anything:
        click.echo("The file changes nothing; nothing was stored.")
        return
    if not yes and not click.confirm("Apply the file?"):
        click.echo("Nothing was stored.", err=True)
        raise SystemExit(1)
    try:
        done = importing.import_file(file.name, data, actor)
    except importing.ImportRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    counts = done.counts()
    click.echo(
        f"Applied: {counts['created']} created, {counts['changed']} changed, "
        f"{counts['removed']} removed, {counts['kept']} kept."
    )


def _show_register_plan(preview: RegisterPlan, name: str) -> None:
    counts = preview.counts()
    click.echo(f"{name}: " + ", ".join(f"{count} {outcome}" for outcome, count in counts.items()))
    for item in preview.items:
        if item.outcome == REFUSED:
            click.echo(f"  refused, {item.kind} {item.key} at {item.path}: {item.reason}")
        elif item.outcome in WRITTEN:
            changes = [
                f"{name}: {_shown(before)} -> {_shown(after)}"
                for name, before, after in item.changes
            ]
            click.echo(
                f"  {item.outcome}, {item.kind} {item.key}" + "".join(f"; {c}" for c in changes)
            )
        elif item.reason:
            click.echo(f"  {item.outcome}, {item.kind} {item.key}: {item.reason}")
    if preview.published_changes:
        click.echo(
            f"Warning: {len(preview.published_changes)} of these changes reach the published "
            "register at once, without a notice and its objection window (GDPR Art. 28(2)). "
            "That is right for restoring this installation's own export or moving to a new "
            "installation; an ordinary change must be announced.",
            err=True,
        )


def _shown(value) -> str:
    if value is None or value == []:
        return "-"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)
