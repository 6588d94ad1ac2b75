"""The phone: a join form, then the game over Socket.IO."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, current_app, render_template, request, session
from flask_babel import get_locale

from ..clock import utcnow
from ..database.autocommit import each_statement_commits
from ..extensions import db
from ..game import RuleError
from ..live import announce, sessions
from ..live.messages import error_answer
from ..live.throttle import arrivals, counting_attempts, recent, record_attempts
from ..live.tokens import new_token, normalise_code
from ..models import GameSession, Member, Team
from ..records import teams

bp = Blueprint("play", __name__)

_STATUS = {"unknown_code": 404, "name_taken": 409, "session_over": 410, "room_locked": 403}


@bp.get("/join")
@bp.get("/join/<code>")
def join_page(code: str = ""):
    _device()
    return render_template("play.html", code=normalise_code(code)[:12])


def _device() -> str:
    """This phone's mark for counting its wrong codes: made when it opens the
    join page, kept in its (signed) session cookie."""
    if "device" not in session:
        session["device"] = new_token()[:16]
    return session["device"]


@dataclass(frozen=True)
class _Tries:
    """Where a phone's wrong codes are counted: its own mark (or, with no
    cookie, its address) and its address for every phone behind it."""

    phone: str
    address: str
    window: timedelta

    @classmethod
    def of_this_request(cls) -> _Tries:
        address = request.remote_addr or "unknown"
        phone = f"phone:{session['device']}" if "device" in session else f"address:{address}"
        return cls(phone, address, timedelta(seconds=current_app.config["JOIN_FAILURES_WINDOW_SECONDS"]))

    def counts(self, now) -> tuple:
        return (counting_attempts("join", self.phone, now, self.window),
                counting_attempts("join-address", self.address, now, self.window))

    def too_many(self, phone: int, address: int) -> bool:
        config = current_app.config
        return phone >= config["JOIN_FAILURES_LIMIT"] or address >= config["JOIN_FAILURES_PER_ADDRESS"]

    def record_failure(self) -> None:
        record_attempts([("join", self.phone), ("join-address", self.address)], utcnow(), self.window)


def _find(code: str, tries: _Tries) -> tuple[GameSession | None, bool]:
    """The session ``code`` names, and whether this phone (or its address) has tried too many wrong codes.

    One query when the code is right (the common case, a room joining at once)."""
    now = utcnow()
    found, counts = sessions.find_session_and_count(code, *tries.counts(now))
    if counts is None:
        counts = [recent(query) for query in tries.counts(now)]
    return found, tries.too_many(*counts)


@bp.get("/api/rooms/<code>")
def room(code: str):
    """What a phone needs before joining: the team whose roster it picks a name from, if any."""
    tries = _Tries.of_this_request()
    found, throttled = _find(code[:40], tries)
    if throttled:
        return error_answer("too_many_joins"), 429
    if found is None:
        tries.record_failure()
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
    the roster (its name comes from there), or a name: a guest, whom the
    trainer may add to the roster from the report (phones never grow it).
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
    # Wrong codes are counted, so live codes can't be guessed.
    tries = _Tries.of_this_request()
    found, throttled = _find(payload["code"], tries)
    if throttled:
        return error_answer("too_many_joins"), 429
    if found is not None and not arrivals.admit(found.id, current_app.config["ROOM_ARRIVALS_PER_MINUTE"]):
        return error_answer("room_busy"), 429
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
            tries.record_failure()
        return error_answer(broken), _STATUS.get(broken.code, 400)
    if team is not None:
        # A name on the roster (however it is spelled) is that member; a new
        # name plays as a guest until the trainer adds it to the roster.
        member = member or teams.find_member(team, joined.name)
        if member is not None:
            teams.link_player(found, joined.player_id, member.id)
    announce.player_joined(joined.session_id, joined.player_id, joined.name, joined.first_round)
    return {"ok": True, "token": joined.token, "code": joined.code, "name": joined.name,
            "member_id": member.id if member else None, "team_id": team.id if team else None}, 201
