"""The phone: a join form, then the game over Socket.IO."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale

from ..clock import utcnow
from ..game import RuleError
from ..live import announce, sessions
from ..live.messages import error_answer
from ..live.throttle import recent_attempts, record_attempt
from ..live.tokens import normalise_code

bp = Blueprint("play", __name__)

_STATUS = {"unknown_code": 404, "name_taken": 409, "session_over": 410, "room_locked": 403}


@bp.get("/join")
@bp.get("/join/<code>")
def join_page(code: str = ""):
    return render_template("play.html", code=normalise_code(code)[:12])


@bp.post("/api/join")
def join():
    """JSON {code, name} → {token}: the phone keeps the token in localStorage."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(k), str) and len(payload[k]) <= 200 for k in ("code", "name")
    ):
        return error_answer("bad_payload"), 400
    # Wrong codes from one address are counted, so live codes can't be guessed.
    address = request.remote_addr or "unknown"
    window = timedelta(seconds=current_app.config["JOIN_FAILURES_WINDOW_SECONDS"])
    if recent_attempts("join", address, utcnow(), window) >= current_app.config["JOIN_FAILURES_LIMIT"]:
        return error_answer("too_many_joins"), 429
    try:
        player, token = sessions.join(payload["code"], payload["name"], str(get_locale()))
    except RuleError as broken:
        if broken.code == "unknown_code":
            record_attempt("join", address, utcnow(), window)
        return error_answer(broken), _STATUS.get(broken.code, 400)
    announce.player_joined(player.session, player)
    return {"ok": True, "token": token, "code": player.session.code, "name": player.name}, 201
