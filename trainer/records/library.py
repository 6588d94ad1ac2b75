"""The best-replies library: replies a trainer starred, searchable and filterable.

Search uses each database's own full-text index (trainer/database/search.py):
FTS5 on SQLite, a tsvector with the reply language's dictionary on
PostgreSQL. Filters narrow by language, deck, theme, card and award won.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal_column, or_, select, text

from ..database import search as fts
from ..decks.store import IN_PLAY
from ..extensions import db
from ..game import RuleError
from ..models import Card, Deck, GameSession, Member, Player, Reply, Star, Vote
from .reports import author_name

PAGE = 50
# Words of a query: letters and digits in any script (Cyrillic and Greek too).
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _body(reply: Reply, card: Card) -> str:
    return f"{reply.text}\n{card.complaint}"


def _reply_of(session_id: int, reply_id: int) -> Reply:
    """A reply of this session, or ``unknown_reply``: whoever may change a session
    may change its replies' entries, and no other session's (ids count up from 1)."""
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.session_id != session_id:
        raise RuleError("unknown_reply")
    return reply


def star(reply_id: int, user_id: int | None, session_id: int, anonymous: bool = False) -> Star:
    """Put one of the session's replies in the library (starring it twice keeps one entry)."""
    reply = _reply_of(session_id, reply_id)
    if reply.text is None or reply.hidden:
        raise RuleError("unknown_reply")
    found = db.session.scalar(select(Star).where(Star.reply_id == reply_id))
    if found is not None:
        return found
    player = db.session.get(Player, reply.player_id)
    entry = Star(reply_id=reply_id, starred_by=user_id, anonymous=anonymous, language=player.language)
    db.session.add(entry)
    db.session.flush()
    fts.index(db.session.connection(), entry.id, _body(reply, reply.card), entry.language)
    db.session.commit()
    return entry


def unstar(reply_id: int, session_id: int) -> bool:
    """Take one of the session's replies out of the library."""
    _reply_of(session_id, reply_id)
    entry = db.session.scalar(select(Star).where(Star.reply_id == reply_id))
    if entry is None:
        return False
    fts.forget(db.session.connection(), [entry.id])
    db.session.delete(entry)
    db.session.commit()
    return True


def set_anonymous(entry: Star, anonymous: bool) -> None:
    entry.anonymous = anonymous
    db.session.commit()


def forget_replies(reply_ids: list[int]) -> None:
    """Before replies are deleted (a session goes): their entries leave the index too."""
    if not reply_ids:
        return
    ids = list(db.session.scalars(select(Star.id).where(Star.reply_id.in_(reply_ids))))
    fts.forget(db.session.connection(), ids)
    db.session.execute(Star.__table__.delete().where(Star.id.in_(ids)))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    language: str = ""
    deck_id: int | None = None
    theme: str = ""
    card_id: int | None = None
    award: int | None = None  # the criterion's position; entries that received at least one
    # Trainers' searches: only cards of decks in play (an admin archived or switched off the rest).
    in_play_only: bool = False


@dataclass
class Entry:
    star_id: int
    reply_id: int
    text: str
    complaint: str
    card_id: int
    theme: str
    deck: str
    language: str
    author: str
    anonymous: bool
    date: datetime
    votes: int
    awards: list[int]
    session_code: str


def _matching(q: str) -> Any:
    """The full-text condition for a query, or None when it has no words."""
    words = WORD.findall(q)[:12]
    if not words:
        return None
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        # Every word, each also as a prefix ("sorr" finds "sorry"); quoted, so no query syntax gets through.
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        return Star.id.in_(select(text("rowid")).select_from(text(fts.FTS_TABLE)).where(
            text(f"{fts.FTS_TABLE} MATCH :match")).params(match=match))
    # Every word, each also as a prefix, in each language's stemming: a Russian
    # query finds Russian word forms, an English one English. The words are
    # letters and digits only (WORD), so nothing of tsquery's syntax gets through.
    phrase = " & ".join(f"{w}:*" for w in words)
    configs = sorted(set(fts.CONFIGS.values()))
    queries = [func.to_tsquery(literal_column(f"'{config}'::regconfig"), phrase) for config in configs]
    return or_(*(literal_column("star.search").op("@@")(query) for query in queries))


def _query(filters: Filters) -> Select:
    query = (
        select(Star, Reply, Card, Deck, Player, Member, GameSession)
        .join(Reply, Reply.id == Star.reply_id)
        .join(Card, Card.id == Reply.card_id)
        .join(Deck, Deck.id == Card.deck_id)
        .join(Player, Player.id == Reply.player_id)
        .outerjoin(Member, Member.id == Player.member_id)
        .join(GameSession, GameSession.id == Reply.session_id)
    )
    return _narrowed(query, filters)


def _count(filters: Filters) -> int:
    """How many entries match, joining only what the filters need."""
    query = select(func.count(Star.id))
    if filters.deck_id or filters.theme or filters.card_id or filters.in_play_only:
        query = query.join(Reply, Reply.id == Star.reply_id).join(Card, Card.id == Reply.card_id)
    if filters.in_play_only:
        query = query.join(Deck, Deck.id == Card.deck_id)
    return db.session.scalar(_narrowed(query, filters)) or 0


def _narrowed(query: Select, filters: Filters) -> Select:
    condition = _matching(filters.q) if filters.q else None
    if condition is not None:
        query = query.where(condition)
    if filters.language:
        query = query.where(Star.language == filters.language)
    if filters.deck_id:
        query = query.where(Card.deck_id == filters.deck_id)
    if filters.theme:
        query = query.where(Card.theme == filters.theme)
    if filters.card_id:
        query = query.where(Card.id == filters.card_id)
    if filters.in_play_only:
        query = query.where(IN_PLAY)
    if filters.award is not None:
        query = query.where(Star.reply_id.in_(
            select(Vote.reply_id).join(GameSession, GameSession.id == Vote.session_id)
            .where(GameSession.voting == "awards", Vote.criterion == filters.award)
        ))
    return query


def search(filters: Filters, page: int = 1, size: int = PAGE) -> tuple[list[Entry], int]:
    """One page of entries, newest first, and how many match in all."""
    query = _query(filters)
    total = _count(filters)
    rows = db.session.execute(
        query.order_by(Star.created_at.desc(), Star.id.desc()).limit(size).offset((max(page, 1) - 1) * size)
    ).all()
    return _entries(rows), total or 0


def everything(filters: Filters) -> list[Entry]:
    """Every matching entry (for the CSV and the handout)."""
    return _entries(db.session.execute(_query(filters).order_by(Star.created_at.desc(), Star.id.desc())).all())


def _entries(rows) -> list[Entry]:
    ids = [reply.id for _s, reply, *_ in rows]
    votes: dict[int, int] = {}
    awards: dict[int, list[int]] = {}
    if ids:
        for reply_id, criterion, voting, n in db.session.execute(
            select(Vote.reply_id, Vote.criterion, GameSession.voting, func.count(Vote.id))
            .join(GameSession, GameSession.id == Vote.session_id)
            .where(Vote.reply_id.in_(ids)).group_by(Vote.reply_id, Vote.criterion, GameSession.voting)
        ):
            if voting == "awards":
                counts = awards.setdefault(reply_id, [0, 0, 0, 0])
                if criterion < len(counts):
                    counts[criterion] += n
            else:
                votes[reply_id] = votes.get(reply_id, 0) + n
    return [
        Entry(
            star_id=entry.id, reply_id=reply.id, text=reply.text, complaint=card.complaint, card_id=card.id,
            theme=card.theme,
            deck=deck.name, language=entry.language,
            author="" if entry.anonymous else author_name(player.name, member), anonymous=entry.anonymous,
            date=session.created_at, votes=votes.get(reply.id, 0), awards=awards.get(reply.id, []),
            session_code=session.code,
        )
        for entry, reply, card, deck, player, member, session in rows
    ]
