"""A drill's cards on each phone: every card's reply box, ballot and results.

A drill's one to three cards are its rounds, all open together, so a phone
needs each of them at once: while writing, each card with its own draft and
sent reply; while voting, a ballot per card (never the phone's own reply);
afterwards, that person's points, duel, awards and service cues per card
with the card's coach note. Built for a set of phones with a few queries,
read by ``live.snapshots``; a phone sees its own texts only, and, until
writing closes, nobody else's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from .. import game
from ..coaching import phrases as cue_phrases
from ..extensions import db
from ..game import scoring
from ..game.modes import Choice, Mode, Voting
from ..models import Card, GameSession, Reply, Vote
from .results import Scoreboard
from .voting import choices_payload, round_ballots, voting_rounds


def _card(complaint: str, theme: str, coach_note: str | None = None) -> dict[str, Any]:
    data = {"complaint": complaint, "theme": theme}
    if coach_note is not None:
        data["coach_note"] = coach_note
    return data


def _own_rows(session: GameSession, player_ids: Iterable[int]):
    return db.session.execute(
        select(
            Reply.id, Reply.round_no, Reply.player_id, Reply.draft, Reply.text, Reply.sealed, Reply.submitted_at,
            Reply.cues, Reply.hidden, Card.complaint, Card.theme, Card.coach_note,
        )
        .join(Card, Card.id == Reply.card_id)
        .where(Reply.session_id == session.id, Reply.player_id.in_(list(player_ids)))
        .order_by(Reply.round_no)
    ).all()


def writing(session: GameSession, player_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each phone's cards while writing is open: the complaint, its draft, and its reply once sent."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in _own_rows(session, player_ids):
        sent = (row.text or row.sealed) if row.submitted_at else None
        found.setdefault(row.player_id, []).append(
            {"round": row.round_no, **_card(row.complaint, row.theme), "draft": row.draft, "submitted": sent}
        )
    return found


def ballots(session: GameSession, player_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each phone's ballot for every card, with the votes or awards it has given on each."""
    player_ids = list(player_ids)
    awards = session.voting == Voting.AWARDS
    rounds = list(voting_rounds(session))
    per_round = {r: round_ballots(session, r) for r in rounds}
    shown = {
        row.id: row for row in db.session.execute(
            select(Reply.id, Reply.round_no, Reply.text, Card.complaint, Card.theme)
            .join(Card, Card.id == Reply.card_id)
            .where(Reply.session_id == session.id, Reply.text.is_not(None), ~Reply.hidden)
        )
    }
    # A same-card or duels drill's card per round, from the one each phone was dealt.
    cards = {
        r: _card(complaint, theme) for r, complaint, theme in db.session.execute(
            select(Reply.round_no, Card.complaint, Card.theme).join(Card, Card.id == Reply.card_id)
            .where(Reply.session_id == session.id).distinct()
        )
    }
    given: dict[tuple[int, int], list[Choice]] = {}
    for voter, round_no, reply, criterion in db.session.execute(
        select(Vote.voter_id, Vote.round_no, Vote.reply_id, Vote.criterion)
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Vote.session_id == session.id, Vote.voter_id.in_(player_ids), ~Reply.hidden)
        .order_by(Vote.id)
    ):
        given.setdefault((voter, round_no), []).append(Choice(reply, criterion))
    shared = Mode(session.mode) != Mode.OWN_CARD
    found: dict[int, list[dict[str, Any]]] = {}
    for player_id in player_ids:
        entries = []
        for r in rounds:
            ballot = per_round[r].get(player_id, game.Ballot(()))
            entry: dict[str, Any] = {
                "round": r,
                "ballot": [
                    {"id": rid, "text": shown[rid].text,
                     **({} if shared else _card(shown[rid].complaint, shown[rid].theme))}
                    for rid in ballot.reply_ids if rid in shown
                ],
                "votes_allowed": ballot.votes_allowed,
                **choices_payload(given.get((player_id, r), []), awards),
            }
            if shared and r in cards:
                entry["card"] = cards[r]
            if ballot.duels:
                entry["duels"] = [list(duel) for duel in ballot.duels]
            entries.append(entry)
        found[player_id] = entries
    return found


def results(session: GameSession, player_ids: Iterable[int], board: Scoreboard,
            criteria: int) -> dict[int, list[dict[str, Any]]]:
    """Each phone's results per card: its points, duel, awards, service cues and the coach note."""
    outcomes = _duel_outcomes(board)
    found: dict[int, list[dict[str, Any]]] = {}
    for row in _own_rows(session, player_ids):
        r, pid = row.round_no, row.player_id
        entry: dict[str, Any] = {
            "round": r,
            "card": _card(row.complaint, row.theme, row.coach_note),
            "wrote": bool(row.text) and not row.hidden,
            "round_points": board.round_points.get(r, {}).get(pid, 0),
            "duel_result": outcomes.get(r, {}).get(pid),
        }
        if criteria:
            tally = [0] * criteria
            for choice in board.by_round.get(r, []):
                if board.author.get(choice.reply_id) == pid and choice.criterion < criteria:
                    tally[choice.criterion] += 1
            entry["round_awards"] = tally
        if session.cues_enabled and row.cues is not None and row.text:
            entry["my_cues"] = {**row.cues, "advice": cue_phrases.advice(row.cues)}
        found.setdefault(pid, []).append(entry)
    return found


def _duel_outcomes(board: Scoreboard) -> dict[int, dict[int, str]]:
    """Per round, each duellist's "won", "lost" or "walkover"."""
    outcomes: dict[int, dict[int, str]] = {}
    for r, duel_of in board.duel_of_round.items():
        if board.modes.get(r) != Mode.DUELS:
            continue
        for result in scoring.duel_results(duel_of, board.by_round.get(r, [])).values():
            for rid in result.replies:
                won = "walkover" if result.walkover else "won" if rid in result.winners else "lost"
                outcomes.setdefault(r, {})[board.author[rid]] = won
    return outcomes
