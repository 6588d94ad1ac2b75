"""What each screen needs to draw itself, built from the database alone.

A phone or projector that (re)connects gets one of these and can draw the
whole screen from it; phase changes send a fresh one. Queries are batched
per session so a room of hundreds costs a handful of queries, not hundreds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from random import Random
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_, select

from .. import game
from ..clock import epoch_ms
from ..coaching import phrases as cue_phrases
from ..extensions import db
from ..game.modes import Choice, Mode, Voting
from ..models import Card, GameSession, Player, Reply, Vote
from . import drill_cards, presence
from .drills import too_few_replies
from .results import PODIUM, Scoreboard, criterion_best, round_results, scoreboard, shown_criteria
from .rounds import REPLY_MAX, round_mode, writing_progress
from .sessions import DRILL, session_pool
from .voting import choices_payload, round_ballots, votes_of, voting_progress

# The projector's same-card picker lists at most this many cards.
PICKER_CARDS = 300


def clock_payload(session: GameSession, now: datetime) -> dict[str, Any]:
    return {
        # Bumped by every phase or timer change: with several workers, two
        # changes can arrive through Redis out of order, and screens keep the newer.
        "version": session.clock_version,
        "deadline": epoch_ms(session.deadline),
        "paused_remaining": session.paused_remaining_ms,
        "server_now": epoch_ms(now),
    }


def shown_mode(session: GameSession) -> str:
    """The mode of the round on screen (between rounds, of the next one)."""
    playing = session.phase in (game.Phase.WRITING, game.Phase.VOTING, game.Phase.RESULTS)
    return str(round_mode(session, session.round_no)) if playing else session.mode


def common(session: GameSession, now: datetime, mode: str | None = None) -> dict[str, Any]:
    """What every screen's snapshot carries; ``mode`` when the caller has read it already (RoomReads)."""
    return {
        "code": session.code,
        "phase": session.phase,
        "round": session.round_no,
        "rounds_total": session.rounds_total,
        "reply_max": REPLY_MAX,
        "mode": shown_mode(session) if mode is None else mode,
        "voting": session.voting,
        "pace": session.pace,
        **clock_payload(session, now),
        **({"drill": drill_payload(session)} if session.pace == DRILL else {}),
    }


def drill_payload(session: GameSession) -> dict[str, Any]:
    """A drill's windows, for "time left" in days and hours and "voting until …"."""
    return {
        "writing_opens": epoch_ms(session.writing_opens_at),
        "writing_closes": epoch_ms(session.writing_closes_at),
        "voting_closes": epoch_ms(session.voting_closes_at),
        "time_zone": session.time_zone,
        # Writing closed with too few replies to vote on: the results say why.
        "too_few": too_few_replies(session),
    }


def _round_rows(session: GameSession, where: Any = None) -> list[tuple[Any, Any, Any]]:
    """This round's (reply, card, author), read as plain rows, not ORM objects.

    Every phase change reads them twice (projector and phones), and a room
    of a thousand would otherwise build 3,000 tracked objects each time. The
    rows carry the attributes the snapshots read, under the same names.
    """
    query = (
        select(
            Reply.id, Reply.text, Reply.sealed, Reply.draft, Reply.submitted_at, Reply.hidden, Reply.duel,
            Reply.cues,
            Card.id.label("card_id"),
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
            id=row.id, text=row.text, sealed=row.sealed, draft=row.draft, submitted_at=row.submitted_at,
            hidden=row.hidden,
            duel=row.duel, cues=row.cues,
        )
        rows.append((reply, card, SimpleNamespace(id=row.player_id, name=row.name, removed=row.removed)))
    return rows


@dataclass
class RoomReads:
    """What a phase change's snapshots for the whole room read from the database.

    The phones' snapshots and the projector's both need this round's rows and,
    once the round is over, the scoreboard (the biggest thing either builds:
    every vote of the session). Read once, shared by both.
    """

    rows: list[tuple[Any, Any, Any]]
    board: Scoreboard | None
    # The round's mode: a query of its own, which both snapshots would make
    # (the identity map holds a row only while someone refers to it).
    mode: str

    @classmethod
    def of(cls, session: GameSession) -> RoomReads:
        ended = session.phase in (game.Phase.RESULTS, game.Phase.FINISHED)
        return cls(
            mode=shown_mode(session),
            rows=_round_rows(session) if session.round_no and session.phase != game.Phase.LOBBY else [],
            board=scoreboard(session, len(shown_criteria(session, session.language))) if ended else None,
        )


def _card(card: Card, *, with_note: bool = False) -> dict[str, Any]:
    data = {"complaint": card.complaint, "theme": card.theme}
    if with_note:
        data["coach_note"] = card.coach_note
    return data


def host_snapshot(session: GameSession, now: datetime, reads: RoomReads | None = None) -> dict[str, Any]:
    reads = reads or RoomReads.of(session)
    data = common(session, now, reads.mode)
    here = presence.present_ids(session.id)
    data["players"] = [
        {"id": p.id, "name": p.name, "first_round": p.first_round, "away": p.id not in here}
        for p in session.players
        if not p.removed
    ]
    data["locked"] = session.locked
    data["polite"] = session.profanity_filter
    data["criteria"] = shown_criteria(session, session.language)
    phase = session.phase
    if phase in (game.Phase.LOBBY, game.Phase.RESULTS):
        data["next_mode"] = session.mode
        data["next_card_id"] = session.next_card_id
        data["pool"] = [
            {"id": cid, "complaint": complaint}
            for cid, complaint in db.session.execute(
                session_pool(session).add_columns(Card.complaint).order_by(Card.complaint).limit(PICKER_CARDS)
            )
        ]
    rows = reads.rows
    if phase == game.Phase.WRITING:
        data["submitted_ids"] = [p.id for r, _, p in rows if r.submitted_at is not None]
        data["progress"] = dict(zip(("submitted", "total"), writing_progress(session), strict=True))
    elif phase == game.Phase.VOTING:
        order = [row for row in rows if row[0].text is not None and not row[2].removed and not row[0].hidden]
        # Shuffled so the projector's order says nothing about who wrote what.
        Random(f"{session.seed}:{session.round_no}:projector").shuffle(order)
        if data["mode"] == Mode.DUELS:
            # Pair by pair: each duel's sides together, the duels in the shuffled order;
            # a walk-over (one side left) is not voted on, so not shown.
            sides = Counter(r.duel for r, _, _ in order)
            order = [row for row in order if sides[row[0].duel] >= 2]
            first: dict[Any, int] = {}
            for i, (r, _, _) in enumerate(order):
                first.setdefault(r.duel, i)
            order.sort(key=lambda row: (first[row[0].duel], row[0].id))
        data["replies"] = [{"id": r.id, "text": r.text, "duel": r.duel, **_card(c)} for r, c, _ in order]
        data["progress"] = dict(zip(("voted", "total"), voting_progress(session), strict=True))
    elif phase in (game.Phase.RESULTS, game.Phase.FINISHED):
        board = reads.board
        assert board is not None  # RoomReads reads it whenever the round has ended
        data.update(round_results(session, rows, board))
        data["podium"] = board.leaderboard(PODIUM)
        data["criterion_best"] = criterion_best(session, board) if phase == game.Phase.FINISHED else []
    return data



def player_snapshots(
    session: GameSession, now: datetime, only: Player | None = None, reads: RoomReads | None = None
) -> dict[int, dict[str, Any]]:
    """Each player's own view: their card, draft, ballot or score.

    ``only`` one player's (a phone that connects or asks), else the room's,
    from ``reads`` when the projector's snapshot shares them.
    """
    return dict(each_player_snapshot(session, now, only, reads))


def each_player_snapshot(
    session: GameSession, now: datetime, only: Player | None = None, reads: RoomReads | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``player_snapshots`` one phone at a time, for a phase change to send as it builds.

    Everything read from the database is read before the first one; the
    rest is building from what was read.
    """
    base = common(session, now, reads.mode if reads is not None else None)
    players = [only] if only is not None else [p for p in session.players if not p.removed]
    phase = session.phase
    ballots = round_ballots(session, session.round_no) if phase == game.Phase.VOTING else {}
    # One phone (re)connecting reads its own row and its ballot's, not the room's.
    mine = None if only is None else or_(
        Reply.player_id == only.id, Reply.id.in_(ballots.get(only.id, game.Ballot(())).reply_ids)
    )
    if reads is None or only is not None:
        found = _round_rows(session, mine) if session.round_no else []
    else:
        found = reads.rows
    rows = {p.id: (r, c) for r, c, p in found}
    reply_cards = {r.id: (r, c) for r, c in rows.values()}
    my_votes = _votes_by_voter(session, only) if phase == game.Phase.VOTING else {}
    awards = session.voting == Voting.AWARDS
    ended = phase in (game.Phase.RESULTS, game.Phase.FINISHED)
    if not ended:
        board = None
    elif reads is not None and only is None:
        board = reads.board
    else:
        board = scoreboard(session, len(shown_criteria(session, session.language)))
    same_card = base["mode"] == Mode.SAME_CARD
    # Each phone reads the criteria in its own language: worked out once per language.
    criteria: dict[str, list[dict[str, str]]] = {}
    finished = phase == game.Phase.FINISHED and board is not None
    best = criterion_best(session, board) if finished else []
    podium = board.leaderboard(PODIUM) if finished else []
    # A reply sits on several ballots: its entry is built once and shared.
    entries: dict[int, dict[str, Any]] = {}
    # A drill's phone holds every card at once (live/drill_cards.py).
    per_card = _drill_cards(session, players, board) if session.pace == DRILL else {}

    def entry(reply_id: int) -> dict[str, Any]:
        found = entries.get(reply_id)
        if found is None:
            reply, card = reply_cards[reply_id]
            found = entries[reply_id] = {"id": reply_id, "text": reply.text, **({} if same_card else _card(card))}
        return found

    for player in players:
        data = dict(base, me={"id": player.id, "name": player.name})
        if awards:
            if player.language not in criteria:
                criteria[player.language] = shown_criteria(session, player.language)
            data["criteria"] = criteria[player.language]
        mine = rows.get(player.id)
        data["playing"] = mine is not None
        if phase == game.Phase.WRITING and mine:
            reply, card = mine
            # A drill's sent reply is sealed until writing closes: only its writer's snapshot holds it.
            sent = reply.text or reply.sealed
            data.update(card=_card(card), draft=reply.draft, submitted=sent if reply.submitted_at else None)
        elif phase == game.Phase.VOTING:
            ballot = ballots.get(player.id, game.Ballot(()))
            # On a same-card round the card is sent once, not with every reply.
            data["ballot"] = [entry(rid) for rid in ballot.reply_ids]
            if same_card and ballot.reply_ids:
                data["card"] = _card(reply_cards[ballot.reply_ids[0]][1])
            if ballot.duels:
                data["duels"] = [list(duel) for duel in ballot.duels]
            data["votes_allowed"] = ballot.votes_allowed
            data.update(my_votes.get(player.id) or choices_payload([], awards))
        elif board is not None:
            data["score"] = board.totals.get(player.id, 0)
            data["round_points"] = board.this_round.get(player.id, 0)
            data["rank"] = board.place.get(player.id)
            data["of"] = len(board.players)
            data["duel_result"] = board.duel_outcomes.get(player.id)
            if awards:
                data["round_awards"] = board.round_awards.get(player.id, [0] * len(data["criteria"]))
            if mine:
                data["card"] = _card(mine[1], with_note=True)
                cued = _own_cues(session, mine[0])
                if cued:
                    data["my_cues"] = cued  # this phone's own reply only, never another's
            if phase == game.Phase.FINISHED:
                data["podium"] = podium
                data["criterion_best"] = best
        if per_card:
            data["cards"] = per_card.get(player.id, [])
        yield player.id, data


def _drill_cards(session: GameSession, players: list[Player], board: Scoreboard | None) -> dict[int, list]:
    """Each phone's cards of a drill in the phase it is in: reply boxes, ballots or results."""
    ids = [p.id for p in players]
    if session.phase == game.Phase.WRITING:
        return drill_cards.writing(session, ids)
    if session.phase == game.Phase.VOTING:
        return drill_cards.ballots(session, ids)
    if board is not None:
        criteria = len(shown_criteria(session, session.language)) if session.voting == Voting.AWARDS else 0
        return drill_cards.results(session, ids, board, criteria)
    return {}


def _own_cues(session: GameSession, reply: Any) -> dict[str, Any] | None:
    """A phone's own reply's service cues, as stored when it was sent, and which line of advice to show."""
    if not session.cues_enabled or reply.cues is None or not reply.text:
        return None
    return {**reply.cues, "advice": cue_phrases.advice(reply.cues)}


def _votes_by_voter(session: GameSession, only: Player | None = None) -> dict[int, dict[str, list]]:
    """Each voter's votes and awards this round, as the phone's ballot shows them."""
    awards = session.voting == Voting.AWARDS
    if only is not None:
        return {only.id: choices_payload(votes_of(only, session, session.round_no), awards)}
    found: dict[int, list[Choice]] = {}
    query = (
        select(Vote.voter_id, Vote.reply_id, Vote.criterion)
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Vote.session_id == session.id, Vote.round_no == session.round_no, ~Reply.hidden)
        .order_by(Vote.id)
    )
    for voter, reply, criterion in db.session.execute(query):
        found.setdefault(voter, []).append(Choice(reply, criterion))
    return {voter: choices_payload(choices, awards) for voter, choices in found.items()}
