"""A session's report: everything that was played, round by round.

Finished or not, a session reads back as its cards, every reply with its
author, its votes or awards, whether it was hidden, the pinned model
answers and the trainer's takeaways. The same rows feed the page, the
printable handout and the CSV.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..coaching import criteria as criteria_texts
from ..extensions import db
from ..models import Card, GameRound, GameSession, Member, ModelAnswer, Player, Reply, Star, Team, User, Vote
from . import cues as cue_records


@dataclass
class ReportReply:
    id: int
    text: str | None
    author: str
    player_id: int
    member_id: int | None
    votes: int
    awards: list[int]
    hidden: bool
    pinned: bool
    starred: bool
    # Its service cues as stored when it was sent; None: none looked for (cues off, or no reply).
    cues: dict | None = None

    @property
    def chips(self) -> list[cue_records.Chip]:
        return cue_records.chips(self.cues)


@dataclass
class ReportCard:
    id: int
    complaint: str
    theme: str
    coach_note: str
    replies: list[ReportReply] = field(default_factory=list)


@dataclass
class ReportRound:
    number: int
    mode: str
    takeaway: str
    cards: list[ReportCard] = field(default_factory=list)

    @property
    def cue_line(self) -> str:
        """"Of 12 replies: 7 offered a next step, 2 deflected." over its shown replies."""
        return cue_records.round_line(
            reply.cues for card in self.cards for reply in card.replies if not reply.hidden and reply.text
        )


@dataclass
class Report:
    session: GameSession
    trainer: str | None
    team: str | None
    decks: list[str]
    criteria: list[dict[str, str]]
    players: int
    rounds: list[ReportRound]

    @property
    def date(self) -> datetime:
        return self.session.created_at

    def replies(self):
        """(round, card, reply) for every reply, in the report's order."""
        for played in self.rounds:
            for card in played.cards:
                for reply in card.replies:
                    yield played, card, reply


def author_name(player_name: str, member: Member | None) -> str:
    """A player's name as records show it: an anonymised member stays unnamed."""
    if member is not None and member.anonymised:
        return ""
    return member.name if member is not None else player_name


def build(session: GameSession, language: str | None = None) -> Report:
    awards = session.voting == "awards"
    criteria = criteria_texts.in_language(session.criteria or [], language, session.language) if awards else []
    rows = db.session.execute(
        select(Reply, Player, Card, Member)
        .join(Player, Player.id == Reply.player_id)
        .join(Card, Card.id == Reply.card_id)
        .outerjoin(Member, Member.id == Player.member_id)
        .where(Reply.session_id == session.id)
        .order_by(Reply.round_no, Card.id, Reply.id)
    ).all()
    if session.pace == "drill" and session.phase in ("lobby", "writing"):
        # A drill's replies are sealed until writing closes: "no reply" would be untrue, the text early.
        rows = []
    ids = [reply.id for reply, *_ in rows]
    counts: Counter[int] = Counter()
    per_criterion: dict[int, list[int]] = {}
    for reply_id, criterion, n in db.session.execute(
        select(Vote.reply_id, Vote.criterion, func.count(Vote.id))
        .where(Vote.session_id == session.id).group_by(Vote.reply_id, Vote.criterion)
    ):
        counts[reply_id] += n
        if awards and criterion < len(criteria):
            per_criterion.setdefault(reply_id, [0] * len(criteria))[criterion] += n
    pinned = set(db.session.scalars(select(ModelAnswer.reply_id).where(ModelAnswer.reply_id.in_(ids))))
    starred = set(db.session.scalars(select(Star.reply_id).where(Star.reply_id.in_(ids))))
    played = {r.round_no: r for r in db.session.scalars(select(GameRound).where(GameRound.session_id == session.id))}
    rounds: dict[int, ReportRound] = {}
    for reply, player, card, member in rows:
        number = reply.round_no
        if number not in rounds:
            info = played.get(number)
            rounds[number] = ReportRound(number, info.mode if info else "own_card", info.takeaway if info else "")
        cards = rounds[number].cards
        if not cards or cards[-1].id != card.id:
            cards.append(ReportCard(card.id, card.complaint, card.theme, card.coach_note))
        cards[-1].replies.append(ReportReply(
            id=reply.id, text=reply.text, author=author_name(player.name, member), player_id=player.id,
            member_id=player.member_id, votes=counts.get(reply.id, 0),
            awards=per_criterion.get(reply.id, [0] * len(criteria)), hidden=reply.hidden,
            pinned=reply.id in pinned, starred=reply.id in starred,
            cues=reply.cues if session.cues_enabled and reply.text is not None else None,
        ))
    for found in rounds.values():
        for card in found.cards:
            card.replies.sort(key=lambda r: (r.hidden, r.text is None, -r.votes, r.id))
    trainer = db.session.get(User, session.owner_id) if session.owner_id else None
    team = db.session.get(Team, session.team_id) if session.team_id else None
    return Report(
        session=session,
        trainer=trainer.username if trainer else None,
        team=team.name if team else None,
        decks=[deck.name for deck in session.decks],
        criteria=criteria,
        players=sum(1 for p in session.players if not p.removed),
        rounds=[rounds[n] for n in sorted(rounds)],
    )


def csv_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The header and one row per reply, for exports.csv_bytes."""
    header = ["session", "date", "round", "card", "theme", "player", "reply", "votes",
              *(f"award: {c['name']}" for c in report.criteria), "hidden"]
    cued = report.session.cues_enabled
    if cued:
        header += cue_records.CSV_HEADER  # hints for the debrief, not scores
    rows = [
        [report.session.code, report.date.strftime("%Y-%m-%d"), played.number, card.complaint, card.theme,
         reply.author, reply.text or "", reply.votes, *reply.awards, "yes" if reply.hidden else "no",
         *(cue_records.csv_cells(reply.cues) if cued else ())]
        for played, card, reply in report.replies()
    ]
    return header, rows
