"""The phone: a join form, then the game over Socket.IO."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale

from ..clock import utcnow
from ..database.autocommit import each_statement_commits
from ..extensions import db
from ..game import RuleError
from ..live import announce, sessions
from ..live.messages import error_answer
from ..live.throttle import counting_attempts, recent_attempts, record_attempt
from ..live.tokens import normalise_code
from ..models import GameSession, Member, Team
from ..records import teams

bp = Blueprint("play", __name__)

_STATUS = {"unknown_code": 404, "name_taken": 409, "session_over": 410, "room_locked": 403}


@bp.get("/join")
@bp.get("/join/<code>")
def join_page(code: str = ""):
    return render_template("play.html", code=normalise_code(code)[:12])


def _find(code: str, address: str, window: timedelta) -> tuple[GameSession | None, bool]:
    """The session ``code`` names, and whether ``address`` has tried too many wrong codes.

    One query when the code is right (the common case, a room joining at once)."""
    now = utcnow()
    found, failures = sessions.find_session_and_count(code, counting_attempts("join", address, now, window))
    if failures is None:
        failures = recent_attempts("join", address, now, window)
    return found, failures >= current_app.config["JOIN_FAILURES_LIMIT"]


@bp.get("/api/rooms/<code>")
def room(code: str):
    """What a phone needs before joining: the team whose roster it picks a name from, if any."""
    address = request.remote_addr or "unknown"
    window = timedelta(seconds=current_app.config["JOIN_FAILURES_WINDOW_SECONDS"])
    found, throttled = _find(code[:40], address, window)
    if throttled:
        return error_answer("too_many_joins"), 429
    if found is None:
        record_attempt("join", address, utcnow(), window)
        return error_answer("unknown_code"), 404
    team = db.session.get(Team, found.team_id) if found.team_id else None
    return {
        "ok": True, "code": found.code,
        "team": {"id": team.id, "name": team.name} if team else None,
        "roster": [{"id": m.id, "name": m.name} for m in teams.roster(team)] if team else [],
    }


@bp.post("/api/join")
def join():
    """JSON {code, name, member_id?} → {token}: the phone keeps the token in localStorage.

    In a session run for a team the phone sends the member it picked from
    the roster (its name comes from there), or a name, which joins the roster.
    """
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(k), str) and len(payload[k]) <= 200 for k in ("code", "name")
    ):
        return error_answer("bad_payload"), 400
    member_id = payload.get("member_id")
    if member_id is not None and (isinstance(member_id, bool) or not isinstance(member_id, int)):
        return error_answer("bad_payload"), 400
    # Up to the join's insert, each statement commits itself: see each_statement_commits.
    each_statement_commits()
    # Wrong codes from one address are counted, so live codes can't be guessed.
    address = request.remote_addr or "unknown"
    window = timedelta(seconds=current_app.config["JOIN_FAILURES_WINDOW_SECONDS"])
    found, throttled = _find(payload["code"], address, window)
    if throttled:
        return error_answer("too_many_joins"), 429
    team = db.session.get(Team, found.team_id) if found is not None and found.team_id else None
    name = payload["name"]
    member = None
    if team is not None and member_id is not None:
        member = db.session.get(Member, member_id)
        if member is None or member.team_id != team.id or member.anonymised:
            return error_answer("unknown_member"), 400
        name = member.name
    try:
        joined = sessions.join(payload["code"], name, str(get_locale()), session=found)
    except RuleError as broken:
        if broken.code == "unknown_code":
            record_attempt("join", address, utcnow(), window)
        return error_answer(broken), _STATUS.get(broken.code, 400)
    if team is not None:
        # A new name joins the roster (or finds its member, however it is spelled).
        member = member or teams.find_or_add_member(team, joined.name)
        teams.link_player(found, joined.player_id, member.id)
    announce.player_joined(joined.session_id, joined.player_id, joined.name, joined.first_round)
    return {"ok": True, "token": joined.token, "code": joined.code, "name": joined.name,
            "member_id": member.id if member else None, "team_id": team.id if team else None}, 201
