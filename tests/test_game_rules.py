"""Dealing, ballots, votes and scores: pure functions over ids and counts."""

from __future__ import annotations

import math
from collections import Counter
from contextlib import contextmanager
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.game import (
    Ballot,
    Choice,
    RuleError,
    Voting,
    ballots,
    check_choice,
    deal,
    points_by_player,
    rank,
    round_winners,
    votes_allowed,
)
from trainer.game.rules import BALLOT_SIZE, MAX_VOTES, POINTS_PER_VOTE

# No example database, and no deadline: a cold first example must not fail a
# slow CI machine.
quiet = settings(database=None, deadline=None, max_examples=200)


@contextmanager
def breaks_rule(code: str):
    with pytest.raises(RuleError) as caught:
        yield caught
    assert caught.value.code == code


def fresh_pool(cards) -> dict[int, int]:
    return {card: 0 for card in cards}


def room(n: int) -> dict[int, int]:
    """``n`` replies, one per author: reply 1000+i written by player i."""
    return {1000 + i: i for i in range(n)}


def exposure(result: dict[int, Ballot], voters) -> Counter:
    return Counter(r for voter in voters for r in result[voter].reply_ids)


# --- deal ------------------------------------------------------------------


def test_deal_gives_every_player_a_card_from_the_pool():
    players = [7, 3, 11, 5]
    pool = fresh_pool(range(100, 110))

    hands = deal(players, pool, Random(1))

    assert set(hands) == set(players)
    assert set(hands.values()) <= set(pool)


@pytest.mark.parametrize("seed", range(20))
def test_players_in_one_round_get_different_cards_when_the_pool_allows(seed):
    players = list(range(1, 9))
    hands = deal(players, fresh_pool(range(100, 108)), Random(seed))
    assert len(set(hands.values())) == len(players)


def test_deal_is_the_same_for_the_same_seed():
    players = list(range(1, 13))
    pool = fresh_pool(range(100, 140))
    assert deal(players, pool, Random(42)) == deal(players, pool, Random(42))


def test_deal_differs_between_seeds():
    players = list(range(1, 13))
    pool = fresh_pool(range(100, 140))
    hands = {tuple(sorted(deal(players, pool, Random(s)).items())) for s in range(10)}
    assert len(hands) > 1


def test_which_cards_come_out_of_a_fresh_pool_differs_between_seeds():
    pool = fresh_pool(range(100, 140))
    drawn = {frozenset(deal([1, 2, 3], pool, Random(s)).values()) for s in range(10)}
    assert len(drawn) > 1


def test_who_gets_the_fresh_card_is_not_decided_by_player_id():
    # One unseen card and one seen card: over a few seeds both players get
    # the unseen one, so the lowest id (or the first to join) has no edge.
    counts = {100: 0, 101: 5}
    lucky = {
        player
        for seed in range(20)
        for player, card in deal([1, 2], counts, Random(seed)).items()
        if card == 100
    }
    assert lucky == {1, 2}


def test_deal_does_not_depend_on_the_order_players_are_listed_in():
    pool = fresh_pool(range(100, 120))
    assert deal([1, 2, 3, 4], pool, Random(5)) == deal([4, 2, 3, 1], pool, Random(5))


def test_deal_takes_the_least_dealt_cards_first():
    counts = {100: 2, 101: 0, 102: 1, 103: 0, 104: 3, 105: 1}
    for seed in range(20):
        hands = deal([1, 2], counts, Random(seed))
        assert set(hands.values()) == {101, 103}
        hands = deal([1, 2, 3], counts, Random(seed))
        assert {101, 103} < set(hands.values()) <= {101, 102, 103, 105}


@pytest.mark.parametrize("seed", range(5))
def test_no_card_repeats_until_the_whole_pool_was_dealt(seed):
    rng = Random(seed)
    counts = fresh_pool(range(100, 110))  # 10 cards
    players = [1, 2, 3]
    history: list[set[int]] = []

    for _ in range(12):  # 36 deals: more than three passes through the pool
        hands = deal(players, counts, rng)
        dealt = list(hands.values())
        assert len(set(dealt)) == len(dealt)
        for card in dealt:
            counts[card] += 1
        history.append(set(dealt))
        # Least-dealt first keeps every card within one deal of every other.
        assert max(counts.values()) - min(counts.values()) <= 1

    seen: set[int] = set()
    for dealt in history:
        repeats = dealt & seen
        if repeats:
            # A card comes round again only in the round that finishes the pool.
            assert seen | dealt == set(counts)
            break
        seen |= dealt
    else:
        pytest.fail("no card was ever dealt twice")
    assert len(seen) == 9  # three rounds of three distinct cards
    assert history[3] >= set(counts) - seen  # round four deals the last one


def test_after_a_full_pass_the_pool_is_reshuffled():
    rng = Random(3)
    counts = fresh_pool(range(100, 112))  # 12 cards, 4 players: 3 rounds a pass
    players = [1, 2, 3, 4]
    passes: list[list[int]] = [[], []]
    for round_no in range(6):
        hands = deal(players, counts, rng)
        for player in players:
            counts[hands[player]] += 1
            passes[round_no // 3].append(hands[player])

    assert sorted(passes[0]) == sorted(passes[1]) == list(range(100, 112))
    assert passes[0] != passes[1]


@pytest.mark.parametrize(("players", "cards"), [(7, 3), (10, 4), (25, 5), (3, 1)])
def test_more_players_than_cards_still_gives_everyone_a_card(players, cards):
    player_ids = list(range(1, players + 1))
    hands = deal(player_ids, fresh_pool(range(100, 100 + cards)), Random(0))

    assert set(hands) == set(player_ids)
    uses = Counter(hands.values())
    assert set(uses) == set(range(100, 100 + cards))
    assert max(uses.values()) <= math.ceil(players / cards)


def test_deal_with_an_empty_pool_has_no_cards():
    with breaks_rule("no_cards"):
        deal([1, 2], {}, Random(0))


def test_deal_to_nobody_deals_nothing():
    assert deal([], fresh_pool([100, 101]), Random(0)) == {}


@quiet
@given(
    counts=st.lists(st.integers(0, 4), min_size=1, max_size=30),
    players=st.integers(0, 40),
    seed=st.integers(0, 2**32),
)
def test_property_deal_is_least_dealt_first_and_spreads_evenly(counts, players, seed):
    pool = {100 + i: c for i, c in enumerate(counts)}
    hands = deal(list(range(players)), pool, Random(seed))

    assert set(hands) == set(range(players))
    uses = Counter(hands.values())
    if players <= len(pool):
        assert len(uses) == players  # all different
        dealt = set(uses)
        if dealt and len(dealt) < len(pool):
            worst_dealt = max(pool[c] for c in dealt)
            best_left = min(pool[c] for c in pool if c not in dealt)
            assert worst_dealt <= best_left
    else:
        assert set(uses) == set(pool)
        assert max(uses.values()) - min(uses.values()) <= 1


# --- ballots ---------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 5, 13, 14, 40])
def test_a_ballot_never_holds_the_voters_own_reply(n):
    replies = room(n)
    result = ballots(replies, replies.values(), Random(n))
    for voter, ballot in result.items():
        assert all(replies[r] != voter for r in ballot.reply_ids)


def test_in_a_small_room_every_author_sees_every_other_reply():
    replies = room(6)
    result = ballots(replies, replies.values(), Random(0), size=12)

    assert set(result) == set(replies.values())
    for reply, author in replies.items():
        ballot = result[author].reply_ids
        assert len(ballot) == len(set(ballot)) == 5
        assert set(ballot) == set(replies) - {reply}


def test_a_room_one_bigger_than_the_ballot_still_sees_everything_else():
    replies = room(13)
    result = ballots(replies, replies.values(), Random(9), size=12)
    for reply, author in replies.items():
        assert set(result[author].reply_ids) == set(replies) - {reply}


@pytest.mark.parametrize("seed", range(5))
def test_in_a_big_room_every_ballot_is_full_and_every_reply_equally_seen(seed):
    replies = room(40)
    authors = list(replies.values())
    result = ballots(replies, authors, Random(seed), size=12)

    for ballot in result.values():
        assert len(ballot.reply_ids) == len(set(ballot.reply_ids)) == 12
    assert exposure(result, authors) == {reply: 12 for reply in replies}


def test_the_default_ballot_size_is_twelve():
    replies = room(30)
    result = ballots(replies, replies.values(), Random(0))
    assert BALLOT_SIZE == 12
    assert {len(b.reply_ids) for b in result.values()} == {12}


def test_a_voter_who_wrote_nothing_sees_up_to_a_full_ballot():
    big, small = room(40), room(5)
    lurker = 999

    big_ballot = ballots(big, [lurker], Random(0), size=12)[lurker].reply_ids
    small_ballot = ballots(small, [lurker], Random(0), size=12)[lurker].reply_ids

    assert len(big_ballot) == len(set(big_ballot)) == 12
    assert set(big_ballot) <= set(big)
    assert sorted(small_ballot) == sorted(small)


def test_voters_who_wrote_nothing_do_not_all_get_the_same_slice():
    replies = room(40)
    results = [ballots(replies, [500, 501], Random(s), size=12) for s in range(10)]
    assert any(r[500] != r[501] for r in results)


def test_writers_ballots_do_not_change_when_a_lurker_joins_the_vote():
    # Non-writers draw a random start, but writers' slices are fixed by the ring.
    replies = room(40)
    authors = list(replies.values())
    alone = ballots(replies, authors, Random(4), size=12)
    with_lurker = ballots(replies, authors + [10_000], Random(4), size=12)
    assert {a: with_lurker[a] for a in authors} == alone


def test_only_the_voters_named_get_a_ballot():
    replies = room(10)
    result = ballots(replies, [0, 3, 555], Random(0))
    assert set(result) == {0, 3, 555}


def test_ballots_are_the_same_for_the_same_seed():
    replies = room(40)
    voters = [*replies.values(), 500, 501]
    assert ballots(replies, voters, Random(8)) == ballots(replies, voters, Random(8))


def test_ballots_differ_between_seeds():
    replies = room(40)
    voters = list(replies.values())
    results = {
        tuple(sorted((v, b.reply_ids) for v, b in ballots(replies, voters, Random(s)).items()))
        for s in range(5)
    }
    assert len(results) > 1


def test_no_replies_means_empty_ballots():
    result = ballots({}, [1, 2, 3], Random(0))
    assert result == {1: Ballot(()), 2: Ballot(()), 3: Ballot(())}
    assert all(b.votes_allowed == 0 for b in result.values())


def test_a_lone_author_gets_an_empty_ballot():
    result = ballots({1000: 1}, [1], Random(0))
    assert result[1].reply_ids == ()


@pytest.mark.parametrize(("length", "allowed"), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (12, 3)])
def test_votes_allowed_is_three_or_the_ballot_length(length, allowed):
    assert Ballot(tuple(range(length))).votes_allowed == allowed
    assert votes_allowed(length) == allowed
    assert MAX_VOTES == 3


@quiet
@given(n=st.integers(0, 60), size=st.integers(1, 15), seed=st.integers(0, 2**32))
def test_property_writers_ballots_are_fair(n, size, seed):
    replies = room(n)
    authors = list(replies.values())
    result = ballots(replies, authors, Random(seed), size=size)
    expected = min(size, max(n - 1, 0))

    for voter, ballot in result.items():
        assert len(ballot.reply_ids) == len(set(ballot.reply_ids)) == expected
        assert set(ballot.reply_ids) <= set(replies)
        assert all(replies[r] != voter for r in ballot.reply_ids)
    seen = exposure(result, authors)
    assert all(seen[reply] == expected for reply in replies)


@quiet
@given(
    n=st.integers(0, 60),
    lurkers=st.integers(0, 5),
    size=st.integers(1, 15),
    seed=st.integers(0, 2**32),
)
def test_property_every_ballot_is_valid_with_lurkers(n, lurkers, size, seed):
    replies = room(n)
    voters = [*replies.values(), *range(10_000, 10_000 + lurkers)]
    result = ballots(replies, voters, Random(seed), size=size)

    assert set(result) == set(voters)
    for voter, ballot in result.items():
        assert len(ballot.reply_ids) == len(set(ballot.reply_ids))
        assert set(ballot.reply_ids) <= set(replies)
        assert all(replies[r] != voter for r in ballot.reply_ids)
        wrote = voter in replies.values()
        assert len(ballot.reply_ids) == min(size, n - 1 if wrote else n)


def test_voters_who_wrote_nothing_do_not_unbalance_exposure():
    replies = room(40)
    voters = [*replies.values(), 10_000, 10_001]
    for seed in range(30):
        result = ballots(replies, voters, Random(seed), size=12)
        seen = exposure(result, voters)
        counts = [seen[reply] for reply in replies]
        # 40*12 + 2*12 slots over 40 replies: the best spread is 12 or 13 each.
        assert max(counts) - min(counts) <= 1, f"seed {seed}: {sorted(Counter(counts).items())}"


# --- check_choice, plain votes ----------------------------------------------

BALLOT = Ballot((11, 12, 13, 14, 15))
AUTHOR_OF = {11: 101, 12: 102, 13: 103, 14: 104, 15: 105, 16: 106, 17: 1}
VOTER = 1


def vote(reply_id: int, cast=(), ballot: Ballot = BALLOT) -> None:
    return check_choice(
        voting=Voting.VOTES,
        criteria=0,
        voter_id=VOTER,
        choice=Choice(reply_id),
        reply_author_id=AUTHOR_OF[reply_id],
        ballot=ballot,
        cast=[Choice(r) for r in cast],
    )


def test_a_valid_vote_passes():
    assert vote(12) is None
    assert vote(13, cast=[11, 12]) is None


def test_voting_for_your_own_reply_is_refused():
    with breaks_rule("own_reply"):
        vote(17)


def test_own_reply_is_named_even_when_it_is_on_the_ballot():
    with breaks_rule("own_reply"):
        vote(17, ballot=Ballot((11, 17)))


def test_voting_for_a_reply_not_on_your_ballot_is_refused():
    with breaks_rule("not_on_ballot"):
        vote(16)


def test_voting_twice_for_one_reply_is_refused():
    with breaks_rule("already_voted"):
        vote(12, cast=[12])


def test_a_fourth_vote_is_out_of_votes():
    with breaks_rule("out_of_votes") as caught:
        vote(14, cast=[11, 12, 13])
    assert caught.value.details == {"limit": 3}


def test_a_ballot_of_two_allows_only_two_votes():
    small = Ballot((11, 12))
    assert vote(11, ballot=small) is None
    assert vote(12, cast=[11], ballot=small) is None
    with breaks_rule("already_voted"):
        vote(12, cast=[11, 12], ballot=small)


def test_the_vote_limit_follows_the_ballot_length():
    # Two votes already counted against a ballot of two: no third, and the
    # error names the limit of two, not the usual three.
    two = Ballot((11, 12))
    with breaks_rule("out_of_votes") as caught:
        vote(12, cast=[11, 16], ballot=two)
    assert caught.value.details == {"limit": 2}
    assert vote(13, cast=[11, 16]) is None  # a full ballot would still allow it


def test_votes_cast_may_be_any_iterable():
    with breaks_rule("out_of_votes"):
        vote(14, cast=iter([11, 12, 13]))


# --- scores ----------------------------------------------------------------


def test_points_are_a_hundred_a_vote_summed_over_an_authors_replies():
    authors = {11: 1, 12: 1, 13: 2, 14: 3}
    points = points_by_player(authors, [11, 11, 12, 13, 11])

    assert POINTS_PER_VOTE == 100
    assert points[1] == 400
    assert points[2] == 100
    assert points.get(3, 0) == 0


def test_no_votes_no_points():
    assert not any(points_by_player({11: 1, 12: 2}, []).values())


def test_the_most_voted_reply_wins_the_round():
    assert round_winners({11: 3, 12: 5, 13: 1}) == [12]


def test_a_tie_shares_the_round():
    assert round_winners({15: 2, 13: 2, 14: 1, 11: 2}) == [11, 13, 15]


def test_no_votes_means_no_winner():
    assert round_winners({11: 0, 12: 0}) == []
    assert round_winners({}) == []


def test_rank_uses_competition_ranking():
    scores = {1: 300, 2: 300, 3: 100}
    names = {1: "Zoe", 2: "Adam", 3: "Mia"}
    assert rank(scores, names) == [(1, 2, 300), (1, 1, 300), (3, 3, 100)]


def test_rank_skips_places_after_every_tie():
    scores = {1: 500, 2: 300, 3: 300, 4: 300, 5: 100, 6: 100, 7: 0}
    names = {p: f"p{p}" for p in scores}
    assert [(place, player) for place, player, _ in rank(scores, names)] == [
        (1, 1), (2, 2), (2, 3), (2, 4), (5, 5), (5, 6), (7, 7),
    ]  # fmt: skip


def test_rank_orders_ties_by_name_ignoring_case():
    scores = {1: 200, 2: 200, 3: 200}
    names = {1: "bob", 2: "Carol", 3: "alice"}
    assert [player for _, player, _ in rank(scores, names)] == [3, 1, 2]


def test_rank_of_nobody_is_empty():
    assert rank({}, {}) == []


def test_big_room_ballots_match_the_full_ring_walk_and_stay_fast():
    """The walk stops once a ballot is full: same ballots, O(N × 12) not O(N²)."""
    import time

    from trainer.game import rules

    def naive(replies, voters, rng, size=rules.BALLOT_SIZE):
        ring = sorted(replies)
        rng.shuffle(ring)
        position = {replies[reply]: i for i, reply in enumerate(ring)}
        next_free = rng.randrange(len(ring)) if ring else 0
        result = {}
        for voter in sorted(voters):
            if voter in position:
                start = position[voter] + 1
            else:
                start = next_free
                next_free += min(size, len(ring))
            seen = [ring[(start + k) % len(ring)] for k in range(len(ring))]
            result[voter] = rules.Ballot(tuple([r for r in seen if replies[r] != voter][:size]))
        return result

    replies = {10_000 + p: p for p in range(1, 1001) if p % 7}  # some wrote nothing
    voters = list(range(1, 1001))
    started = time.perf_counter()
    fast = rules.ballots(replies, voters, Random(5))
    elapsed = time.perf_counter() - started
    assert fast == naive(replies, voters, Random(5))
    assert elapsed < 0.5, f"a thousand ballots took {elapsed:.2f} s"
