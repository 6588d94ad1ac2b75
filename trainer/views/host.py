"""The trainer's pages: set up a session, then run it on the projector."""

from __future__ import annotations

import io

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select

from ..extensions import db
from ..game import RuleError
from ..messages import message_for
from ..models import Card, Deck
from ..network import base_url
from ..sessions import SessionSettings, create_session, find_session, session_for_host

bp = Blueprint("host", __name__, url_prefix="/host")

# The browser that created a session keeps its host token in the signed
# session cookie; only the few most recent sessions are remembered.
_REMEMBERED = 8


def _decks():
    counts = func.count(Card.id).filter(Card.enabled)
    return db.session.execute(
        select(Deck, counts).outerjoin(Card).where(Deck.enabled).group_by(Deck.id).order_by(Deck.name)
    ).all()


def _int(name: str, default: int) -> int:
    try:
        return int(request.form.get(name, default))
    except ValueError:
        return -1


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = {"writing_minutes": 7, "voting_seconds": 90, "rounds_total": 3, "deck_ids": [], "polite": False}
    error = None
    if request.method == "POST":
        deck_ids = tuple(int(d) for d in request.form.getlist("deck") if d.isdigit())
        form = {
            "writing_minutes": _int("writing_minutes", 7),
            "voting_seconds": _int("voting_seconds", 90),
            "rounds_total": _int("rounds_total", 3),
            "deck_ids": list(deck_ids),
            "polite": request.form.get("polite") == "on",
        }
        try:
            game_session, token = create_session(
                SessionSettings(
                    deck_ids, form["writing_minutes"], form["voting_seconds"], form["rounds_total"],
                    profanity_filter=form["polite"],
                )
            )
        except RuleError as broken:
            error = message_for(broken)
        else:
            hosted = dict(session.get("hosted", {}))
            hosted[game_session.code] = token
            session["hosted"] = dict(list(hosted.items())[-_REMEMBERED:])
            return redirect(url_for("host.projector", code=game_session.code))
    return render_template("host_new.html", decks=_decks(), form=form, error=error), 400 if error else 200


def _host_token(code: str) -> str:
    token = session.get("hosted", {}).get(code)
    if token is None or session_for_host(code, token) is None:
        abort(403)
    return token


def join_root() -> str:
    """Where phones reach this server: the LAN address on the projector's port."""
    port = request.host.rpartition(":")[2] if ":" in request.host else None
    return base_url(current_app.config["PUBLIC_URL"], int(port) if port else None, request.scheme)


def join_url(code: str) -> str:
    return f"{join_root()}/join/{code}"


@bp.get("/<code>")
def projector(code: str):
    token = _host_token(code)
    game_session = find_session(code)
    return render_template(
        "host.html", game=game_session, host_token=token,
        join_url=join_url(code), join_page=f"{join_root()}/join",
    )


@bp.get("/<code>/qr.svg")
def qr(code: str):
    _host_token(code)
    buffer = io.BytesIO()
    segno.make(join_url(code), error="m").save(
        buffer, kind="svg", scale=8, border=2, dark="#000", light="#fff", xmldecl=False
    )
    return buffer.getvalue(), 200, {"Content-Type": "image/svg+xml", "Cache-Control": "no-store"}
