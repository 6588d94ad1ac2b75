"""Which language a page speaks, and the switch that changes it.

Order of choice: a page that must speak someone else's language (the
projector speaks its session's), then what this browser chose with the
switch (a cookie, a year long), then the signed-in account's preference
(what the switch last chose on any browser), then the browser's
Accept-Language, then English. Anything unknown or malformed
is skipped, never an error. The command line speaks the terminal's language.
"""

from __future__ import annotations

import os

from flask import Blueprint, current_app, g, has_request_context, redirect, request
from flask_login import current_user

from ..extensions import db
from .redirects import safe_path

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
    chosen_here = known(request.cookies.get(COOKIE))
    if chosen_here:
        return chosen_here
    if current_user and current_user.is_authenticated and known(getattr(current_user, "language", None)):
        return current_user.language
    return request.accept_languages.best_match(
        current_app.config["LANGUAGES"]) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _remembered(chosen: str | None, target: object):
    """Back where the switch was, with the choice kept in this browser's cookie."""
    back = redirect(safe_path(target, "/"))
    if chosen is not None:
        back.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return back


@bp.get("/language/<code>")
def choose_here(code: str):
    """A link (the phone's page uses one): this browser only, never the account,
    since any site can make a browser follow a link."""
    return _remembered(known(code), request.args.get("next"))


@bp.post("/language")
def choose():
    """The switch's form (CSRF-checked): this browser, and the account when signed in."""
    chosen = known(request.form.get("code"))
    if chosen is not None and current_user.is_authenticated and current_user.language != chosen:
        current_user.language = chosen
        db.session.commit()
    return _remembered(chosen, request.form.get("next"))
