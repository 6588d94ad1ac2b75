"""A server database's connections, opened when the worker starts.

SQLAlchemy opens a pool's connections as they are first asked for. For a
worker that has just started, that is while the first room joins: forty
PostgreSQL connections opened in the middle of a thousand joins, each a
handful of round trips and a new server process. Opened at start-up, the
first room finds them ready.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine


def fill(engine: Engine) -> int:
    """Open the pool's standing connections (not its overflow); how many were opened."""
    size = getattr(engine.pool, "size", None)
    if engine.dialect.name == "sqlite" or not callable(size):
        return 0
    opened = [engine.connect() for _ in range(size())]
    for connection in opened:
        connection.close()  # back to the pool, still open
    return len(opened)
