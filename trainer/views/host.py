"""The trainer's pages: their sessions, setting one up, then running it on
the projector. Every page needs a trainer or admin signed in; a session's
projector is for its trainer, or any admin."""

from __future__ import annotations

import io
from datetime import datetime

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..accounts.access import may_host
from ..clock import utcnow
from ..coaching import presets
from ..database.ids import row_id
from ..decks import store as deckstore
from ..decks.rules import DIFFICULTIES, THEMES
from ..extensions import db
from ..game import Mode, RuleError, Voting, windows
from ..game.windows import zone_names
from ..live import drills
from ..live.messages import message_for
from ..live.sessions import DRILL, SessionSettings, create_session, find_session
from ..models import Card, Deck, GameSession, Player, User
from ..records import teams
from ..refusals import Refusal
from ..serve import base_url
from .forms import DIFFICULTIES as DIFFICULTY_CHOICES
from .forms import theme_choices
from .language import known, speak

bp = Blueprint("host", __name__, url_prefix="/host")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Anonymous visitors go to the sign-in page, and come back here after."""


def _decks(language: str):
    """Decks to deal from, the session's language first."""
    counts = func.count(Card.id).filter(Card.enabled)
    rows = db.session.execute(
        select(Deck, counts).outerjoin(Card).where(deckstore.IN_PLAY)
        .group_by(Deck.id).order_by(Deck.name)
    ).all()
    return sorted(rows, key=lambda row: row[0].language != language)


def _int(name: str, default: int) -> int:
    try:
        return int(request.form.get(name, default))
    except ValueError:
        return -1


def _picked(name: str, allowed) -> list:
    """The ticked values of a checkbox group that are among ``allowed`` (anything else is ignored)."""
    known = {str(value): value for value in allowed}
    return [known[v] for v in dict.fromkeys(request.form.getlist(name)) if v in known]


def session_rows(user, limit: int, everyone: bool) -> list:
    """(session, players) of ``user``'s sessions (with ``everyone``, all of them), newest first."""
    players = func.count(Player.id)
    query = (
        select(GameSession, players).outerjoin(Player).group_by(GameSession.id)
        .order_by(GameSession.created_at.desc(), GameSession.id.desc()).limit(limit)
    )
    if not everyone:
        query = query.where(GameSession.owner_id == user.id)
    return list(db.session.execute(query).all())


def owner_names() -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.username)).all())


@bp.get("/")
def sessions():
    """The signed-in trainer's sessions (an admin sees everyone's), newest first."""
    everyone = current_user.is_admin
    return render_template("host_sessions.html", rows=session_rows(current_user, 200, everyone),
                           owners=owner_names() if everyone else {})


@bp.route("/new", methods=["GET", "POST"])
def new():
    # A session speaks its trainer's language unless they pick another.
    language = known(request.values.get("language")) or str(get_locale())
    # The form starts from a preset: ?preset=monday, friday, custom or mine-<id>.
    chosen = request.values.get("preset") or "custom"
    settings = presets.find(chosen, current_user.id)
    if settings is None:
        chosen, settings = "custom", presets.find("custom", current_user.id)
    team_arg = request.values.get("team", "")
    # A drill's times are in the trainer's zone: the page's script sends the browser's as ?tz=.
    time_zone = request.values.get("time_zone") or request.values.get("tz") or "UTC"
    if time_zone not in zone_names():
        time_zone = "UTC"
    form = {**settings, "deck_ids": [], "language": language, "preset": chosen, "save_as": "",
            "team_id": row_id(team_arg), "time_zone": time_zone, **default_windows(time_zone),
            # A drill preset's rounds are its cards (one to three).
            "drill_cards": settings["rounds_total"] if settings.get("pace") == DRILL else 1}
    my_teams = teams.visible_teams(current_user)
    decks = _decks(language)
    # Ticked by default when nothing was chosen yet.
    language_decks = {deck.id for deck, _count in decks if deck.language == language}
    error = None
    if request.method == "POST":
        deck_ids = tuple(n for d in request.form.getlist("deck") if (n := row_id(d)))
        form = {
            "writing_minutes": _int("writing_minutes", 7),
            "voting_seconds": _int("voting_seconds", 90),
            "rounds_total": _int("rounds_total", 3),
            "deck_ids": list(deck_ids),
            "polite": request.form.get("polite") == "on",
            "cues": request.form.get("cues") == "on",
            "language": language,
            "mode": request.form.get("mode", Mode.OWN_CARD.value),
            "voting": request.form.get("voting", Voting.VOTES.value),
            "themes": _picked("theme", THEMES),
            "difficulties": _picked("difficulty", DIFFICULTIES),
            "preset": chosen,
            "save_as": request.form.get("save_as", "").strip(),
            "team_id": form["team_id"],
            "pace": request.form.get("pace", "live"),
            # As posted: a zone that isn't one is refused with a sentence, not read as UTC.
            "time_zone": request.form.get("time_zone", time_zone),
            **{field: request.form.get(field, "") for field in WINDOW_FIELDS},
            "drill_cards": _int("drill_cards", 1),
        }
        if form["pace"] == DRILL:
            form["rounds_total"] = form["drill_cards"]  # what a preset saved from this form keeps
        # A team the trainer may not see is no team at all.
        if form["team_id"] not in {t.id for t in my_teams}:
            form["team_id"] = None
        chosen_settings = SessionSettings(
            deck_ids, form["writing_minutes"], form["voting_seconds"], form["rounds_total"],
            profanity_filter=form["polite"], language=language, mode=form["mode"], voting=form["voting"],
            themes=tuple(form["themes"]), difficulties=tuple(form["difficulties"]), team_id=form["team_id"],
            pace=form["pace"], windows=typed_windows(form), time_zone=form["time_zone"],
            cues_enabled=form["cues"],
        )
        try:
            chosen_settings.check()
            if form["save_as"]:
                # Checked first, saved only with a session that can start: a refused form keeps nothing.
                presets.checked_name(form["save_as"])
            if form["pace"] == DRILL:
                game_session = drills.create_drill(chosen_settings, current_user.id, utcnow(), form["drill_cards"])
            else:
                game_session = create_session(chosen_settings, owner_id=current_user.id)
        except RuleError as broken:
            error = message_for(broken)
        except Refusal as refused:
            error = refused.message
        else:
            if form["save_as"]:
                saved = presets.save(current_user.id, form["save_as"], form)
                flash(_("Preset “%(name)s” saved.", name=saved.name), "ok")
            if form["pace"] == DRILL:
                return redirect(url_for("host.drill", code=game_session.code))
            return redirect(url_for("host.projector", code=game_session.code))
    return render_template(
        "host_new.html", decks=decks, form=form, error=error, language_decks=language_decks,
        presets=_preset_choices(), themes=theme_choices(), difficulties=DIFFICULTY_CHOICES, teams=my_teams,
        time_zones=sorted(zone_names()),
    ), 400 if error else 200


WINDOW_FIELDS = ("writing_opens", "writing_closes", "voting_closes")


def default_windows(time_zone: str) -> dict[str, str]:
    """The drill's default windows as the form's datetime-local values: now, Thursday noon, Friday noon."""
    where = windows.zone(time_zone)
    found = windows.defaults(utcnow().replace(second=0, microsecond=0), where)
    return {
        field: windows.to_local(instant, where).strftime("%Y-%m-%dT%H:%M")
        for field, instant in zip(WINDOW_FIELDS, (found.writing_opens, found.writing_closes,
                                                  found.voting_closes), strict=True)
    }


def typed_windows(form: dict) -> windows.Windows | None:
    """The windows the trainer typed, in their zone; an opening in the past opens now."""
    if form["time_zone"] not in zone_names():
        return None
    where = windows.zone(form["time_zone"])
    found = []
    for field in WINDOW_FIELDS:
        try:
            found.append(windows.to_utc(datetime.strptime(form.get(field, "").strip(), "%Y-%m-%dT%H:%M"), where))
        except (ValueError, OverflowError):  # not a time, or one at the edge of the calendar
            return None
    now = utcnow()
    return windows.Windows(max(found[0], now), found[1], found[2])


def _preset_choices() -> list[dict]:
    """The shipped presets, then the trainer's own."""
    shipped = [
        {"key": key, "name": str(presets.SHIPPED_NAMES[key]), "hint": str(presets.SHIPPED_HINTS[key]), "id": None}
        for key in presets.SHIPPED
    ]
    own = [
        {"key": f"mine-{p.id}", "name": p.name, "hint": "", "id": p.id} for p in presets.own_presets(current_user.id)
    ]
    return shipped + own


@bp.post("/presets/<int:preset_id>/delete")
def delete_preset(preset_id: int):
    """A trainer deletes one of their own presets (anyone else's is not found)."""
    if not presets.delete(current_user.id, preset_id):
        abort(404)
    flash(_("Preset deleted."), "ok")
    return redirect(url_for("host.new", language=request.form.get("language") or None))


def hosted_session(code: str) -> GameSession:
    """The session with this code, for its trainer or an admin: 404 or 403 otherwise."""
    game_session = find_session(code)
    if game_session is None:
        abort(404)
    if not may_host(current_user, game_session):
        abort(403)
    return game_session


def join_root() -> str:
    """Where phones reach this server: the LAN address on the projector's port."""
    port = request.host.rpartition(":")[2] if ":" in request.host else None
    return base_url(current_app.config["PUBLIC_URL"], int(port) if port else None, request.scheme)


def join_url(code: str) -> str:
    return f"{join_root()}/join/{code}"


@bp.get("/<code>")
def projector(code: str):
    game_session = hosted_session(code)
    if game_session.pace == DRILL and game_session.phase in ("lobby", "writing", "voting"):
        # A running drill has no room to project: its page shows where it is.
        return redirect(url_for("host.drill", code=game_session.code))
    speak(game_session.language)  # the projector speaks the session's language
    return render_template(
        "host.html", game=game_session, join_url=join_url(game_session.code), join_page=f"{join_root()}/join",
    )


@bp.get("/<code>/qr.svg")
def qr(code: str):
    game_session = hosted_session(code)
    buffer = io.BytesIO()
    segno.make(join_url(game_session.code), error="m").save(
        buffer, kind="svg", scale=8, border=2, dark="#000", light="#fff", xmldecl=False
    )
    return buffer.getvalue(), 200, {"Content-Type": "image/svg+xml", "Cache-Control": "no-store"}


# The drill's pages add their routes to this blueprint.
from . import drills as _drill_pages  # noqa: E402, F401
