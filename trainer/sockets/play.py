"""/play: the phones. Identity is the player token in the connect ``auth``."""

from __future__ import annotations

from flask import request
from flask import session as conn
from flask_socketio import ConnectionRefusedError, emit, join_room
from sqlalchemy.orm import joinedload

from ..clock import utcnow
from ..database.autocommit import each_statement_commits
from ..extensions import db
from ..game import RuleError, Voting
from ..live import announce, ballot_box, drafts, presence, sessions, submits, voting
from ..live.early_end import check_soon
from ..live.messages import message_for
from ..live.snapshots import player_snapshots
from ..models import Player
from ..views.language import known, speak
from . import schemas
from .base import GameNamespace, answers


def current_player() -> Player:
    """The connection's player, re-read so a removal takes effect at once.

    Its session comes in the same query: every event that asks for the
    player reads the session next, and that would be a second round trip."""
    player = db.session.get(Player, conn.get("player_id", -1), options=[joinedload(Player.session)])
    if player is None or player.removed:
        raise RuleError("not_player")
    return player


class PlayNamespace(GameNamespace):
    def on_connect(self, auth=None):
        try:
            auth = schemas.parse(schemas.PlayerAuth, auth)
        except schemas.PayloadError:
            auth = schemas.PlayerAuth(token="")
        speak(auth.lang)
        # A room connects at once: up to the presence row's insert, each statement commits itself.
        each_statement_commits()
        found = sessions.connecting_player(auth.token)
        if found is None:
            raise ConnectionRefusedError(message_for("not_player"))
        player, was_present = found
        conn["player_id"] = player_id = player.id
        self.owned_by(request.sid, f"player:{player_id}")
        self.languages[request.sid] = sessions.keep_language(player, known(auth.lang))
        session = player.session
        session_id = session.id
        join_room(announce.play_room(session_id))
        join_room(announce.player_room(player_id))
        # Built before the presence row's commit: the commit expires the rows
        # read so far, and every attribute read after it would be a round trip.
        snapshot = player_snapshots(session, utcnow(), only=player)[player_id]
        if presence.arrive(request.sid, player, was_present):
            announce.presence_changed(session_id, player_id, away=False)
        emit("snapshot", snapshot)

    def on_disconnect(self, reason=None):
        player = presence.leave(request.sid)
        if player is None or player.removed:
            return
        session_id = player.session_id
        announce.presence_changed(session_id, player.id, away=True)
        # The one everybody waited for has gone: don't keep the room waiting
        # (counted with the worker's other rooms, as submits and votes are).
        check_soon(session_id)

    @answers(schemas.Empty)
    def on_sync(self, _):
        player = current_player()
        return {"snapshot": player_snapshots(player.session, utcnow(), only=player)[player.id]}

    @answers(schemas.Text)
    def on_draft(self, data: schemas.Text):
        drafts.save(conn.get("player_id", -1), data.round, data.text, utcnow())

    @answers(schemas.Text)
    def on_submit(self, data: schemas.Text):
        # With the other submits arriving now, in one transaction (live/submits.py).
        player_id = conn.get("player_id", -1)
        stored = submits.submit(player_id, data.round, data.text, utcnow())
        check_soon(stored.session_id, submitted_by=player_id)
        return {"submitted": stored.text}

    @answers(schemas.ReplyRef)
    def on_vote(self, data: schemas.ReplyRef):
        # With the other votes arriving now, in one transaction (live/ballot_box.py).
        cast = ballot_box.vote(conn.get("player_id", -1), data.reply_id, data.request_id, data.criterion)
        check_soon(cast.session_id)
        return voting.choices_payload(cast.choices, cast.awards)

    @answers(schemas.ReplyRef)
    def on_unvote(self, data: schemas.ReplyRef):
        player = current_player()
        session = player.session
        session_id, awards = session.id, session.voting == Voting.AWARDS
        mine = voting.retract_vote(player, session, data.reply_id, data.criterion)
        check_soon(session_id)
        return voting.choices_payload(mine, awards)
