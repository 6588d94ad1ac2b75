"""The schema of the first release (commit 7ab544a), frozen for migration tests.

A copy of that release's trainer/models.py with its own metadata: its
create_all makes a database exactly like the ones that release left behind
(tables, no alembic_version). Never edit it to follow the models.
"""

from __future__ import annotations

import re
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
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from trainer.clock import utcnow


class Base(DeclarativeBase):
    @declared_attr.directive
    def __tablename__(cls) -> str:
        # Flask-SQLAlchemy's naming: GameSession → game_session.
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class Deck(Base):
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


class Card(Base):
    id: Mapped[int] = mapped_column(primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    complaint: Mapped[str] = mapped_column(String(280))
    theme: Mapped[str] = mapped_column(String(20), default="other")
    difficulty: Mapped[int] = mapped_column(Integer, default=1)
    coach_note: Mapped[str] = mapped_column(String(500), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    deck: Mapped[Deck] = relationship(back_populates="cards")


class SessionDeck(Base):
    """The decks a session deals from (a trainer can mix several)."""

    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"), primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id"), primary_key=True)


class GameSession(Base):
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


class Player(Base):
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


class Reply(Base):
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


class Vote(Base):
    __table_args__ = (
        UniqueConstraint("voter_id", "reply_id"),
        Index("ix_vote_round", "session_id", "round_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"))
    round_no: Mapped[int] = mapped_column(Integer)
    voter_id: Mapped[int] = mapped_column(ForeignKey("player.id"))
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id"), index=True)
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
