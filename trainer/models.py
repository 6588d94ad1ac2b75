"""The database is the truth: every fact about a live session is a row here."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    true,
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
    # Archived decks leave the lists but stay, with their cards, for the
    # sessions that were dealt from them.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)

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
    # Bumped when the trainer removes a player or hides or shows a reply: the
    # ballots a worker worked out for a voting phase hold until it moves.
    moderation_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The trainer's moderation switches.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    profanity_filter: Mapped[bool] = mapped_column(Boolean, default=False)
    # How the next round is dealt (game.Mode) and how the room votes (game.Voting).
    mode: Mapped[str] = mapped_column(String(12), default="own_card", server_default="own_card")
    voting: Mapped[str] = mapped_column(String(8), default="votes", server_default="votes")
    # The service criteria it is played with, copied when it was created:
    # [{"en": {"name": ..., "definition": ...}, "ru": {...}}, ...]
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    # Which cards may be dealt: theme slugs and difficulties; empty: all.
    themes: Mapped[list] = mapped_column(JSON, default=list)
    difficulties: Mapped[list] = mapped_column(JSON, default=list)
    # The trainer's pick for the next same-card round; None: dealt.
    next_card_id: Mapped[int | None] = mapped_column(
        ForeignKey("card.id", name="fk_game_session_next_card_id", ondelete="SET NULL")
    )
    # The trainer who created it; NULL for sessions from before accounts
    # (only admins may host those) and for a deleted trainer's history.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", name="fk_game_session_owner_id", ondelete="SET NULL"), index=True
    )
    # The team it was run for: phones pick their name from its roster.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", name="fk_game_session_team_id", ondelete="SET NULL"), index=True
    )
    # "live" (one room, minutes) or "drill" (over several days, trainer/live/drills.py):
    # a drill's phases end at its windows (game/windows.py), kept here in UTC.
    pace: Mapped[str] = mapped_column(String(8), default="live", server_default="live")
    writing_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    writing_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    voting_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The trainer's IANA time zone, in which the drill's times are shown.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # A same-card or duels drill's cards, one per round, chosen once (live/drills.py);
    # NULL for live sessions and for drills from before, whose one card is next_card_id.
    drill_card_ids: Mapped[list | None] = mapped_column(JSON)
    # Service cues (coaching/cues): found on each reply when it is sent; off: none found or shown.
    cues_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

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
    # The name's confusables skeleton (live/names.py): case folding can lengthen it.
    name_key: Mapped[str | None] = mapped_column(String(96))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A player who joins mid-round plays from the next round on.
    first_round: Mapped[int] = mapped_column(Integer, default=1)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The phone's own language (a Greek phone in a Russian session).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Who this is on the team's roster (picked on the phone, or linked later in the report).
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", name="fk_player_member_id", ondelete="SET NULL"), index=True
    )

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
    # Hidden by the trainer: kept, but not shown, not votable, worth nothing.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # In a drill, a sent reply waits here until writing closes, when it
    # becomes ``text``: no page, export or API can read it early.
    sealed: Mapped[str | None] = mapped_column(Text)
    # Its service cues, {"cues": [...], "flags": [...]}, found when it was sent (or its
    # draft counted) with the phrases in force then; NULL: none looked for.
    cues: Mapped[dict | None] = mapped_column(JSON)

    # In a duels round, which duel the reply is in (players sharing a card).
    duel: Mapped[int | None] = mapped_column(Integer)

    card: Mapped[Card] = relationship()
    player: Mapped[Player] = relationship()


class GameRound(db.Model):
    """A round as it was played: its mode, and the trainer's takeaway from the debrief."""

    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"), primary_key=True)
    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    mode: Mapped[str] = mapped_column(String(12))
    takeaway: Mapped[str] = mapped_column(String(200), default="")


class Vote(db.Model):
    """A vote, or an award for one service criterion (``criterion``; 0 for a plain vote)."""

    __table_args__ = (
        UniqueConstraint("voter_id", "reply_id", "criterion", name="uq_vote_choice"),
        Index("ix_vote_round", "session_id", "round_no"),
        # Who has used all their votes is asked on every vote: an index-only count.
        Index("ix_vote_round_voter", "session_id", "round_no", "voter_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"))
    round_no: Mapped[int] = mapped_column(Integer)
    voter_id: Mapped[int] = mapped_column(ForeignKey("player.id"))
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id"), index=True)
    criterion: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Made by the phone, so a retry after a lost ack is recognised as one.
    request_id: Mapped[str | None] = mapped_column(String(64))


class Presence(db.Model):
    """One row per live phone connection; a player with none is "away".

    Rows name the worker that holds the connection, so a restarted worker
    can clear the rows its previous life left behind.
    """

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("player.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("game_session.id"), index=True)
    worker: Mapped[str] = mapped_column(String(64), index=True)
    connected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Attempt(db.Model):
    """Counted attempts for throttling (joins per address), shared by all workers."""

    __table_args__ = (Index("ix_attempt_lookup", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(UserMixin, db.Model):
    """An admin (decks, accounts, any session) or a trainer (their own sessions)."""

    __tablename__ = "user_account"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(10), default="trainer")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The pages' language for this account; None: as the browser asks.
    language: Mapped[str | None] = mapped_column(String(8))
    # Bumped by signing out (and an admin's "sign out everywhere"): every
    # copy of an earlier session cookie stops opening pages.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        """What the session cookie keeps: a new password, or signing out, ends every copy of it."""
        stamp = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}:{stamp}:{self.session_version or 0}"


class LoginAttempt(db.Model):
    """A failed sign-in, kept in the database so every worker sees the count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    # The account tried, folded to lower case (it need not exist).
    username: Mapped[str] = mapped_column(String(40), default="", index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class SetupToken(db.Model):
    """The one-time link that creates the first admin; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DeckUpload(db.Model):
    """An uploaded deck file between its preview and the admin's confirmation."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # Cards go into this deck; without one, the import makes a new deck.
    deck_id: Mapped[int | None] = mapped_column(ForeignKey("deck.id", ondelete="CASCADE"))
    deck_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ServiceCriterion(db.Model):
    """One of the service standards a room awards (1–4 of them, in order).

    ``texts`` holds the name and one-line definition per language:
    {"en": {"name": "Heard them", "definition": "..."}, ...}. Sessions copy
    the set when they are created, so editing it never rewrites history.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)


class ModelAnswer(db.Model):
    """A reply the trainer pinned in a debrief as a model answer for its card."""

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), unique=True)
    pinned_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    pinned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Preset(db.Model):
    """A trainer's own saved session settings (the shipped ones live in code)."""

    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Team(db.Model):
    """A trainer's team: a name and a roster of members, followed over sessions."""

    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[Member]] = relationship(
        back_populates="team", order_by="Member.name", cascade="all, delete-orphan"
    )


class Member(db.Model):
    """Someone on a team's roster; their players across sessions are their history."""

    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(24))
    # The name's confusables skeleton, as for players: "Аna" is Ana's name.
    name_key: Mapped[str | None] = mapped_column(String(96))
    # Anonymised by an admin: the name is gone, the replies stay, unnamed.
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="members")


class Star(db.Model):
    """A reply a trainer starred into the best-replies library."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("reply.id", ondelete="CASCADE"), unique=True)
    starred_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The trainer's choice per entry: show the author, or "anonymous".
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # The language the reply was written in (its player's), for filters and stemming.
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    reply: Mapped[Reply] = relationship()


class Setting(db.Model):
    """One admin setting (how long sessions are kept, say): a key and a JSON value."""

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)


# The library's full-text index is made with the star table, however the
# schema is made (trainer/database/search.py).
@event.listens_for(Star.__table__, "after_create")
def _star_search_index(_table, connection, **_kw) -> None:
    from .database import search

    search.install(connection)
