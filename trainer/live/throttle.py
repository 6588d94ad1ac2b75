"""Limits on how fast one client may try things.

Join attempts are counted in the database, so every worker sees them;
events per connection and per player are counted in the worker that holds
the connections, which is the only place they arrive (a player with
connections on several workers gets each worker's rate).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select

from ..extensions import db
from ..models import Attempt


def counting_attempts(kind: str, key: str, now: datetime, window: timedelta) -> Select[tuple[int]]:
    """The query that counts ``key``'s attempts in the window, to run alone or inside another."""
    return select(func.count(Attempt.id)).where(Attempt.kind == kind, Attempt.key == key, Attempt.at > now - window)


def recent(count: Select[tuple[int]]) -> int:
    """Run a ``counting_attempts`` query on its own."""
    return db.session.scalar(count) or 0


def record_attempts(keys: list[tuple[str, str]], now: datetime, window: timedelta) -> None:
    """Count one attempt under each (kind, key), and drop their attempts too old to matter."""
    for kind, key in keys:
        db.session.execute(delete(Attempt).where(Attempt.kind == kind, Attempt.key == key[:80],
                                                 Attempt.at <= now - window))
        db.session.add(Attempt(kind=kind, key=key[:80], at=now))
    db.session.commit()


class Arrivals:
    """New players each room accepted in the last minute, in this worker.

    Kept in memory: counting them in the database would cost every join of
    a thousand-phone room another statement, and a flood arrives at one
    worker (the bound per deployment is workers × the bound)."""

    WINDOW = 60.0

    def __init__(self) -> None:
        self.rooms: dict[int, deque[float]] = {}

    def admit(self, session_id: int, per_minute: int) -> bool:
        now = time.monotonic()
        if len(self.rooms) > 1000:
            self._forget_quiet(now)
        recent = self.rooms.setdefault(session_id, deque())
        while recent and recent[0] <= now - self.WINDOW:
            recent.popleft()
        if len(recent) >= per_minute:
            return False
        recent.append(now)
        return True

    def _forget_quiet(self, now: float) -> None:
        for session_id, recent in list(self.rooms.items()):
            if not recent or recent[-1] <= now - self.WINDOW:
                del self.rooms[session_id]


arrivals = Arrivals()


@dataclass
class TokenBucket:
    """``rate`` events a second on average, bursts up to ``burst``."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def ready(self) -> bool:
        """Whether ``take`` would succeed now."""
        self._refill()
        return self.tokens >= 1

    def full(self) -> bool:
        self._refill()
        return self.tokens >= self.burst

    def take(self) -> bool:
        self._refill()
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
