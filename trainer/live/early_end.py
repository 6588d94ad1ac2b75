"""Ending writing or voting early, once nobody connected is still at it."""

from __future__ import annotations

from ..clock import utcnow
from ..models import GameSession
from . import announce, rounds, voting


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
