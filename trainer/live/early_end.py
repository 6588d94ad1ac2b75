"""Ending writing or voting early, and telling the projector how far the room is.

Every submit and vote asks whether the room is done and how many are. In a
room of a thousand those arrive hundreds a second, and counting the room
once for each kept their acks waiting behind the counts. So a submit or
vote only asks for a check (``check_soon``): the first request in a
session schedules one ``ROOM_CHECK_SECONDS`` later, and those that arrive
meanwhile are folded into it. The check counts from the database, so
submits and votes that landed on other workers are in it too, and closing
is conditional, so two workers checking at once close the phase once. A
worker that dies before its check leaves the phase to its clock (the
sweeper) or to the next submit, vote or departure.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from ..clock import utcnow
from ..extensions import db, socketio
from ..models import GameSession
from . import announce, rounds, storage, voting

_lock = threading.Lock()
# Session id → players whose submits the next check has to name to the projector.
_due: dict[int, set[int]] = {}


def close_if_done(session: GameSession) -> bool:
    """Close the phase (and announce it) when everyone present is done.

    Returns True when the phase is over, whoever closed it.
    """
    done = (session.phase == "writing" and rounds.everyone_submitted(session)) or (
        session.phase == "voting" and voting.everyone_voted(session)
    )
    if not done:
        return False
    outcome = rounds.close_phase(session, utcnow())
    if outcome is not None:
        announce.announce(session, outcome.announce)
    return True


def check_soon(session_id: int, submitted_by: int | None = None) -> None:
    """A submit or vote was stored: close the phase or count progress, soon."""
    delay = current_app.config["ROOM_CHECK_SECONDS"]
    if not delay:
        check_now(db.session.get(GameSession, session_id), {submitted_by} - {None})
        return
    with _lock:
        first = session_id not in _due
        waiting = _due.setdefault(session_id, set())
        if submitted_by is not None:
            waiting.add(submitted_by)
    if first:
        socketio.start_background_task(_check_later, current_app._get_current_object(), session_id, delay)


def check_now(session: GameSession, submitted_by: set[int] = frozenset()) -> None:
    if close_if_done(session):
        return
    if session.phase == "writing":
        submitted, total = rounds.writing_progress(session)
        announce.progress(session, {"submitted": submitted, "total": total, "player_ids": sorted(submitted_by)})
    elif session.phase == "voting":
        voted, total = voting.voting_progress(session)
        announce.progress(session, {"voted": voted, "total": total})


def _check_later(app: Flask, session_id: int, delay: float) -> None:
    socketio.sleep(delay)
    # Taken before the counts are read: anything stored after this point
    # schedules a check of its own, so no submit or vote goes uncounted.
    with _lock:
        submitted_by = _due.pop(session_id, set())
    with app.app_context():
        try:
            session = db.session.get(GameSession, session_id)
            if session is not None:
                check_now(session, submitted_by)
        except Exception as error:  # the clock still closes the phase
            db.session.rollback()
            storage.background_failed(error, f"room check of session {session_id}")
        finally:
            db.session.remove()
