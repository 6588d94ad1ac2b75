"""Phones' submits, many in one transaction (live/batching.py says why).

A batch reads every sender with their session in one query and their
replies in another, applies the rules of a submit to each (live/rounds.py,
``apply_submit``), and commits once: four round trips for the whole batch,
where each submit alone took five. A refused submit changes nothing and
gets its own reason; the others are written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload

from .. import game
from ..extensions import db
from ..models import Player, Reply
from . import rounds
from .batching import Batcher


class Submit(NamedTuple):
    player_id: int
    round_no: int
    text: str
    at: datetime


class Stored(NamedTuple):
    text: str  # as stored (trimmed)
    session_id: int


def _write(items: dict[int, Submit]) -> dict[int, Any]:
    player_ids = sorted({item.player_id for item in items.values()})
    players = {
        player.id: player
        for player in db.session.scalars(
            select(Player).options(joinedload(Player.session)).where(Player.id.in_(player_ids))
        )
    }
    wanted = sorted({(item.player_id, item.round_no) for item in items.values()})
    replies = {
        (reply.player_id, reply.round_no): reply
        for reply in db.session.scalars(select(Reply).where(tuple_(Reply.player_id, Reply.round_no).in_(wanted)))
    }
    answers: dict[int, Any] = {}
    # Rows are changed here and written together at the commit (one UPDATE for all).
    with db.session.no_autoflush:
        for number, item in items.items():  # in arrival order: a phone's later submit wins
            answers[number] = _one(item, players, replies)
    db.session.commit()
    return answers


def _one(item: Submit, players: dict[int, Player], replies: dict[tuple[int, int], Reply]) -> Any:
    player = players.get(item.player_id)
    if player is None or player.removed:
        return game.RuleError("not_player")
    reply = replies.get((item.player_id, item.round_no))
    if reply is not None and reply.session_id != player.session_id:
        reply = None
    try:
        text = rounds.apply_submit(player, player.session, reply, item.round_no, item.text, item.at)
    except game.RuleError as refused:
        return refused
    return Stored(text, player.session_id)


submits = Batcher("submit", _write, "WRITE_BATCH_SECONDS")


def submit(player_id: int, round_no: int, text: str, now: datetime) -> Stored:
    """Store a phone's reply with the others arriving now; its text as stored, or its refusal."""
    return submits.add(Submit(player_id, round_no, text, now))
