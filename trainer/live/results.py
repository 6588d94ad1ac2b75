"""Scores and results: points per round in its own mode, awards, duels, the debrief.

Built from rows alone, so a reconnecting projector or a restarted server
shows the same results.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select

from .. import game
from ..coaching import criteria as criteria_texts
from ..coaching.debrief import model_answers
from ..coaching.summary import round_line
from ..extensions import db
from ..game import scoring
from ..game.modes import Choice, Mode, Voting
from ..models import GameRound, GameSession, ModelAnswer, Player, Reply, Star
from .voting import choices_in, round_modes

PODIUM = 3
# The debrief shows at most this many winning replies side by side.
DEBRIEF_REPLIES = 4


class Scoreboard:
    """Totals, this round's points and awards, and ranks for every player of a session."""

    def __init__(self, session: GameSession, criteria: int = 0) -> None:
        # Names, not rows: a board outlives its request (see ``scoreboard``).
        self.players: dict[int, str] = {p.id: p.name for p in session.players if not p.removed}
        rows = db.session.execute(
            select(Reply.id, Reply.player_id, Reply.round_no, Reply.duel)
            .where(Reply.session_id == session.id, Reply.text.is_not(None), ~Reply.hidden)
        ).all()
        self.author = {rid: pid for rid, pid, _, _ in rows if pid in self.players}
        duel_of: dict[int, dict[int, int]] = {}
        authors: dict[int, dict[int, int]] = {}
        for rid, pid, round_no, duel in rows:
            if pid in self.players:
                authors.setdefault(round_no, {})[rid] = pid
                duel_of.setdefault(round_no, {})[rid] = duel if duel is not None else -1
        by_round: dict[int, list[Choice]] = {}
        for round_no, choice in choices_in(session):
            if choice.reply_id in self.author:
                by_round.setdefault(round_no, []).append(choice)
        self.choices = by_round.get(session.round_no, [])
        modes = round_modes(session)
        self.mode = modes.get(session.round_no, Mode.OWN_CARD)
        self.totals = {pid: 0 for pid in self.players}
        self.this_round = {pid: 0 for pid in self.players}
        # Every round's choices, duels and points: a drill's phone shows each of its cards' (live/drill_cards.py).
        self.by_round, self.duel_of_round, self.modes = by_round, duel_of, modes
        self.round_points: dict[int, dict[int, int]] = {}
        for round_no, round_authors in authors.items():
            points = scoring.round_points(
                modes.get(round_no, Mode.OWN_CARD), round_authors, by_round.get(round_no, []),
                duel_of.get(round_no, {}),
            )
            self.round_points[round_no] = dict(points)
            for pid, value in points.items():
                self.totals[pid] += value
                if round_no == session.round_no:
                    self.this_round[pid] += value
        self.awards = [(self.author[c.reply_id], c.criterion) for cs in by_round.values() for c in cs]
        self.duel_of = duel_of.get(session.round_no, {})
        self.table = game.rank(self.totals, self.players)
        self.place = {pid: place for place, pid, _ in self.table}
        # Asked once per phone at results: worked out once here, not per phone.
        self.round_awards: dict[int, list[int]] = {}
        for choice in self.choices:
            if choice.criterion < criteria:
                self.round_awards.setdefault(self.author[choice.reply_id], [0] * criteria)[choice.criterion] += 1
        self.duels = scoring.duel_results(self.duel_of, self.choices) if self.mode == Mode.DUELS else {}
        self.duel_outcomes: dict[int, str] = {}
        for result in self.duels.values():
            for rid in result.replies:
                won = "walkover" if result.walkover else "won" if rid in result.winners else "lost"
                self.duel_outcomes[self.author[rid]] = won

    def leaderboard(self, limit: int | None = None) -> list[dict[str, Any]]:
        rows = self.table if limit is None else self.table[:limit]
        return [
            {"rank": place, "name": self.players[pid], "score": score, "id": pid}
            for place, pid, score in rows
        ]


# (session, code, round, moderation version, players in the room, criteria) → Scoreboard
_BOARDS: OrderedDict[tuple, Scoreboard] = OrderedDict()
_BOARDS_KEPT = 32


def scoreboard(session: GameSession, criteria: int = 0) -> Scoreboard:
    """The scoreboard, worked out once while a round's results stand.

    Once voting has closed nothing scored can change but the room: a reply
    hidden or a player removed moves the session's ``moderation_version``,
    a player joining adds one to the room's count. Both are in the key, so
    the projector's snapshot, the podium after it and every phone that
    wakes and asks again share one board, where each had read every vote of
    the session. The ids repeat across databases (a test suite makes many):
    the room code is in the key too.
    """
    if session.phase not in (game.Phase.RESULTS, game.Phase.FINISHED):
        return Scoreboard(session, criteria)
    present = db.session.scalar(
        select(func.count(Player.id)).where(Player.session_id == session.id, ~Player.removed)
    )
    key = (session.id, session.code, session.round_no, session.moderation_version, present, criteria)
    found = _BOARDS.get(key)
    if found is None:
        found = _BOARDS[key] = Scoreboard(session, criteria)
        while len(_BOARDS) > _BOARDS_KEPT:
            _BOARDS.popitem(last=False)
    return found


def shown_criteria(session: GameSession, *languages: str | None) -> list[dict[str, str]]:
    if session.voting != Voting.AWARDS:
        return []
    return criteria_texts.in_language(session.criteria or [], *languages, session.language)


def round_results(session: GameSession, rows, board: Scoreboard) -> dict[str, Any]:
    """The projector's results: replies, winners (per criterion, per duel), the debrief."""
    criteria = shown_criteria(session, session.language)
    counts = scoring.tally(board.choices)
    shown = [(r, c, p) for r, c, p in rows if r.text is not None and not p.removed and not r.hidden]
    shown.sort(key=lambda row: (-counts.get(row[0].id, 0), row[0].id))
    by_id = {r.id: (r, c, p) for r, c, p in shown}
    if board.mode == Mode.DUELS:
        winners = {rid for result in board.duels.values() for rid in result.winners}
    else:
        winners = set(game.round_winners({r.id: counts.get(r.id, 0) for r, _, _ in shown}))
    per_criterion = scoring.criterion_winners(board.choices, len(criteria)) if criteria else {}
    starred = set(db.session.scalars(select(Star.reply_id).where(Star.reply_id.in_(list(by_id))))) if by_id else set()
    award_counts: dict[int, list[int]] = {}  # reply → awards per criterion
    for choice in board.choices:
        if criteria and choice.criterion < len(criteria):
            award_counts.setdefault(choice.reply_id, [0] * len(criteria))[choice.criterion] += 1

    def points(rid: int) -> int:
        if board.mode == Mode.DUELS:
            return scoring.DUEL_POINTS if rid in winners else 0
        return counts.get(rid, 0) * game.rules.POINTS_PER_VOTE

    def reply(rid: int) -> dict[str, Any]:
        r, c, p = by_id[rid]
        return {
            "id": r.id, "text": r.text, "author": p.name, "votes": counts.get(r.id, 0),
            "points": points(r.id), "best": r.id in winners,
            "awards": award_counts.get(r.id, [0] * len(criteria)), "duel": board.duel_of.get(r.id),
            "card_id": c.id, "complaint": c.complaint, "theme": c.theme, "coach_note": c.coach_note,
            "starred": r.id in starred,
        }

    data: dict[str, Any] = {
        "replies": [reply(r.id) for r, _, _ in shown],
        "leaderboard": board.leaderboard(),
        "criteria_winners": [
            {**criteria[c], "replies": [reply(rid) for rid in per_criterion.get(c, []) if rid in by_id]}
            for c in range(len(criteria))
        ],
        "duels": [
            {"replies": list(d.replies), "winners": list(d.winners), "walkover": d.walkover}
            for _, d in sorted(board.duels.items())
        ],
    }
    if criteria:
        # This round's awards per player, most first (players with none left out).
        ordered = sorted(
            board.round_awards.items(), key=lambda item: (-sum(item[1]), board.players[item[0]].casefold())
        )
        data["round_awards"] = [{"name": board.players[pid], "awards": counts} for pid, counts in ordered]
    data["debrief"] = _debrief(session, data, by_id)
    return data


def _debrief(session: GameSession, data: dict[str, Any], by_id) -> dict[str, Any]:
    """The card(s), coach notes, the winning replies side by side, model answers, takeaway."""
    if data["criteria_winners"]:
        winning = [r for winner in data["criteria_winners"] for r in winner["replies"]]
    else:
        winning = [r for r in data["replies"] if r["best"] and r["votes"]]
        winning.sort(key=lambda r: -r["votes"])
    seen: set[int] = set()
    highlights = [r for r in winning if not (r["id"] in seen or seen.add(r["id"]))][:DEBRIEF_REPLIES]
    card_ids = list(dict.fromkeys(r["card_id"] for r in highlights)) or list(
        dict.fromkeys(c.id for _, c, _ in by_id.values()))[:1]
    cards = {c.id: c for _, c, _ in by_id.values()}
    answers = model_answers(card_ids)
    played = db.session.get(GameRound, (session.id, session.round_no))
    pinned = set(db.session.scalars(select(ModelAnswer.reply_id).where(ModelAnswer.reply_id.in_(list(by_id)))))
    highlights, cue_line = _with_cues(session, highlights, by_id)
    return {
        "cards": [
            {"id": cid, "complaint": cards[cid].complaint, "coach_note": cards[cid].coach_note,
             "model_answers": answers.get(cid, [])}
            for cid in card_ids if cid in cards
        ],
        "highlights": highlights,
        "cue_line": cue_line,
        "pinned": sorted(pinned),
        "takeaway": played.takeaway if played is not None else "",
    }


def _with_cues(session: GameSession, highlights: list[dict[str, Any]], by_id) -> tuple[list[dict[str, Any]], str]:
    """The debrief's replies with the service cues stored on them, and the round's line
    summing every shown reply's ("Of 12 replies: 7 offered a next step, 2 deflected.")
    in the session's language, whoever's event built the snapshot. Nothing with cues off."""
    if not session.cues_enabled:
        return highlights, ""
    with force_locale(session.language):
        line = round_line(r.cues for r, _, _ in by_id.values())
    return [{**h, "cues": by_id[h["id"]][0].cues} for h in highlights], line


def criterion_best(session: GameSession, board: Scoreboard) -> list[dict[str, Any]]:
    """The podium's "best at each criterion": who received each one most over the session."""
    criteria = shown_criteria(session, session.language)
    best = scoring.best_per_criterion(board.awards, len(criteria))
    return [
        {**criteria[c], "players": [board.players[pid] for pid in best.get(c, [])]}
        for c in range(len(criteria))
    ]
