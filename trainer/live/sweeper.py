"""Closes phases whose deadline passed, including those that passed while
the server was down, and opens drills whose writing window has started.
Safe with several workers: closing and opening are conditional, so each
phase is closed (or opened), and announced, exactly once."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from ..clock import utcnow
from ..extensions import db, socketio
from ..models import GameSession, Player
from . import announce, drills, rounds, storage
from .sessions import overdue_session_ids
from .snapshots import player_snapshots

INTERVAL_SECONDS = 0.5


def sweep_once() -> int:
    """Close every overdue phase now; returns how many this call closed."""
    if not storage.settled():
        return 0  # phones are still resending what the database refused
    now = utcnow()
    closed = 0
    for session_id in overdue_session_ids(now, grace=timedelta(0)):
        session = db.session.get(GameSession, session_id)
        if session is None:
            continue
        outcome = rounds.close_overdue(session, now)
        if outcome is not None:
            closed += 1
            announce.announce(session, outcome.announce)
    for session, outcome in drills.open_due(now):
        closed += 1
        announce.announce(session, outcome.announce)
    for session_id, player_id in drills.deal_stragglers():
        _send_card(session_id, player_id)
    return closed


def _send_card(session_id: int, player_id: int) -> None:
    """A phone dealt late gets its card without asking."""
    player = db.session.get(Player, player_id)
    if player is None:
        return
    snapshot = player_snapshots(player.session, utcnow(), only=player)[player_id]
    socketio.emit("snapshot", snapshot, namespace=announce.PLAY_NS, to=announce.player_room(player_id))


def run_forever(app: Flask) -> None:
    while True:
        try:
            with app.app_context():
                sweep_once()
        except Exception as error:  # keep sweeping; one bad session must not stop the rest
            with app.app_context():
                storage.background_failed(error, "deadline sweep")
        socketio.sleep(INTERVAL_SECONDS)


def start(app: Flask) -> None:
    socketio.start_background_task(run_forever, app)
