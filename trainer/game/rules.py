"""Dealing, ballots, votes and scores: pure functions over ids and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from random import Random

from .errors import RuleError

POINTS_PER_VOTE = 100
MAX_VOTES = 3
# A phone shows at most this many replies to vote on. Small rooms see every
# reply but their own; a big room gets a fair slice, so no phone downloads a
# thousand replies and every reply is seen by the same number of voters.
BALLOT_SIZE = 12


def deal(
    player_ids: Sequence[int], deal_counts: Mapping[int, int], rng: Random
) -> dict[int, int]:
    """Give each player a card, least-dealt cards first.

    ``deal_counts`` maps every card in the session's pool to how often it was
    dealt so far. Taking the least-dealt cards means no card repeats until
    the whole pool has been seen (then it reshuffles), and players in one
    round get different cards whenever the pool is large enough.
    """
    if not deal_counts:
        raise RuleError("no_cards")
    pool = sorted(deal_counts)
    shuffle_key = {card: rng.random() for card in pool}
    order = sorted(pool, key=lambda card: (deal_counts[card], shuffle_key[card]))
    players = sorted(player_ids)
    rng.shuffle(players)
    return {player: order[i % len(order)] for i, player in enumerate(players)}


@dataclass(frozen=True)
class Ballot:
    """The replies one voter sees; in duels, grouped duel by duel."""

    reply_ids: tuple[int, ...]
    # How many votes or awards it holds; None: the plain-vote rule.
    allowed: int | None = None
    duels: tuple[tuple[int, ...], ...] = ()

    @property
    def votes_allowed(self) -> int:
        return votes_allowed(len(self.reply_ids)) if self.allowed is None else self.allowed

    def group_of(self, reply_id: int) -> tuple[int, ...]:
        """The duel a reply is in, or the whole ballot off duels."""
        for duel in self.duels:
            if reply_id in duel:
                return duel
        return self.reply_ids


def votes_allowed(ballot_size: int) -> int:
    return min(MAX_VOTES, ballot_size)


def ballots(
    replies: Mapping[int, int],
    voter_ids: Iterable[int],
    rng: Random,
    size: int = BALLOT_SIZE,
) -> dict[int, Ballot]:
    """Which replies each voter sees, never their own.

    ``replies`` maps reply id to author id. Replies sit on a shuffled ring;
    an author's ballot starts just after their own reply, so in a big room
    every reply is on exactly ``size`` authors' ballots. Voters who wrote
    nothing take back-to-back slices from a random point, so the extra
    views they add differ by at most one between any two replies.
    """
    ring = sorted(replies)
    rng.shuffle(ring)
    position = {replies[reply]: i for i, reply in enumerate(ring)}
    next_free = rng.randrange(len(ring)) if ring else 0
    result: dict[int, Ballot] = {}
    for voter in sorted(voter_ids):
        if voter in position:
            start = position[voter] + 1
        else:
            start = next_free
            next_free += min(size, len(ring))
        result[voter] = Ballot(_slice(ring, start, size, replies, voter))
    return result


def _slice(
    ring: Sequence[int], start: int, size: int, replies: Mapping[int, int], voter: int
) -> tuple[int, ...]:
    """The first ``size`` replies not by ``voter``, walking the ring from ``start``.

    Stops as soon as the ballot is full, so a room of N costs O(N × size),
    not O(N²): a thousand voters are asked about on every vote.
    """
    picked: list[int] = []
    for k in range(len(ring)):
        reply = ring[(start + k) % len(ring)]
        if replies[reply] != voter:
            picked.append(reply)
            if len(picked) == size:
                break
    return tuple(picked)


def points_by_player(
    reply_authors: Mapping[int, int], voted_reply_ids: Iterable[int]
) -> dict[int, int]:
    """100 points to a reply's author for every vote it received."""
    votes = Counter(voted_reply_ids)
    points: dict[int, int] = {}
    for reply, count in votes.items():
        author = reply_authors[reply]
        points[author] = points.get(author, 0) + count * POINTS_PER_VOTE
    return points


def round_winners(votes_per_reply: Mapping[int, int]) -> list[int]:
    """The best replies of a round; a tie shares the round. No votes, no winner."""
    best = max(votes_per_reply.values(), default=0)
    if best == 0:
        return []
    return sorted(r for r, v in votes_per_reply.items() if v == best)


def rank(scores: Mapping[int, int], names: Mapping[int, str]) -> list[tuple[int, int, int]]:
    """Standard competition ranking (1, 1, 3): (rank, player, score), best first."""
    ordered = sorted(scores, key=lambda p: (-scores[p], names[p].casefold(), p))
    table: list[tuple[int, int, int]] = []
    for i, player in enumerate(ordered):
        if i and scores[player] == scores[ordered[i - 1]]:
            place = table[-1][0]
        else:
            place = i + 1
        table.append((place, player, scores[player]))
    return table
