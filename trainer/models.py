"""The database is the truth: every fact about a live session is a row here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .clock import utcnow
from .extensions import db


class Deck(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8), default="en")
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    cards: Mapped[list[Card]] = relationship(
        back_populates="deck", order_by="Card.position", cascade="all, delete-orphan"
    )


class Card(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    complaint: Mapped[str] = mapped_column(String(280))
    theme: Mapped[str] = mapped_column(String(20), default="other")
    difficulty: Mapped[int] = mapped_column(Integer, default=1)
    coach_note: Mapped[str] = mapped_column(String(500), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    deck: Mapped[Deck] = relationship(back_populates="cards")


class SessionDeck(db.Model):
    """The decks a session deals from (a trainer can mix several)."""

    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"), primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id"), primary_key=True)


class GameSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    host_token_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    seed: Mapped[int] = mapped_column(Integer)
    writing_seconds: Mapped[int] = mapped_column(Integer)
    voting_seconds: Mapped[int] = mapped_column(Integer)
    rounds_total: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(12), default="lobby", index=True)
    round_no: Mapped[int] = mapped_column(Integer, default=0)
    deadline: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    paused_remaining_ms: Mapped[int | None] = mapped_column(Integer)
    # Bumped on every clock change: a change applies only if nobody else
    # (another click, another worker, the sweeper) changed the clock first.
    clock_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    players: Mapped[list[Player]] = relationship(
        back_populates="session", order_by="Player.id"
    )
    decks: Mapped[list[Deck]] = relationship(secondary="session_deck", order_by="Deck.name")


class Player(db.Model):
    __table_args__ = (
        # A removed player's name_key is cleared, which frees the name.
        UniqueConstraint("session_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"), index=True)
    name: Mapped[str] = mapped_column(String(24))
    name_key: Mapped[str | None] = mapped_column(String(24))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A player who joins mid-round plays from the next round on.
    first_round: Mapped[int] = mapped_column(Integer, default=1)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[GameSession] = relationship(back_populates="players")


class Reply(db.Model):
    """A dealt card and what its player wrote for it: one per player per round."""

    __table_args__ = (
        UniqueConstraint("session_id", "round_no", "player_id"),
        Index("ix_reply_round", "session_id", "round_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"))
    round_no: Mapped[int] = mapped_column(Integer)
    player_id: Mapped[int] = mapped_column(ForeignKey("player.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"))
    draft: Mapped[str] = mapped_column(Text, default="")
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set on submit, or from a non-blank draft when writing closes.
    text: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    card: Mapped[Card] = relationship()
    player: Mapped[Player] = relationship()


class Vote(db.Model):
    __table_args__ = (
        UniqueConstraint("voter_id", "reply_id"),
        Index("ix_vote_round", "session_id", "round_no"),
        # Who has used all their votes is asked on every vote: an index-only count.
        Index("ix_vote_round_voter", "session_id", "round_no", "voter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"))
    round_no: Mapped[int] = mapped_column(Integer)
    voter_id: Mapped[int] = mapped_column(ForeignKey("player.id"))
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id"), index=True)
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
