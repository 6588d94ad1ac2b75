"""Game modes and voting styles: dealing, pairing, ballots and scores, property-tested.

Every property here is one the issue names: nobody votes for or awards their
own reply (or a duel they are in), every reply or duel is seen by about the
same number of voters, the scores add up, and the same seed derives the same
ballots after a restart.
"""

from __future__ import annotations

from collections import Counter
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.game import Ballot, Choice, Mode, RuleError, Voting, check_choice, make_ballots, scoring
from trainer.game.modes import DUEL_BALLOT, MAX_CRITERIA, choices_allowed, contested_duels, deal, pair_up
from trainer.game.rules import BALLOT_SIZE, POINTS_PER_VOTE
from trainer.game.scoring import DUEL_POINTS

quiet = settings(database=None, deadline=None, max_examples=150)

players_st = st.lists(st.integers(1, 10_000), min_size=1, max_size=80, unique=True)
seed_st = st.integers(0, 2**32)
pool_st = st.dictionaries(st.integers(100, 400), st.integers(0, 5), min_size=1, max_size=40)


# --- dealing -------------------------------------------------------------------


@quiet
@given(players=players_st, pool=pool_st, seed=seed_st)
def test_same_card_deals_the_least_dealt_card_to_everyone(players, pool, seed):
    hands = deal(Mode.SAME_CARD, players, pool, Random(seed))
    assert set(hands.cards) == set(players)
    (card,) = set(hands.cards.values())
    assert pool[card] == min(pool.values())
    assert hands.duels == {}


@quiet
@given(players=players_st, pool=pool_st, seed=seed_st, data=st.data())
def test_same_card_deals_the_trainers_pick(players, pool, seed, data):
    chosen = data.draw(st.sampled_from(sorted(pool)))
    hands = deal(Mode.SAME_CARD, players, pool, Random(seed), chosen_card=chosen)
    assert set(hands.cards.values()) == {chosen}


def test_same_card_refuses_a_card_outside_the_pool():
    with pytest.raises(RuleError) as caught:
        deal(Mode.SAME_CARD, [1, 2], {100: 0}, Random(0), chosen_card=999)
    assert caught.value.code == "unknown_card"


@quiet
@given(players=players_st, seed=seed_st)
def test_pairs_cover_everyone_once_and_an_odd_one_out_makes_a_three_way_duel(players, seed):
    groups = pair_up(players, Random(seed))
    flat = [p for g in groups for p in g]
    assert sorted(flat) == sorted(players)
    sizes = Counter(len(g) for g in groups)
    if len(players) == 1:
        assert sizes == {1: 1}
    else:
        assert set(sizes) <= {2, 3}
        assert sizes[3] == len(players) % 2


@quiet
@given(players=players_st, pool=pool_st, seed=seed_st)
def test_duels_give_each_pair_one_card_and_different_pairs_different_cards(players, pool, seed):
    hands = deal(Mode.DUELS, players, pool, Random(seed))
    assert set(hands.cards) == set(hands.duels) == set(players)
    card_of_duel: dict[int, set[int]] = {}
    for player, duel in hands.duels.items():
        card_of_duel.setdefault(duel, set()).add(hands.cards[player])
    assert all(len(cards) == 1 for cards in card_of_duel.values())
    used = [next(iter(c)) for c in card_of_duel.values()]
    # Distinct cards while the pool lasts, then the pool goes round again evenly.
    assert max(Counter(used).values()) - min(Counter(used).values()) <= 1
    if len(card_of_duel) <= len(pool):
        assert len(set(used)) == len(used)


@quiet
@given(players=players_st, pool=pool_st, seed=seed_st, mode=st.sampled_from(list(Mode)))
def test_dealing_is_a_function_of_its_seed(players, pool, seed, mode):
    assert deal(mode, players, pool, Random(seed)) == deal(mode, list(reversed(players)), pool, Random(seed))


# --- ballots off duels ---------------------------------------------------------


def room(n: int) -> dict[int, int]:
    """n replies, reply 1000+i written by player i."""
    return {1000 + i: i for i in range(1, n + 1)}


@quiet
@given(
    n=st.integers(0, 60),
    voting=st.sampled_from(list(Voting)),
    criteria=st.integers(1, MAX_CRITERIA),
    seed=seed_st,
)
def test_property_same_card_and_own_card_ballots_are_fair(n, voting, criteria, seed):
    replies = room(n)
    for mode in (Mode.OWN_CARD, Mode.SAME_CARD):
        found = make_ballots(mode, voting, replies, list(replies.values()), Random(seed), criteria=criteria)
        seen = Counter(r for b in found.values() for r in b.reply_ids)
        expected = min(BALLOT_SIZE, max(n - 1, 0))
        for voter, ballot in found.items():
            assert all(replies[r] != voter for r in ballot.reply_ids)
            assert len(ballot.reply_ids) == expected
            assert ballot.votes_allowed == choices_allowed(voting, criteria, expected)
            assert ballot.votes_allowed <= len(ballot.reply_ids)
        assert all(seen[r] == expected for r in replies)


# --- duels ---------------------------------------------------------------------


def duel_room(players: list[int], seed: int, wrote_nothing: set[int]):
    hands = deal(Mode.DUELS, players, {c: 0 for c in range(100, 200)}, Random(seed))
    replies = {1000 + p: p for p in players if p not in wrote_nothing}
    duel_of = {r: hands.duels[p] for r, p in replies.items()}
    return hands, replies, duel_of


@quiet
@given(
    players=st.lists(st.integers(1, 500), min_size=2, max_size=70, unique=True),
    dropped=st.sets(st.integers(1, 500), max_size=10),
    lurkers=st.integers(0, 4),
    voting=st.sampled_from(list(Voting)),
    seed=seed_st,
)
def test_property_duel_ballots_never_hold_your_own_duel_and_share_the_room_fairly(
    players, dropped, lurkers, voting, seed
):
    hands, replies, duel_of = duel_room(players, seed, dropped)
    voters = [*players, *range(9000, 9000 + lurkers)]
    found = make_ballots(
        Mode.DUELS, voting, replies, voters, Random(seed), criteria=3, duel_of=duel_of, voter_duel=hands.duels
    )
    contested = contested_duels(duel_of)
    assert set(found) == set(voters)
    seen: Counter[tuple[int, ...]] = Counter()
    for voter, ballot in found.items():
        own = hands.duels.get(voter)
        assert all(duel_of[r] != own for r in ballot.reply_ids)
        assert len(ballot.duels) == len(set(ballot.duels)) == min(DUEL_BALLOT, len(contested) - (own in contested))
        assert all(group in contested.values() for group in ballot.duels)
        assert ballot.reply_ids == tuple(r for g in ballot.duels for r in g)
        per_duel = 3 if voting == Voting.AWARDS else 1
        assert ballot.votes_allowed == per_duel * len(ballot.duels)
        seen.update(ballot.duels)
    if len(contested) > 1:
        counts = [seen[g] for g in contested.values()]
        # A three-way duel's extra voter and the voters with no duel of
        # their own each tilt the ring by one; nothing tilts it further.
        assert max(counts) - min(counts) <= 3, sorted(counts)


def test_a_duel_whose_other_side_wrote_nothing_is_a_walkover_on_nobodys_ballot():
    hands, replies, duel_of = duel_room([1, 2, 3, 4], seed=7, wrote_nothing={1})
    contested = contested_duels(duel_of)
    lone = hands.duels[1]
    assert lone not in contested
    found = make_ballots(
        Mode.DUELS, Voting.VOTES, replies, [1, 2, 3, 4], Random(7), duel_of=duel_of, voter_duel=hands.duels
    )
    assert all(duel_of.get(r) != lone for b in found.values() for r in b.reply_ids)
    results = scoring.duel_results(duel_of, [])
    walkover = results[lone]
    assert walkover.walkover and len(walkover.winners) == 1
    opponent = replies[walkover.winners[0]]
    assert hands.duels[opponent] == lone and opponent != 1
    points = scoring.round_points(Mode.DUELS, replies, [], duel_of)
    assert points == {opponent: DUEL_POINTS}


def test_a_room_of_one_in_duels_still_writes_and_wins_its_walkover():
    hands, replies, duel_of = duel_room([5], seed=1, wrote_nothing=set())
    assert hands.duels == {5: 0}
    assert make_ballots(Mode.DUELS, Voting.AWARDS, replies, [5], Random(1), duel_of=duel_of, voter_duel=hands.duels)[
        5
    ] == Ballot((), 0, ())
    assert scoring.round_points(Mode.DUELS, replies, [], duel_of) == {5: DUEL_POINTS}


@quiet
@given(
    players=st.lists(st.integers(1, 300), min_size=1, max_size=50, unique=True),
    mode=st.sampled_from(list(Mode)),
    voting=st.sampled_from(list(Voting)),
    seed=seed_st,
)
def test_property_ballots_rederive_the_same_after_a_restart(players, mode, voting, seed):
    """The live layer reseeds from the session and round: the same rows give the same ballots."""
    hands = deal(mode, players, {c: 0 for c in range(100, 130)}, Random(seed))
    replies = {1000 + p: p for p in players}
    duel_of = {r: hands.duels[p] for r, p in replies.items()} if mode == Mode.DUELS else None

    def derive(order):
        return make_ballots(
            mode, voting, replies, order, Random(seed), duel_of=duel_of, voter_duel=hands.duels or None
        )

    assert derive(players) == derive(list(reversed(players)))


# --- choosing: votes and awards ------------------------------------------------


@quiet
@given(
    n=st.integers(2, 30),
    criteria=st.integers(1, MAX_CRITERIA),
    attempts=st.lists(st.tuples(st.integers(1000, 1031), st.integers(-1, MAX_CRITERIA)), max_size=40),
    seed=seed_st,
)
def test_property_accepted_awards_keep_every_rule(n, criteria, attempts, seed):
    replies = room(n)
    voter = 1
    ballot = make_ballots(Mode.SAME_CARD, Voting.AWARDS, replies, list(replies.values()), Random(seed),
                          criteria=criteria)[voter]
    cast: list[Choice] = []
    for reply_id, criterion in attempts:
        choice = Choice(reply_id, criterion)
        try:
            check_choice(
                voting=Voting.AWARDS,
                criteria=criteria,
                voter_id=voter,
                choice=choice,
                reply_author_id=replies.get(reply_id, -1),
                ballot=ballot,
                cast=cast,
            )
        except RuleError:
            continue
        cast.append(choice)
    assert all(replies[c.reply_id] != voter for c in cast)
    assert all(c.reply_id in ballot.reply_ids for c in cast)
    assert all(0 <= c.criterion < criteria for c in cast)
    assert len({c.criterion for c in cast}) == len(cast), "one award per criterion"
    assert len({c.reply_id for c in cast}) == len(cast), "each to a different reply"
    assert len(cast) <= ballot.votes_allowed


BALLOT = Ballot((11, 12, 13, 14), 3)
AUTHOR = {10: 1, 11: 2, 12: 3, 13: 4, 14: 5, 99: 6}


def award(reply_id: int, criterion: int, cast=(), ballot: Ballot = BALLOT, own_duel=(), voting=Voting.AWARDS):
    check_choice(
        voting=voting,
        criteria=3,
        voter_id=1,
        choice=Choice(reply_id, criterion),
        reply_author_id=AUTHOR[reply_id],
        ballot=ballot,
        cast=[Choice(r, c) for r, c in cast],
        own_duel_replies=own_duel,
    )


@pytest.mark.parametrize(
    ("reply_id", "criterion", "cast", "code"),
    [
        (10, 0, (), "own_reply"),
        (99, 0, (), "not_on_ballot"),
        (11, 3, (), "unknown_criterion"),
        (11, -1, (), "unknown_criterion"),
        (11, 0, ((11, 0),), "already_awarded"),
        (12, 0, ((11, 0),), "criterion_used"),
        (11, 1, ((11, 0),), "reply_has_award"),
    ],
)
def test_each_award_refusal_names_its_rule(reply_id, criterion, cast, code):
    with pytest.raises(RuleError) as caught:
        award(reply_id, criterion, cast)
    assert caught.value.code == code


def test_three_awards_to_three_replies_fill_the_ballot():
    award(13, 2, ((11, 0), (12, 1)))
    with pytest.raises(RuleError) as caught:
        check_choice(
            voting=Voting.AWARDS,
            criteria=4,
            voter_id=1,
            choice=Choice(14, 3),
            reply_author_id=5,
            ballot=BALLOT,
            cast=[Choice(11, 0), Choice(12, 1), Choice(13, 2)],
        )
    assert caught.value.code == "out_of_votes"


DUELS = Ballot((11, 12, 13, 14), 2, ((11, 12), (13, 14)))


def test_in_duels_each_criterion_goes_to_one_side_of_each_duel():
    award(13, 0, ((11, 0),), ballot=Ballot((11, 12, 13, 14), 6, DUELS.duels))
    award(11, 1, ((11, 0),), ballot=Ballot((11, 12, 13, 14), 6, DUELS.duels))  # same side, another criterion
    with pytest.raises(RuleError) as caught:
        award(12, 0, ((11, 0),), ballot=Ballot((11, 12, 13, 14), 6, DUELS.duels))
    assert caught.value.code == "criterion_used"


def test_a_duel_takes_one_plain_vote_and_never_your_own():
    with pytest.raises(RuleError) as caught:
        award(12, 0, ((11, 0),), ballot=DUELS, voting=Voting.VOTES)
    assert caught.value.code == "duel_voted"
    award(13, 0, ((11, 0),), ballot=DUELS, voting=Voting.VOTES)
    with pytest.raises(RuleError) as caught:
        award(11, 0, ballot=DUELS, own_duel=(11, 12), voting=Voting.VOTES)
    assert caught.value.code == "own_duel"


def test_a_plain_vote_has_no_criterion():
    with pytest.raises(RuleError) as caught:
        award(11, 1, voting=Voting.VOTES)
    assert caught.value.code == "unknown_criterion"


# --- scores ----------------------------------------------------------------------


@quiet
@given(
    n=st.integers(1, 40),
    picks=st.lists(st.tuples(st.integers(0, 39), st.integers(0, 3)), max_size=120),
    mode=st.sampled_from([Mode.OWN_CARD, Mode.SAME_CARD]),
)
def test_property_points_add_up_off_duels(n, picks, mode):
    replies = room(n)
    choices = [Choice(1001 + (i % n), c) for i, c in picks]
    points = scoring.round_points(mode, replies, choices)
    assert sum(points.values()) == POINTS_PER_VOTE * len(choices)
    assert all(p > 0 for p in points.values())


@quiet
@given(
    players=st.lists(st.integers(1, 300), min_size=1, max_size=60, unique=True),
    dropped=st.sets(st.integers(1, 300), max_size=8),
    picks=st.lists(st.integers(0, 10_000), max_size=150),
    seed=seed_st,
)
def test_property_duel_points_add_up(players, dropped, picks, seed):
    _, replies, duel_of = duel_room(players, seed, dropped)
    ids = sorted(replies)
    choices = [Choice(ids[p % len(ids)]) for p in picks] if ids else []
    results = scoring.duel_results(duel_of, choices)
    points = scoring.round_points(Mode.DUELS, replies, choices, duel_of)
    winners = [w for r in results.values() for w in r.winners]
    assert sum(points.values()) == DUEL_POINTS * len(winners)
    for result in results.values():
        # Every side of a duel is in it, and a walk-over is a duel of one.
        assert set(result.winners) <= set(result.replies)
        assert result.walkover == (len(result.replies) == 1)
        if not result.walkover and result.winners:
            tally = scoring.tally(c for c in choices if c.reply_id in result.replies)
            assert {tally[w] for w in result.winners} == {max(tally[r] for r in result.replies)}


def test_an_untouched_duel_has_no_winner():
    duel_of = {11: 0, 12: 0}
    assert scoring.duel_results(duel_of, [])[0].winners == ()
    assert scoring.round_points(Mode.DUELS, {11: 1, 12: 2}, [], duel_of) == {}


def test_criterion_winners_share_a_tie_and_name_nobody_for_an_unawarded_criterion():
    choices = [Choice(11, 0), Choice(12, 0), Choice(13, 1), Choice(13, 1), Choice(11, 1)]
    assert scoring.criterion_winners(choices, 3) == {0: [11, 12], 1: [13], 2: []}


def test_the_sessions_best_per_criterion_counts_awards_received_over_all_rounds():
    awards = [(1, 0), (1, 0), (2, 0), (2, 1), (3, 1), (3, 2), (2, 2)]
    assert scoring.best_per_criterion(awards, 3) == {0: [1], 1: [2, 3], 2: [2, 3]}
