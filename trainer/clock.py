"""The one place the server reads the time, so tests can move it."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Naive UTC: what SQLite and PostgreSQL columns without a zone store."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(tzinfo=None)


def epoch_ms(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def freeze(moment: datetime | None) -> None:
    """Tests pin the clock; ``None`` lets it run again."""
    global _frozen
    _frozen = moment
