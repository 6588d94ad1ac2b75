"""What each screen needs to draw itself, built from the database alone.

A phone or projector that (re)connects gets one of these and can draw the
whole screen from it; phase changes send a fresh one. Queries are batched
per session so a room of hundreds costs a handful of queries, not hundreds.
"""

from __future__ import annotations

from datetime import datetime
from random import Random
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_, select

from .. import game
from ..clock import epoch_ms
from ..extensions import db
from ..models import Card, GameSession, Player, Reply, Vote
from . import presence
from .rounds import REPLY_MAX, writing_progress
from .voting import round_ballots, votes_received, voting_progress

PODIUM = 3


def clock_payload(session: GameSession, now: datetime) -> dict[str, Any]:
    return {
        # Bumped by every phase or timer change: with several workers, two
        # changes can arrive through Redis out of order, and screens keep the newer.
        "version": session.clock_version,
        "deadline": epoch_ms(session.deadline),
        "paused_remaining": session.paused_remaining_ms,
        "server_now": epoch_ms(now),
    }


def common(session: GameSession, now: datetime) -> dict[str, Any]:
    return {
        "code": session.code,
        "phase": session.phase,
        "round": session.round_no,
        "rounds_total": session.rounds_total,
        "reply_max": REPLY_MAX,
        **clock_payload(session, now),
    }


class Scoreboard:
    """Totals, this round's points and ranks for every player of a session."""

    def __init__(self, session: GameSession) -> None:
        self.players = {p.id: p for p in session.players if not p.removed}
        replies = db.session.execute(
            select(Reply.id, Reply.player_id, Reply.round_no).where(Reply.session_id == session.id)
        ).all()
        self.author = {rid: pid for rid, pid, _ in replies}
        votes = votes_received(session)
        self.totals = {pid: 0 for pid in self.players}
        self.this_round = {pid: 0 for pid in self.players}
        for rid, pid, round_no in replies:
            if pid not in self.players:
                continue
            points = votes.get(rid, 0) * game.rules.POINTS_PER_VOTE
            self.totals[pid] += points
            if round_no == session.round_no:
                self.this_round[pid] += points
        names = {pid: p.name for pid, p in self.players.items()}
        self.table = game.rank(self.totals, names)
        self.place = {pid: place for place, pid, _ in self.table}

    def leaderboard(self, limit: int | None = None) -> list[dict[str, Any]]:
        rows = self.table if limit is None else self.table[:limit]
        return [
            {"rank": place, "name": self.players[pid].name, "score": score, "id": pid}
            for place, pid, score in rows
        ]


def _round_rows(session: GameSession, where: Any = None) -> list[tuple[Any, Any, Any]]:
    """This round's (reply, card, author), read as plain rows, not ORM objects.

    Every phase change reads them twice (projector and phones), and a room
    of a thousand would otherwise build 3,000 tracked objects each time. The
    rows carry the attributes the snapshots read, under the same names.
    """
    query = (
        select(
            Reply.id, Reply.text, Reply.draft, Reply.submitted_at, Reply.hidden, Card.id.label("card_id"),
            Card.complaint, Card.theme, Card.coach_note,
            Player.id.label("player_id"), Player.name, Player.removed,
        )
        .join(Card, Card.id == Reply.card_id)
        .join(Player, Player.id == Reply.player_id)
        .where(Reply.session_id == session.id, Reply.round_no == session.round_no)
        .order_by(Reply.id)
    )
    found = db.session.execute(query if where is None else query.where(where))
    cards: dict[int, SimpleNamespace] = {}
    rows = []
    for row in found:
        card = cards.get(row.card_id)
        if card is None:
            card = cards[row.card_id] = SimpleNamespace(
                id=row.card_id, complaint=row.complaint, theme=row.theme, coach_note=row.coach_note
            )
        reply = SimpleNamespace(
            id=row.id, text=row.text, draft=row.draft, submitted_at=row.submitted_at, hidden=row.hidden
        )
        rows.append((reply, card, SimpleNamespace(id=row.player_id, name=row.name, removed=row.removed)))
    return rows


def _card(card: Card, *, with_note: bool = False) -> dict[str, Any]:
    data = {"complaint": card.complaint, "theme": card.theme}
    if with_note:
        data["coach_note"] = card.coach_note
    return data


def _results(session: GameSession, rows, board: Scoreboard) -> dict[str, Any]:
    votes = votes_received(session, session.round_no)
    shown = [(r, c, p) for r, c, p in rows if r.text is not None and not p.removed and not r.hidden]
    winners = set(game.round_winners({r.id: votes.get(r.id, 0) for r, _, _ in shown}))
    shown.sort(key=lambda row: (-votes.get(row[0].id, 0), row[0].id))
    return {
        "replies": [
            {
                "id": r.id,
                "text": r.text,
                "author": p.name,
                "votes": votes.get(r.id, 0),
                "points": votes.get(r.id, 0) * game.rules.POINTS_PER_VOTE,
                "best": r.id in winners,
                **_card(c, with_note=True),
            }
            for r, c, p in shown
        ],
        "leaderboard": board.leaderboard(),
    }


def host_snapshot(session: GameSession, now: datetime) -> dict[str, Any]:
    data = common(session, now)
    here = presence.present_ids(session.id)
    data["players"] = [
        {"id": p.id, "name": p.name, "first_round": p.first_round, "away": p.id not in here}
        for p in session.players
        if not p.removed
    ]
    data["locked"] = session.locked
    data["polite"] = session.profanity_filter
    phase = session.phase
    rows = _round_rows(session) if phase != game.Phase.LOBBY else []
    if phase == game.Phase.WRITING:
        data["submitted_ids"] = [p.id for r, _, p in rows if r.submitted_at is not None]
        data["progress"] = dict(zip(("submitted", "total"), writing_progress(session), strict=True))
    elif phase == game.Phase.VOTING:
        order = [row for row in rows if row[0].text is not None and not row[2].removed and not row[0].hidden]
        # Shuffled so the projector's order says nothing about who wrote what.
        Random(f"{session.seed}:{session.round_no}:projector").shuffle(order)
        data["replies"] = [{"id": r.id, "text": r.text, **_card(c)} for r, c, _ in order]
        data["progress"] = dict(zip(("voted", "total"), voting_progress(session), strict=True))
    elif phase in (game.Phase.RESULTS, game.Phase.FINISHED):
        board = Scoreboard(session)
        data.update(_results(session, rows, board))
        data["podium"] = board.leaderboard(PODIUM)
    return data


def player_snapshots(session: GameSession, now: datetime, only: Player | None = None) -> dict[int, dict[str, Any]]:
    """Each player's own view: their card, draft, ballot or score."""
    base = common(session, now)
    players = [only] if only is not None else [p for p in session.players if not p.removed]
    phase = session.phase
    ballots = round_ballots(session, session.round_no) if phase == game.Phase.VOTING else {}
    # One phone (re)connecting reads its own row and its ballot's, not the room's.
    mine = None if only is None else or_(
        Reply.player_id == only.id, Reply.id.in_(ballots.get(only.id, game.Ballot(())).reply_ids)
    )
    rows = {p.id: (r, c) for r, c, p in _round_rows(session, mine)} if session.round_no else {}
    reply_cards = {r.id: (r, c) for r, c in rows.values()}
    my_votes = _votes_by_voter(session, only) if phase == game.Phase.VOTING else {}
    board = Scoreboard(session) if phase in (game.Phase.RESULTS, game.Phase.FINISHED) else None
    out: dict[int, dict[str, Any]] = {}
    for player in players:
        data = dict(base, me={"id": player.id, "name": player.name})
        mine = rows.get(player.id)
        data["playing"] = mine is not None
        if phase == game.Phase.WRITING and mine:
            reply, card = mine
            data.update(card=_card(card), draft=reply.draft, submitted=reply.text if reply.submitted_at else None)
        elif phase == game.Phase.VOTING:
            ballot = ballots.get(player.id, game.Ballot(()))
            data["ballot"] = [
                {"id": rid, "text": reply_cards[rid][0].text, **_card(reply_cards[rid][1])}
                for rid in ballot.reply_ids
            ]
            data["votes_allowed"] = ballot.votes_allowed
            data["my_votes"] = my_votes.get(player.id, [])
        elif board is not None:
            data["score"] = board.totals.get(player.id, 0)
            data["round_points"] = board.this_round.get(player.id, 0)
            data["rank"] = board.place.get(player.id)
            data["of"] = len(board.players)
            if mine:
                data["card"] = _card(mine[1], with_note=True)
            if phase == game.Phase.FINISHED:
                data["podium"] = board.leaderboard(PODIUM)
        out[player.id] = data
    return out


def _votes_by_voter(session: GameSession, only: Player | None = None) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    query = (
        select(Vote.voter_id, Vote.reply_id)
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Vote.session_id == session.id, Vote.round_no == session.round_no, ~Reply.hidden)
    )
    for voter, reply in db.session.execute(query if only is None else query.where(Vote.voter_id == only.id)):
        result.setdefault(voter, []).append(reply)
    return result
