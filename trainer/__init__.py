"""Too Sandy: a realtime training game for customer-facing teams."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from . import paths
from .config import CONTENT_SECURITY_POLICY, DATABASE_POOL, DEFAULTS, data_dir
from .database import pragmas  # noqa: F401  (SQLite settings on every connection)
from .extensions import babel, csrf, db, login_manager, migrate, socketio
from .i18n import catalogs


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        # The data folder: a checkout's instance/, else TRAINER_DATA_DIR or the per-user one (config.data_dir).
        instance_path=str(data_dir()),
        static_folder=str(paths.STATIC),
        template_folder=str(paths.TEMPLATES),
    )
    # Layers: defaults, instance/config.py, TRAINER_* environment, tests.
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TRAINER")
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _database_url(app)
    _secret_key(app)
    _cookie_security(app)
    _behind_proxies(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS))
    from .views.language import pick_locale

    catalogs.ensure_compiled()  # a fresh clone has only the .po sources: never English by accident
    babel.init_app(app, locale_selector=pick_locale)
    csrf.init_app(app)
    _login(app)
    from . import sockets
    from .sockets import codec

    sockets.register()
    from .live.queue import client_manager

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        # Always given, None included: init_app keeps options between apps.
        client_manager=client_manager(app.config["MESSAGE_QUEUE"], app.config["MESSAGE_QUEUE_CHANNEL"]),
        max_http_buffer_size=app.config["MAX_SOCKET_MESSAGE_BYTES"],
        # The browser client lives in static/; the server needn't serve it.
        serve_client=False,
        cors_allowed_origins=app.config.get("CORS_ORIGINS"),
        # Packets written by orjson: letters as UTF-8, not \u escapes, and
        # never searched for bytes to attach (trainer/sockets/codec.py).
        serializer=codec.Packet,
        json=codec,
    )

    from .views import register_blueprints

    register_blueprints(app)
    from .views.errors import register_error_pages

    register_error_pages(app)
    from . import assets

    assets.init_app(app)
    app.after_request(_security_headers)
    from flask_babel import get_locale

    from .views.client_strings import client_strings
    from .views.language import NAMES

    app.context_processor(lambda: {"client_strings": client_strings, "get_locale": get_locale,
                                   "LANGUAGE_NAMES": NAMES,
                                   # A CLDR pattern: month names follow the language.
                                   "DATE": "d MMM y, HH:mm"})

    from . import cli

    cli.register(app)
    with app.app_context():
        _prepare_schema(app)
        if app.config["LOAD_SHIPPED_DECKS"]:
            from .decks.shipped import load_shipped_decks

            load_shipped_decks(paths.DECKS)
    return app


def _database_url(app: Flask) -> None:
    url = app.config["DATABASE_URL"] or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + str(Path(app.instance_path) / "too-sandy.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not url.startswith("sqlite") and not app.config.get("SQLALCHEMY_ENGINE_OPTIONS"):
        # Under eventlet a handler holds its connection across every round
        # trip, so a thousand phones keep dozens busy: SQLAlchemy's 5 + 10
        # ran out at 1,000 phones and votes waited 30 s for one. Two
        # workers at 40 each fit PostgreSQL's default 100 (docs/deploy.md).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(DATABASE_POOL)


def _prepare_schema(app: Flask) -> None:
    """Migrations own the schema; tests may ask for create_all, for speed."""
    mode = app.config["SCHEMA"]
    if mode == "upgrade":
        from .database.schema import upgrade_database

        upgrade_database()
    elif mode == "create_all":
        db.create_all()
    elif mode != "none":
        raise ValueError(f"SCHEMA must be upgrade, create_all or none, not {mode!r}")


def _cookie_security(app: Flask) -> None:
    """Cookies go over HTTPS only when the server is published over HTTPS."""
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = str(app.config.get("PUBLIC_URL", "")).startswith("https://")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")


def _login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from .accounts import access  # noqa: F401  (registers the user loader)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"


def _secret_key(app: Flask) -> None:
    """TRAINER_SECRET_KEY, or one made on first run and kept in the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _behind_proxies(app: Flask) -> None:
    """Behind nginx every request comes from nginx's address: with
    TRAINER_TRUSTED_PROXIES=1 (one proxy in front) the client's address and
    scheme are read from the X-Forwarded-For and X-Forwarded-Proto headers it
    sets. Never trusted otherwise: anyone can send those headers."""
    hops = int(app.config["TRUSTED_PROXIES"] or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
