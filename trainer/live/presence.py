"""Who is connected right now, kept in the database so every worker agrees.

A player with no live connection is "away": shown so on the projector, never
removed for it, and not waited for when deciding that everyone has replied.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import Exists, delete, exists, select

from ..extensions import db
from ..models import Player, Presence


def worker_id() -> str:
    return current_app.config["WORKER_ID"]


def arrive(sid: str, player: Player, was_present: bool) -> bool:
    """Record a connection; True when the player was away until now.

    ``was_present`` is asked with the player's own query (``connected``), so
    a phone's connect reads the database once before this insert.
    """
    was_away = not was_present
    # A connection's sid is new (engine.io makes it), so a plain insert: no look-up first.
    db.session.add(Presence(sid=sid, player_id=player.id, session_id=player.session_id, worker=worker_id()))
    db.session.commit()
    return was_away


def leave(sid: str) -> Player | None:
    """Forget a connection; returns the player if that was their last one."""
    row = db.session.get(Presence, sid)
    if row is None:
        return None
    player_id = row.player_id
    db.session.delete(row)
    db.session.commit()
    return None if is_present(player_id) else db.session.get(Player, player_id)


def connected(player_id: Any) -> Exists:
    """Whether the player (an id, or the column of a query's player) has a connection now."""
    return exists().where(Presence.player_id == player_id)


def is_present(player_id: int) -> bool:
    return bool(db.session.scalar(select(connected(player_id))))


def present_ids(session_id: int) -> set[int]:
    return set(db.session.scalars(select(Presence.player_id).where(Presence.session_id == session_id)))


def forget_worker(worker: str) -> int:
    """At start-up: connections a previous life of this worker held are gone."""
    result = db.session.execute(delete(Presence).where(Presence.worker == worker))
    db.session.commit()
    return result.rowcount
