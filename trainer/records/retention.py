"""How long sessions are kept, and deleting a session with everything it holds.

Off by default: sessions stay until an admin deletes one. With a number of
days set, the sweeper (started by every worker) deletes sessions created
longer ago than that, with their players, replies, votes and library entries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..clock import utcnow
from ..extensions import db
from ..models import (
    GameRound,
    GameSession,
    ModelAnswer,
    Player,
    Presence,
    Reply,
    SessionDeck,
    Setting,
    Star,
    Vote,
)
from . import library
from .messages import RecordsError

log = logging.getLogger(__name__)
KEY = "retention_days"
MAX_DAYS = 3650


def retention_days() -> int | None:
    found = db.session.get(Setting, KEY)
    return (found.value or {}).get("days") if found else None


def set_retention_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise RecordsError("retention_range")
    found = db.session.get(Setting, KEY)
    if found is None:
        found = Setting(key=KEY, value={})
        db.session.add(found)
    found.value = {"days": days}
    db.session.commit()


@dataclass(frozen=True)
class Contents:
    """What deleting a session takes with it, for the confirmation to name."""

    players: int
    replies: int
    votes: int
    starred: int


def contents(session: GameSession) -> Contents:
    replies = select(Reply.id).where(Reply.session_id == session.id)
    return Contents(
        players=db.session.scalar(select(func.count(Player.id)).where(Player.session_id == session.id)) or 0,
        replies=db.session.scalar(
            select(func.count(Reply.id)).where(Reply.session_id == session.id, Reply.text.is_not(None))) or 0,
        votes=db.session.scalar(select(func.count(Vote.id)).where(Vote.session_id == session.id)) or 0,
        starred=db.session.scalar(select(func.count(Star.id)).where(Star.reply_id.in_(replies))) or 0,
    )


def delete_session(session: GameSession) -> None:
    """The session and every row that belongs to it, in one transaction."""
    sid = session.id
    reply_ids = list(db.session.scalars(select(Reply.id).where(Reply.session_id == sid)))
    library.forget_replies(reply_ids)
    if reply_ids:
        db.session.execute(delete(ModelAnswer).where(ModelAnswer.reply_id.in_(reply_ids)))
    db.session.execute(delete(Vote).where(Vote.session_id == sid))
    db.session.execute(delete(Reply).where(Reply.session_id == sid))
    db.session.execute(delete(GameRound).where(GameRound.session_id == sid))
    db.session.execute(delete(Presence).where(Presence.session_id == sid))
    db.session.execute(delete(Player).where(Player.session_id == sid))
    db.session.execute(delete(SessionDeck).where(SessionDeck.session_id == sid))
    db.session.execute(delete(GameSession).where(GameSession.id == sid))
    db.session.commit()


def sweep_expired(now: datetime | None = None) -> int:
    """Delete sessions older than the retention period; returns how many went."""
    days = retention_days()
    if not days:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    expired = list(db.session.scalars(
        select(GameSession).where(GameSession.created_at < cutoff).order_by(GameSession.id).limit(50)))
    for session in expired:
        delete_session(session)
    if expired:
        log.info("deleted %d session(s) older than %d days (retention setting)", len(expired), days)
    return len(expired)
