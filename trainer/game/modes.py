"""Game modes and voting styles: who gets which card, and who votes on what.

Three modes deal a round differently:

- **own card**: everyone gets a different card (the least-dealt ones);
- **same card**: the whole room answers one complaint;
- **duels**: players are paired, each pair answers one card, and the room
  votes pair by pair. An odd player out makes one duel a three-way one.

Two voting styles: **votes** (up to three, for the replies a voter likes
best) and **awards** (one per service criterion, each to a different reply;
in a duel, each criterion goes to one side of that duel).

Everything here is a pure function of ids, counts and a seeded ``Random``:
a restarted server derives the same hands and ballots from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from random import Random

from .errors import RuleError
from .rules import BALLOT_SIZE, MAX_VOTES, Ballot
from .rules import ballots as ring_ballots
from .rules import deal as deal_own

# A phone judges at most this many duels a round: every duel still gets a
# fair share of the room's eyes, and nobody reads a hundred replies.
DUEL_BALLOT = 3
MAX_CRITERIA = 4
# With fewer players every one of them sits in the one duel: nobody is left to judge it.
DUELS_MINIMUM = 4


class Mode(StrEnum):
    OWN_CARD = "own_card"
    SAME_CARD = "same_card"
    DUELS = "duels"


class Voting(StrEnum):
    VOTES = "votes"
    AWARDS = "awards"


@dataclass(frozen=True)
class Hands:
    """A dealt round: each player's card, and (in duels) each player's duel."""

    cards: dict[int, int]
    duels: dict[int, int] = field(default_factory=dict)


def least_dealt(deal_counts: Mapping[int, int], rng: Random) -> list[int]:
    """The pool's cards, least dealt first, ties broken by the seed."""
    if not deal_counts:
        raise RuleError("no_cards")
    shuffle_key = {card: rng.random() for card in sorted(deal_counts)}
    return sorted(deal_counts, key=lambda card: (deal_counts[card], shuffle_key[card]))


def pair_up(player_ids: Sequence[int], rng: Random) -> list[tuple[int, ...]]:
    """Pairs of players; with an odd count the last duel is a three-way one.

    A room of one has a duel of one: a walk-over, but the player still writes.
    """
    players = sorted(player_ids)
    rng.shuffle(players)
    groups = [tuple(players[i:i + 2]) for i in range(0, len(players) - 1, 2)]
    if len(players) % 2:
        if groups:
            groups[-1] = (*groups[-1], players[-1])
        else:
            groups.append((players[-1],))
    return groups


def deal(
    mode: Mode,
    player_ids: Sequence[int],
    deal_counts: Mapping[int, int],
    rng: Random,
    chosen_card: int | None = None,
) -> Hands:
    """Deal a round in ``mode``. ``chosen_card`` is the trainer's pick for same-card."""
    if mode == Mode.OWN_CARD:
        return Hands(deal_own(player_ids, deal_counts, rng))
    order = least_dealt(deal_counts, rng)
    if mode == Mode.SAME_CARD:
        if chosen_card is not None and chosen_card not in deal_counts:
            raise RuleError("unknown_card")
        card = chosen_card if chosen_card is not None else order[0]
        return Hands({player: card for player in player_ids})
    cards: dict[int, int] = {}
    duels: dict[int, int] = {}
    for number, group in enumerate(pair_up(player_ids, rng)):
        for player in group:
            cards[player] = order[number % len(order)]
            duels[player] = number
    return Hands(cards, duels)


def contested_duels(duel_of: Mapping[int, int]) -> dict[int, tuple[int, ...]]:
    """Duel number → its votable replies, for duels with two sides or more.

    ``duel_of`` maps each votable reply to its duel. A duel left with one
    reply (the other player dropped out or wrote nothing) is a walk-over and
    goes on nobody's ballot.
    """
    sides: dict[int, list[int]] = {}
    for reply, duel in duel_of.items():
        sides.setdefault(duel, []).append(reply)
    return {duel: tuple(sorted(replies)) for duel, replies in sides.items() if len(replies) >= 2}


def choices_allowed(voting: Voting, criteria: int, replies_on_ballot: int, duels_on_ballot: int = 0) -> int:
    """How many votes or awards a ballot holds."""
    if duels_on_ballot:
        return duels_on_ballot * (criteria if voting == Voting.AWARDS else 1)
    each = criteria if voting == Voting.AWARDS else MAX_VOTES
    return min(each, replies_on_ballot)


def make_ballots(
    mode: Mode,
    voting: Voting,
    replies: Mapping[int, int],
    voter_ids: Iterable[int],
    rng: Random,
    *,
    criteria: int = 3,
    duel_of: Mapping[int, int] | None = None,
    voter_duel: Mapping[int, int] | None = None,
) -> dict[int, Ballot]:
    """Every voter's ballot for a round, never with their own reply or duel.

    ``replies`` maps votable reply → author; in duels ``duel_of`` maps those
    replies to their duel and ``voter_duel`` each player to the duel they
    were dealt into (whether or not they wrote anything).
    """
    if mode != Mode.DUELS:
        found = ring_ballots(replies, voter_ids, rng, BALLOT_SIZE)
        return {
            voter: Ballot(b.reply_ids, choices_allowed(voting, criteria, len(b.reply_ids)))
            for voter, b in found.items()
        }
    contested = contested_duels(duel_of or {})
    return _duel_ballots(voting, contested, voter_ids, voter_duel or {}, rng, criteria)


def _duel_ballots(
    voting: Voting,
    contested: Mapping[int, tuple[int, ...]],
    voter_ids: Iterable[int],
    voter_duel: Mapping[int, int],
    rng: Random,
    criteria: int,
) -> dict[int, Ballot]:
    """Duels on a shuffled ring; a voter judges the duels just after their own.

    Voters whose duel is not on the ring (a walk-over, or dealt in late)
    take back-to-back slices from a random point, as on the reply ring.
    """
    ring = sorted(contested)
    rng.shuffle(ring)
    position = {duel: i for i, duel in enumerate(ring)}
    next_free = rng.randrange(len(ring)) if ring else 0
    result: dict[int, Ballot] = {}
    for voter in sorted(voter_ids):
        own = voter_duel.get(voter)
        if own in position:
            start = position[own] + 1
        else:
            start = next_free
            next_free += min(DUEL_BALLOT, len(ring))
        picked: list[int] = []
        for k in range(len(ring)):
            duel = ring[(start + k) % len(ring)]
            if duel != own:
                picked.append(duel)
                if len(picked) == DUEL_BALLOT:
                    break
        groups = tuple(contested[d] for d in picked)
        flat = tuple(reply for group in groups for reply in group)
        result[voter] = Ballot(flat, choices_allowed(voting, criteria, len(flat), len(groups)), groups)
    return result


@dataclass(frozen=True)
class Choice:
    """One vote or award: ``criterion`` is 0 for a plain vote."""

    reply_id: int
    criterion: int = 0


def check_choice(
    *,
    voting: Voting,
    criteria: int,
    voter_id: int,
    choice: Choice,
    reply_author_id: int,
    ballot: Ballot,
    cast: Iterable[Choice],
    own_duel_replies: Iterable[int] = (),
) -> None:
    """Raise RuleError unless this vote or award may be given now (phase checked by caller)."""
    cast = list(cast)
    if reply_author_id == voter_id:
        raise RuleError("own_reply")
    if choice.reply_id in set(own_duel_replies):
        raise RuleError("own_duel")
    if choice.reply_id not in ballot.reply_ids:
        raise RuleError("not_on_ballot")
    if voting == Voting.AWARDS and not 0 <= choice.criterion < criteria:
        raise RuleError("unknown_criterion")
    if voting == Voting.VOTES and choice.criterion != 0:
        raise RuleError("unknown_criterion")
    if choice in cast:
        raise RuleError("already_awarded" if voting == Voting.AWARDS else "already_voted")
    group = ballot.group_of(choice.reply_id)
    if voting == Voting.AWARDS:
        # Off duels, each criterion goes to one reply and each reply gets one award;
        # in a duel, each criterion goes to one side of it.
        same_criterion = [c for c in cast if c.criterion == choice.criterion and c.reply_id in group]
        if same_criterion:
            raise RuleError("criterion_used")
        if not ballot.duels and any(c.reply_id == choice.reply_id for c in cast):
            raise RuleError("reply_has_award")
    elif ballot.duels and any(c.reply_id in group for c in cast):
        raise RuleError("duel_voted")
    if len(cast) >= ballot.votes_allowed:
        raise RuleError("out_of_votes", limit=ballot.votes_allowed)
