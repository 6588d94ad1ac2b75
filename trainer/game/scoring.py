"""Points for a round, in every mode and voting style, and who won what.

Off duels every vote or award is worth ``POINTS_PER_VOTE`` to the reply's
author. In duels only a duel's winner scores: ``DUEL_POINTS`` each, a tie
shares the win, and a duel left with one reply is a walk-over for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .modes import Choice, Mode
from .rules import POINTS_PER_VOTE, round_winners

DUEL_POINTS = 300


@dataclass(frozen=True)
class DuelResult:
    replies: tuple[int, ...]
    winners: tuple[int, ...]
    walkover: bool


def tally(choices: Iterable[Choice]) -> Counter[int]:
    """Votes or awards per reply."""
    return Counter(choice.reply_id for choice in choices)


def duel_results(duel_of: Mapping[int, int], choices: Iterable[Choice]) -> dict[int, DuelResult]:
    """Each duel's outcome; ``duel_of`` maps every shown reply to its duel."""
    counts = tally(choices)
    sides: dict[int, list[int]] = {}
    for reply, duel in duel_of.items():
        sides.setdefault(duel, []).append(reply)
    results = {}
    for duel, replies in sides.items():
        replies.sort()
        if len(replies) == 1:
            results[duel] = DuelResult(tuple(replies), tuple(replies), True)
        else:
            winners = round_winners({r: counts.get(r, 0) for r in replies})
            results[duel] = DuelResult(tuple(replies), tuple(winners), False)
    return results


def round_points(
    mode: Mode,
    reply_authors: Mapping[int, int],
    choices: Iterable[Choice],
    duel_of: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Points per author for one round (authors with none are left out)."""
    choices = list(choices)
    points: Counter[int] = Counter()
    if mode == Mode.DUELS:
        for result in duel_results(duel_of or {}, choices).values():
            for reply in result.winners:
                points[reply_authors[reply]] += DUEL_POINTS
    else:
        for reply, count in tally(choices).items():
            points[reply_authors[reply]] += count * POINTS_PER_VOTE
    return dict(points)


def criterion_winners(choices: Iterable[Choice], criteria: int) -> dict[int, list[int]]:
    """For each criterion, the replies with the most awards of it (ties share; none, nobody)."""
    by_criterion: dict[int, Counter[int]] = {c: Counter() for c in range(criteria)}
    for choice in choices:
        if choice.criterion in by_criterion:
            by_criterion[choice.criterion][choice.reply_id] += 1
    return {c: round_winners(counts) for c, counts in by_criterion.items()}


def best_per_criterion(
    awards: Iterable[tuple[int, int]], criteria: int
) -> dict[int, list[int]]:
    """Over a whole session: for each criterion, the players who received it most.

    ``awards`` holds (author, criterion) for every award received.
    """
    counts: dict[int, Counter[int]] = {c: Counter() for c in range(criteria)}
    for author, criterion in awards:
        if criterion in counts:
            counts[criterion][author] += 1
    return {c: round_winners(found) for c, found in counts.items()}
