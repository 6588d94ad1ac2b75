"""Which language a page speaks, and the switch that changes it.

Order of choice: a page that must speak someone else's language (the
projector speaks its session's), then the signed-in account's preference,
then what this browser chose with the switch (a cookie, a year long), then
the browser's Accept-Language, then English. Anything unknown or malformed
is skipped, never an error. The command line speaks the terminal's language.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, has_request_context, redirect, request
from flask_login import current_user

from ..extensions import db

bp = Blueprint("language", __name__)

COOKIE = "lang"
# Each name in its own language: that is how people find theirs.
NAMES = {"en": "English", "ru": "Русский", "uk": "Українська", "el": "Ελληνικά"}


def known(code: object) -> str | None:
    """The code if this app speaks it, else None."""
    return code if isinstance(code, str) and code in current_app.config["LANGUAGES"] else None


def speak(code: str | None) -> None:
    """Make the rest of this request speak ``code`` (the projector, a phone's socket)."""
    g.pop("_flask_babel", None)  # Flask-Babel caches the locale on g
    if known(code):
        g.language_override = code
    else:
        g.pop("language_override", None)


@bp.before_app_request
def _fresh_choice() -> None:
    """Each request chooses anew (g outlives a request when an app context is reused)."""
    g.pop("language_override", None)
    g.pop("_flask_babel", None)


@bp.teardown_app_request
def _forget_choice(_error: BaseException | None) -> None:
    """And forgets it after: CSRF refusals answer before ``_fresh_choice`` runs."""
    _fresh_choice()


def command_line_language() -> str | None:
    """The CLI speaks the terminal's language (LC_ALL, LC_MESSAGES or LANG, as gettext reads them)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return known(value.split(".")[0].split("_")[0].lower())
    return None


def pick_locale() -> str | None:
    if not has_request_context():
        return command_line_language()  # None: the default, English
    forced = g.get("language_override")
    if forced:
        return forced
    if current_user and current_user.is_authenticated and known(getattr(current_user, "language", None)):
        return current_user.language
    return known(request.cookies.get(COOKIE)) or request.accept_languages.best_match(
        current_app.config["LANGUAGES"]) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.get("/language/<code>")
def choose(code: str):
    """The switch: remembered in a cookie, and on the account when signed in."""
    back = redirect(_safe_next(request.args.get("next")))
    chosen = known(code)
    if chosen is None:
        return back
    back.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                    secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    if current_user.is_authenticated and current_user.language != chosen:
        current_user.language = chosen
        db.session.commit()
    return back
