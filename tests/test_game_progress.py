"""When a phase is done: the pure rules behind ending writing and voting early."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from trainer.game import Ballot, progress


def _ballots(sizes: dict[int, int]) -> dict[int, Ballot]:
    return {voter: Ballot(tuple(range(100 * voter, 100 * voter + size))) for voter, size in sizes.items()}


def test_a_voter_is_done_when_every_allowed_vote_is_used():
    ballots = _ballots({1: 12, 2: 12, 3: 1})  # voter 3 sees one reply: one vote
    assert progress.voters_done({1: 3, 2: 2, 3: 1}, ballots) == 2
    assert progress.voters_done({}, ballots) == 0


def test_away_voters_are_not_waited_for():
    ballots = _ballots({1: 12, 2: 12})
    assert progress.everyone_voted({1: 3}, ballots, present={1})
    assert not progress.everyone_voted({1: 3}, ballots, present={1, 2})
    # Someone present without a ballot (joined mid-round) holds nothing up.
    assert progress.everyone_voted({1: 3, 2: 3}, ballots, present={1, 2, 9})


def test_the_cheap_count_says_no_until_enough_votes_exist():
    assert not progress.could_all_have_voted(0, 0, 3)
    assert not progress.could_all_have_voted(5, 2, 3)
    assert progress.could_all_have_voted(6, 2, 3)


def test_writing_ends_when_nobody_connected_is_writing_and_someone_sent():
    assert progress.everyone_wrote(0, 1)
    assert not progress.everyone_wrote(1, 5)
    assert not progress.everyone_wrote(0, 0)


@given(st.dictionaries(st.integers(1, 30), st.integers(1, 12), max_size=20),
       st.dictionaries(st.integers(1, 30), st.integers(0, 3), max_size=20))
def test_everyone_voted_agrees_with_counting_the_done(sizes, cast):
    ballots = _ballots(sizes)
    done = progress.voters_done(cast, ballots)
    assert progress.everyone_voted(cast, ballots, present=set(ballots)) == (done == len(ballots))
