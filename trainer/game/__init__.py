"""The rules of Too Sandy as plain Python: no Flask, no database.

The service layer loads a session's rows, asks these functions what
happens next, then stores the answer and announces it.
"""

from . import progress, scoring
from .errors import RuleError
from .modes import Choice, Hands, Mode, Voting, check_choice, make_ballots
from .phases import Outcome, Phase, RoundClock, Timing
from .rules import (
    Ballot,
    ballots,
    deal,
    points_by_player,
    rank,
    round_winners,
    votes_allowed,
)

__all__ = [
    "Ballot",
    "Choice",
    "Hands",
    "Mode",
    "Voting",
    "check_choice",
    "make_ballots",
    "scoring",
    "Outcome",
    "Phase",
    "RoundClock",
    "RuleError",
    "Timing",
    "ballots",
    "progress",
    "deal",
    "points_by_player",
    "rank",
    "round_winners",
    "votes_allowed",
]
