"""The Flask application: ``create_app`` is the one factory.

It is a list of small ``register_*`` steps so that each concern (extensions,
blueprints, errors, security headers, CLI, Celery) can be read on its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import BaseConfig, get_config

BASE_DIR = Path(__file__).resolve().parent.parent


def create_app(config: type[BaseConfig] | str | None = None, **overrides) -> Flask:
    config_class = get_config(config) if (config is None or isinstance(config, str)) else config
    config_class.validate()

    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=os.environ.get("INSTANCE_PATH", str(BASE_DIR / "instance")),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))

    register_proxies(app)
    register_inputs(app)
    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_error_handlers(app)
    register_security(app)
    register_templating(app)
    register_page_cache(app)
    register_cli(app)
    register_celery(app)
    register_email_attachments(app)
    return app


def instance_secret_key(instance_path: Path) -> str:
    """The embedded default's key: random, made once, kept under instance/."""
    import secrets

    path = instance_path / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def register_proxies(app: Flask) -> None:
    """Believe the X-Forwarded-* headers of TRUSTED_PROXIES proxies, no more."""
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted, x_port=trusted)


def register_inputs(app: Flask) -> None:
    from permits.inputs import register as register_input_rules

    register_input_rules(app)


def register_extensions(app: Flask) -> None:
    from permits import models  # noqa: F401  (registers the tables)
    from permits.cli import register_migrations
    from permits.database import configure_engine_events
    from permits.extensions import babel, csrf, db, limiter, login_manager
    from permits.i18n import select_locale, select_timezone

    db.init_app(app)
    register_migrations(app, str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    from permits.auth.loader import load_user

    login_manager.user_loader(load_user)

    with app.app_context():
        configure_engine_events(db.engine)

    from permits.storage import init_storage

    init_storage(app)


BLUEPRINTS = (
    # (module, url prefix)
    ("permits.main.views", None),
    ("permits.auth.views", "/auth"),
    ("permits.account.views", "/account"),
    ("permits.admin.views", "/admin"),
    ("permits.outbox_admin.views", "/admin/outbox"),
    ("permits.locations.views", "/sites"),
    ("permits.portal.views", "/applications"),
    ("permits.portal.money", None),
    ("permits.issued.views", "/permits"),
    ("permits.review.views", "/review"),
    ("permits.sites.views", "/review/sites"),
    ("permits.inbox.views", "/notifications"),
    ("permits.verify.views", "/verify"),
    ("permits.statistics.views", None),
    ("permits.finance.views", "/finance"),
    ("permits.webhooks.views", "/webhooks"),
    ("permits.opendata.views", "/open-data"),
    ("permits.api.views", "/api/v1"),
)


def register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for module, prefix in BLUEPRINTS:
        app.register_blueprint(import_module(module).bp, url_prefix=prefix)
    if app.config.get("DEV_MAILBOX_PAGE"):
        from permits.dev.views import bp as dev_bp

        app.register_blueprint(dev_bp, url_prefix="/dev")


def register_api(app: Flask) -> None:
    """The JSON API's Bearer authentication and problem details for every path under /api/."""
    from permits.api.views import setup

    setup(app)


def register_error_handlers(app: Flask) -> None:
    from permits.errors import register as register_errors

    register_errors(app)


def register_security(app: Flask) -> None:
    from permits.security import register as register_headers

    register_headers(app)


def register_templating(app: Flask) -> None:
    from permits.templating import register as register_template_helpers

    register_template_helpers(app)


def register_page_cache(app: Flask) -> None:
    from permits.page_cache import register as register_public_pages

    register_public_pages(app)


def register_cli(app: Flask) -> None:
    from permits.cli import register as register_commands

    register_commands(app)


def register_celery(app: Flask) -> None:
    from permits.celery_app import celery_init_app

    celery_init_app(app)


def register_email_attachments(app: Flask) -> None:
    """The PDFs e-mails about money carry (the notifications layer imports no
    services, so it is handed the function that draws them)."""
    from permits.notifications.delivery import ATTACHMENTS
    from permits.services.money_documents import email_attachment

    app.extensions[ATTACHMENTS] = email_attachment
