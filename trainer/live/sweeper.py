"""Closes phases whose deadline passed, including those that passed while
the server was down. Safe with several workers: closing is conditional, so
each phase is closed, and announced, exactly once."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from ..clock import utcnow
from ..extensions import db, socketio
from ..models import GameSession
from . import announce, rounds, storage
from .sessions import overdue_session_ids

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
    return closed


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
