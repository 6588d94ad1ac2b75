"""/host: the projector. Connecting needs the session's trainer (or an admin) signed in."""

from __future__ import annotations

import threading

from flask import current_app, request
from flask import session as conn
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, emit, join_room

from ..accounts.access import hostable_session, may_host
from ..clock import utcnow
from ..coaching import debrief
from ..extensions import db
from ..game import RuleError
from ..live import announce, rounds, storage, voting
from ..live.early_end import close_if_done
from ..live.messages import message_for
from ..live.sessions import remove_player, set_locked, set_mode
from ..live.snapshots import host_snapshot
from ..models import GameSession
from ..records import library
from . import schemas
from .base import GameNamespace, answers


def hosted_session() -> GameSession:
    """The connection's session, asked again on every event: a projector left
    open after its trainer signed out (or was signed out everywhere) runs nothing."""
    session = db.session.get(GameSession, conn.get("host_session_id", -1))
    if session is None or not may_host(current_user, session):
        raise RuleError("not_host")
    return session


def debriefed_session() -> GameSession:
    """The hosted session, if it is showing a round's results (the debrief's only time)."""
    session = hosted_session()
    if session.phase not in ("results", "finished"):
        raise RuleError("wrong_phase", phase=session.phase)
    return session


def _turns() -> threading.BoundedSemaphore:
    """This worker's turns for trainers' commands (``COMMANDS_AT_ONCE``).

    Forty trainers pressing *Start* in the same second were forty commands
    interleaved on one hub: each one's round trips queued behind all the
    others', and every room's snapshots behind all forty starts, so the
    first room's phones heard of their round about as late as the last
    room's (issue 29: fan-out p95 440-540 ms on two workers). Taken ten at
    a time, a room's change is read, committed and on its way to its phones
    before the hub is shared with thirty more; the rest wait in front of
    their command, where the trainer's button waits for its answer. The
    burst's work is the same: docs/performance.md has the fan-out and the
    time from the click to the phones, with and without turns.
    """
    return current_app.extensions.setdefault(
        "command_turns", threading.BoundedSemaphore(current_app.config["COMMANDS_AT_ONCE"]))


def _run(change, *args) -> dict:
    """``change(session, *args)`` on the hosted session, then tell the room what it changed.

    The announcement uses the session the command was checked for: asked
    again, its trainer would be read again, a round trip per command at forty rooms.
    """
    with _turns():
        session = hosted_session()
        outcome = change(session, *args)
        if outcome is not None:
            announce.announce(session, outcome.announce)
    return {}


class HostNamespace(GameNamespace):
    def on_connect(self, auth=None):
        # auth = {"code": ...}; who is asking comes from the sign-in cookie.
        session = hostable_session(auth)
        if session is None:
            raise ConnectionRefusedError(message_for("not_host"))
        conn["host_session_id"] = session.id
        # One limit for every screen of this session that the account opens
        # (a projector and a laptop tab share it); the account's other rooms
        # have their own: a training desk may run forty rooms from one account.
        self.owned_by(request.sid, f"user:{current_user.id}:session:{session.id}")
        self.languages[request.sid] = session.language
        join_room(announce.host_room(session.id))
        emit("snapshot", host_snapshot(session, utcnow()))
        if storage.failing():
            emit("storage", {"full": True})

    @answers(schemas.Empty)
    def on_sync(self, _):
        return {"snapshot": host_snapshot(hosted_session(), utcnow())}

    @answers(schemas.Empty)
    def on_next(self, _):
        return _run(rounds.advance, utcnow())

    @answers(schemas.Empty)
    def on_end_phase(self, _):
        return _run(rounds.close_phase, utcnow())

    @answers(schemas.Extend)
    def on_extend(self, data: schemas.Extend):
        return _run(rounds.change_timer, "extend", utcnow(), data.seconds)

    @answers(schemas.Empty)
    def on_pause(self, _):
        return _run(rounds.change_timer, "pause", utcnow())

    @answers(schemas.Empty)
    def on_resume(self, _):
        return _run(rounds.change_timer, "resume", utcnow())

    @answers(schemas.PlayerRef)
    def on_remove_player(self, data: schemas.PlayerRef):
        session = hosted_session()
        player = remove_player(session, data.player_id)
        announce.player_removed(session, player)
        # The removed player may have been the last one everyone waited for.
        close_if_done(session)
        return {}

    @answers(schemas.HideReply)
    def on_hide_reply(self, data: schemas.HideReply):
        session = hosted_session()
        voting.hide_reply(session, data.reply_id, data.hidden)
        # Ballots, the projector's list and the scores all change: redraw all.
        announce.phase_changed(session)
        return {}

    @answers(schemas.Lock)
    def on_lock(self, data: schemas.Lock):
        session = hosted_session()
        set_locked(session, data.locked)
        return {"locked": session.locked}

    @answers(schemas.SetMode)
    def on_set_mode(self, data: schemas.SetMode):
        session = hosted_session()
        set_mode(session, data.mode, data.card_id)
        announce.to_host(session, "snapshot", host_snapshot(session, utcnow()))
        return {"mode": session.mode, "card_id": session.next_card_id}

    @answers(schemas.Pin)
    def on_pin(self, data: schemas.Pin):
        session = debriefed_session()
        debrief.pin(session.id, data.reply_id, data.pinned, getattr(current_user, "id", None))
        announce.to_host(session, "snapshot", host_snapshot(session, utcnow()))
        return {}

    @answers(schemas.StarRef)
    def on_star(self, data: schemas.StarRef):
        """The trainer stars a reply into the library from the results or the debrief."""
        session = debriefed_session()
        if data.starred:
            library.star(data.reply_id, getattr(current_user, "id", None), session.id)
        else:
            library.unstar(data.reply_id, session.id)
        announce.to_host(session, "snapshot", host_snapshot(session, utcnow()))
        return {"starred": data.starred}

    @answers(schemas.Takeaway)
    def on_takeaway(self, data: schemas.Takeaway):
        session = debriefed_session()
        return {"takeaway": debrief.set_takeaway(session.id, session.round_no, data.text)}
