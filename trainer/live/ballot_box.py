"""Phones' votes and awards, many in one transaction (live/batching.py says why).

A batch reads (and on PostgreSQL locks, in id order) every voter with their
session in one query, the rounds of a drill's replies in another when a
drill is in it, and every voter's votes so far in a third; it applies the
rules of a vote to each in arrival order (live/voting.py, ``apply_vote``),
so a voter's second vote in the same batch is checked against the first;
and it commits once. Each phone gets its own answer or refusal.

Should the commit itself fail on a rule the database keeps (a duplicate
vote that slipped past the rules), nothing of the batch is kept and each
vote is tried again alone, so one bad vote costs the others nothing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import game
from ..extensions import db
from ..game.modes import Choice, Voting
from ..models import Player, Reply
from . import voting
from .batching import Batcher
from .sessions import DRILL


class Ballot(NamedTuple):
    player_id: int
    reply_id: int
    request_id: str | None
    criterion: int | None


class Cast(NamedTuple):
    choices: list[Choice]  # the voter's votes or awards this round, the new one included
    session_id: int
    awards: bool


def _write(items: dict[int, Ballot]) -> dict[int, Any]:
    try:
        return _write_together(items)
    except IntegrityError:
        db.session.rollback()
        return {number: _write_alone(item) for number, item in items.items()}


def _voters(player_ids: list[int]) -> dict[int, Player]:
    query = select(Player).options(joinedload(Player.session)).where(Player.id.in_(player_ids)).order_by(Player.id)
    if db.session.get_bind().dialect.name != "sqlite":
        # Two votes of one phone on two workers must not both pass the rules: the voter's row is the lock.
        query = query.with_for_update(of=Player)
    return {player.id: player for player in db.session.scalars(query)}


def _write_together(items: dict[int, Ballot]) -> dict[int, Any]:
    players = _voters(sorted({item.player_id for item in items.values()}))
    in_drills = sorted({item.reply_id for item in items.values()
                        if item.player_id in players and players[item.player_id].session.pace == DRILL})
    drill_rounds: dict[tuple[int, int], int] = {}
    if in_drills:  # a drill's vote counts in its reply's card
        drill_rounds = {
            (reply_id, session_id): round_no
            for reply_id, round_no, session_id in db.session.execute(
                select(Reply.id, Reply.round_no, Reply.session_id).where(Reply.id.in_(in_drills))
            )
        }
    so_far = voting.votes_by_voter(sorted(players))
    # Per voter and round: their votes and request ids, kept up to date as the batch goes.
    kept: dict[tuple[int, int], tuple[list[Choice], set[tuple[int, str]]]] = {}
    answers: dict[int, Any] = {}
    with db.session.no_autoflush:
        for number, item in items.items():
            player = players.get(item.player_id)
            if player is None or player.removed:
                answers[number] = game.RuleError("not_player")
                continue
            session = player.session
            if session.pace == DRILL:
                round_no = drill_rounds.get((item.reply_id, session.id))
                if round_no is None:
                    answers[number] = game.RuleError("unknown_reply")
                    continue
            else:
                round_no = session.round_no
            key = (player.id, round_no)
            if key not in kept:
                kept[key] = so_far.get(player.id, voting.VotesSoFar()).of_round(round_no)
            cast, sent = kept[key]
            try:
                mine = voting.apply_vote(player, session, round_no, item.reply_id, item.request_id, item.criterion,
                                         cast, sent)
            except game.RuleError as refused:
                answers[number] = refused
                continue
            answers[number] = Cast(mine, session.id, session.voting == Voting.AWARDS)
    db.session.commit()
    return answers


def _write_alone(item: Ballot) -> Any:
    try:
        player = db.session.get(Player, item.player_id, options=[joinedload(Player.session)])
        if player is None or player.removed:
            return game.RuleError("not_player")
        session = player.session
        session_id, awards = session.id, session.voting == Voting.AWARDS
        mine = voting.cast_vote(player, session, item.reply_id, item.request_id, item.criterion)
        return Cast(mine, session_id, awards)
    except game.RuleError as refused:
        db.session.rollback()
        return refused
    except IntegrityError:
        db.session.rollback()
        return game.RuleError("already_voted")


ballots = Batcher("vote", _write, "WRITE_BATCH_SECONDS")


def vote(player_id: int, reply_id: int, request_id: str | None, criterion: int | None) -> Cast:
    """Cast a phone's vote or award with the others arriving now; its votes this round, or its refusal."""
    return ballots.add(Ballot(player_id, reply_id, request_id, criterion))
