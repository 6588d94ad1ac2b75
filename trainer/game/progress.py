"""When a phase is done: who has finished, and whether anyone is still at it.

A phase may end early once nobody *connected* is still at it: a phone that
went to sleep is not waited for, and can still act if it wakes in time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .rules import Ballot


def voters_done(votes_cast: Mapping[int, int], ballots: Mapping[int, Ballot]) -> int:
    """How many voters have used every vote their ballot allows."""
    return sum(votes_cast.get(voter, 0) >= ballot.votes_allowed for voter, ballot in ballots.items())


def could_all_have_voted(votes_in_round: int, connected_voters: int, votes_each: int) -> bool:
    """A cheap first test: fewer votes than the connected voters owe means someone isn't done."""
    return votes_in_round > 0 and votes_in_round >= votes_each * connected_voters


def everyone_voted(votes_cast: Mapping[int, int], ballots: Mapping[int, Ballot], present: Collection[int]) -> bool:
    """Every connected voter with a ballot has used all their votes."""
    return all(votes_cast.get(voter, 0) >= ballots[voter].votes_allowed for voter in present if voter in ballots)


def everyone_wrote(connected_still_writing: int, submitted: int) -> bool:
    """Nobody connected is still writing, and at least one reply was sent."""
    return connected_still_writing == 0 and submitted > 0
