"""The subprocessor and international-transfer registry: the Flask application."""

import os

from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from registry import config, labels
from registry.database import IdConverter
from registry.errors import register_error_handlers
from registry.extensions import babel, csrf, db, limiter, login_manager, migrate
from registry.history import signing
from registry.http_guards import register_http_guards
from registry.i18n import register_i18n, select_locale
from registry.operations import register_operations
from registry.response_cache import register_response_cache


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application from the environment, or from `test_config` in the tests."""
    app = Flask(
        __name__,
        instance_path=_instance_path(),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_mapping(config.from_environment(os.environ))
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.key_from_instance(
            app.instance_path, config.SECRET_KEY_FILE
        )
    if not app.config.get("AUDIT_KEY"):
        # Outside the database: whoever can rewrite the trail there cannot recompute its hashes.
        app.config["AUDIT_KEY"] = config.key_from_instance(app.instance_path, config.AUDIT_KEY_FILE)
    if not app.config.get("SIGNING_KEY"):
        # Signs the register's snapshots (`registry.history`); its public half is published.
        app.config["SIGNING_KEY"] = config.key_from_instance(
            app.instance_path, signing.SIGNING_KEY_FILE, make=signing.new_private_pem
        )
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["ORG_TIMEZONE"]
    app.config["MAIL_FROM"] = app.config["MAIL_FROM"] or app.config["DPO_EMAIL"]
    app.json.sort_keys = False  # records keep the order a reader expects: name first
    # Block tags leave no blank lines and indentation behind: a long register stays small.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.url_map.converters["id"] = IdConverter
    register_extensions(app)
    register_operations(app)
    register_blueprints(app)
    register_channels(app)
    register_error_handlers(app)
    register_i18n(app)
    register_cli(app)
    register_http_guards(app)
    # Last: its hooks run after the guards, and see the answer before the other after_request.
    register_response_cache(app)
    # The words for the registry's own enumerations, in the reader's language, for every page.
    app.jinja_env.globals["labels"] = labels
    if app.config["PROXY_HOPS"]:
        # Behind a reverse proxy: the client's address (rate limits) and HTTPS (secure cookies,
        # CSRF referrer checks) come from the proxy's X-Forwarded headers, trusted this many hops.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def register_extensions(app: Flask) -> None:
    import registry.history.snapshots  # noqa: F401  (its hooks take the register's snapshots)
    import registry.models  # noqa: F401  (the models must be known before the migrations run)

    db.init_app(app)
    migrate.init_app(app, db)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    # Flask-Login's own context processor loads the user from the database for every page it
    # renders; the proxy loads them only for a template that names them, so that the error
    # pages render while the database cannot be reached, for a logged-in user too.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "admin.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)


def register_blueprints(app: Flask) -> None:
    from registry.admin import blueprint as admin
    from registry.public import blueprint as public

    app.register_blueprint(public)
    app.register_blueprint(admin)


def register_channels(app: Flask) -> None:
    from registry.outbox.channels import register_channel
    from registry.outbox.channels.email import EmailChannel
    from registry.outbox.channels.webhook import WebhookChannel

    register_channel(app, EmailChannel())
    register_channel(app, WebhookChannel())


def register_cli(app: Flask) -> None:
    from registry.cli import (
        audit_group,
        chain_group,
        customers_group,
        demo,
        dpf_group,
        notices,
        register_group,
        setup,
        subscribers,
        users,
        worker,
    )

    app.cli.add_command(demo)
    app.cli.add_command(notices)
    app.cli.add_command(audit_group)
    app.cli.add_command(users)
    app.cli.add_command(worker)
    app.cli.add_command(subscribers)
    app.cli.add_command(customers_group)
    app.cli.add_command(dpf_group)
    app.cli.add_command(chain_group)
    app.cli.add_command(setup)
    app.cli.add_command(register_group)


def _load_user(session_id: str):
    """The session's user, or None once deactivated or once the session's version is not the
    user's (they logged out since): those sessions are over, wherever their cookie went."""
    from registry.models import User

    user_id, _, version = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or version != str(user.session_version):
        return None
    return user


def _instance_path() -> str | None:
    path = os.environ.get("INSTANCE_PATH")
    return os.path.abspath(path) if path else None
