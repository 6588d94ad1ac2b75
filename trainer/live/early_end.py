"""Ending writing or voting early, and telling the projectors how far their rooms are.

Every submit and vote asks whether its room is done and how many are. A
room of a thousand sends those hundreds a second, and forty rooms of fifty
as many: counting one room per request, or even once per room every
``ROOM_CHECK_SECONDS``, made forty rooms forty times the queries (on
PostgreSQL each a round trip that waits for the hub) and kept the acks of
every room waiting behind them. So a submit or vote only asks for a check
(``check_soon``); the first request schedules one check of the whole
worker ``ROOM_CHECK_SECONDS`` later, and every room asking meanwhile is
folded into it. That check counts every due room with the same three
queries, however many rooms there are (``check_rooms``). The counts come
from the database, so submits and votes that landed on other workers are
in them too, and closing is conditional, so two workers checking at once
close a phase once. A worker that dies before its check leaves the phase
to its clock (the sweeper) or to the next submit, vote or departure.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import partial

from flask import Flask, current_app
from sqlalchemy import and_, case, exists, func, select

from .. import game
from ..clock import utcnow
from ..extensions import db, socketio
from ..models import GameSession, Player, Presence, Reply, Vote
from . import announce, rounds, storage, voting
from .sessions import DRILL


class _Pending:
    """The rooms waiting for this app's next check (each app has its own: a test makes many)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # Session id → players whose submits the next check has to name to the projector.
        self.due: dict[int, set[int]] = {}
        self.scheduled = False


def _pending(app: Flask) -> _Pending:
    return app.extensions.setdefault("room_checks", _Pending())


def close_if_done(session: GameSession) -> bool:
    """Close the phase (and announce it) when everyone present is done.

    Returns True when the phase is over, whoever closed it. One room, now:
    a departure or the trainer asks this; submits and votes ask ``check_soon``.
    """
    done = (session.phase == "writing" and rounds.everyone_submitted(session)) or (
        session.phase == "voting" and voting.everyone_voted(session)
    )
    return done and _close(session)


def _close(session: GameSession) -> bool:
    outcome = rounds.close_phase(session, utcnow())
    if outcome is not None:
        announce.announce(session, outcome.announce)
    return True


def check_soon(session_id: int, submitted_by: int | None = None) -> None:
    """A submit or vote was stored: close its room's phase or count its progress, soon."""
    app = current_app._get_current_object()
    delay = app.config["ROOM_CHECK_SECONDS"]
    named = {submitted_by} - {None}
    if not delay:
        check_rooms({session_id: named})
        return
    pending = _pending(app)
    with pending.lock:
        pending.due.setdefault(session_id, set()).update(named)
        start, pending.scheduled = not pending.scheduled, True
    if start:
        socketio.start_background_task(_check_later, app, delay)


def _check_later(app: Flask, delay: float) -> None:
    socketio.sleep(delay)
    # Taken before the counts are read: anything stored after this point
    # schedules a check of its own, so no submit or vote goes uncounted.
    pending = _pending(app)
    with pending.lock:
        due = dict(pending.due)
        pending.due.clear()
        pending.scheduled = False
    with app.app_context():
        try:
            check_rooms(due)
        except Exception as error:  # the clock still closes the phases
            db.session.rollback()
            storage.background_failed(error, f"room check of {len(due)} sessions")
        finally:
            db.session.remove()


def check_rooms(due: Mapping[int, set[int]]) -> None:
    """Close each due room that is done, and tell the others' projectors how far they are.

    Three queries for all the live rooms at once (sessions; replies written;
    votes cast with who is connected), then a transaction only for a room
    whose phase closes. Drills, whose progress spans every card and whose
    phases end with their windows, are counted one at a time (they are few).
    """
    if not due:
        return
    sessions = db.session.scalars(select(GameSession).where(GameSession.id.in_(sorted(due)))).all()
    writing = [s for s in sessions if s.phase == game.Phase.WRITING and s.pace != DRILL]
    voting_now = [s for s in sessions if s.phase == game.Phase.VOTING and s.pace != DRILL]
    written = _writing_counts([s.id for s in writing])
    cast, present = _voting_counts([s.id for s in voting_now])
    # Each finished room with the clock version its counts were made at.
    done: list[tuple[GameSession, int]] = []
    counted: list[tuple[str, dict]] = []
    for session in writing:
        dealt, submitted, still_writing = written.get(session.id, (0, 0, 0))
        if game.progress.everyone_wrote(still_writing, submitted):
            done.append((session, session.clock_version))
        else:
            counted.append((announce.host_room(session.id), {"submitted": submitted, "total": dealt,
                                                             "player_ids": sorted(due[session.id])}))
    for session in voting_now:
        ballots = voting.round_ballots(session, session.round_no)
        votes = cast.get(session.id, {})
        if votes and game.progress.everyone_voted(votes, ballots, present.get(session.id, ())):
            done.append((session, session.clock_version))
        else:
            counted.append((announce.host_room(session.id), {"voted": game.progress.voters_done(votes, ballots),
                                                             "total": len(ballots)}))
    drills = [s for s in sessions if s.pace == DRILL and s.phase in (game.Phase.WRITING, game.Phase.VOTING)]
    db.session.commit()  # the reads end here: no connection held while the projectors are told
    announce.progress_each(counted)
    # Each room on its own: one that cannot close now (its clock or the next check will)
    # must not keep the others' phases open.
    for session, step in [(s, partial(_close_counted, version=v)) for s, v in done] + [
        (s, _check_drill) for s in drills
    ]:
        session_id = session.id
        try:
            step(session)
        except Exception as error:
            db.session.rollback()
            storage.background_failed(error, f"room check of session {session_id}")


def _close_counted(session: GameSession, version: int) -> None:
    """Close the phase that was counted, and only that one.

    The session is read again here (the counts' transaction has ended): if
    its clock moved meanwhile (another worker closed the phase, the trainer
    ended it), the counts were about a phase that is over, and the phase
    it is in now has not been counted at all.
    """
    if session.clock_version == version:
        _close(session)


def _check_drill(session: GameSession) -> None:
    if session.phase == game.Phase.WRITING:
        submitted, total = rounds.writing_progress(session)
        announce.progress(session, {"submitted": submitted, "total": total, "player_ids": []})
    elif not close_if_done(session):
        voted, total = voting.voting_progress(session)
        announce.progress(session, {"voted": voted, "total": total})


# Built once: SQLAlchemy reuses their compiled form.
# Matched on the player alone (a player belongs to one session): with the
# session in it too, SQLite looked each unsent reply up through the
# presence rows' session index, every phone in the room for every reply,
# 0.33 s a check of a 2,000-phone room with the hub blocked (issue 28).
_CONNECTED = exists().where(Presence.player_id == Reply.player_id)
_WRITTEN = (
    select(
        Reply.session_id,
        func.count(Reply.id),
        func.count(Reply.submitted_at),
        func.count(case((and_(Reply.submitted_at.is_(None), _CONNECTED), 1))),
    )
    .join(Player, Player.id == Reply.player_id)
    .join(GameSession, GameSession.id == Reply.session_id)
    .where(Reply.round_no == GameSession.round_no, ~Player.removed)
    .group_by(Reply.session_id)
)


def _writing_counts(session_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Session → (replies dealt, sent, still being written on a connected phone), this round."""
    if not session_ids:
        return {}
    rows = db.session.execute(_WRITTEN.where(Reply.session_id.in_(session_ids)))
    return {session_id: (dealt, sent, still) for session_id, dealt, sent, still in rows}


_CAST = (
    select(Vote.session_id, Vote.voter_id, func.count(Vote.id))
    .join(Reply, Reply.id == Vote.reply_id)
    .join(GameSession, GameSession.id == Vote.session_id)
    .where(Vote.round_no == GameSession.round_no, ~Reply.hidden)  # a hidden reply's votes are given back
    .group_by(Vote.session_id, Vote.voter_id)
)


def _voting_counts(session_ids: list[int]) -> tuple[dict[int, dict[int, int]], dict[int, set[int]]]:
    """Session → {voter: votes on shown replies this round}, and session → connected players."""
    if not session_ids:
        return {}, {}
    cast: dict[int, dict[int, int]] = {}
    for session_id, voter, count in db.session.execute(_CAST.where(Vote.session_id.in_(session_ids))):
        cast.setdefault(session_id, {})[voter] = count
    present: dict[int, set[int]] = {}
    for session_id, player_id in db.session.execute(
        select(Presence.session_id, Presence.player_id).where(Presence.session_id.in_(session_ids))
    ):
        present.setdefault(session_id, set()).add(player_id)
    return cast, present
