"""Limits on how fast one client may try things.

Join attempts are counted in the database, so every worker sees them;
events per connection and per player are counted in the worker that holds
the connections, which is the only place they arrive (a player with
connections on several workers gets each worker's rate).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select

from ..extensions import db
from ..models import Attempt


def counting_attempts(kind: str, key: str, now: datetime, window: timedelta) -> Select[tuple[int]]:
    """The query that counts ``key``'s attempts in the window, to run alone or inside another."""
    return select(func.count(Attempt.id)).where(Attempt.kind == kind, Attempt.key == key, Attempt.at > now - window)


def recent_attempts(kind: str, key: str, now: datetime, window: timedelta) -> int:
    return db.session.scalar(counting_attempts(kind, key, now, window)) or 0


def record_attempt(kind: str, key: str, now: datetime, window: timedelta) -> None:
    """Count one attempt, and drop this key's attempts too old to matter."""
    db.session.execute(delete(Attempt).where(Attempt.kind == kind, Attempt.key == key, Attempt.at <= now - window))
    db.session.add(Attempt(kind=kind, key=key[:80], at=now))
    db.session.commit()


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
