"""PostgreSQL's side of a run: what its backends for the bench's database were doing.

Sampled every ``INTERVAL`` seconds from ``pg_stat_activity`` on a
connection of its own (a thread, so the bench's event loop is not held):
each backend that is running a statement counts under its wait event
(``CPU`` when it waits for nothing), and each that sits inside an open
transaction waiting for the worker's next statement counts as
``idle in transaction``, the sign of a connection held across a wait in
the server. Idle backends, the pool's spares, are not counted.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from sqlalchemy.engine import make_url

INTERVAL = 0.25

QUERY = """
select case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'CPU')
            else state end
from pg_stat_activity
where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'
"""


class PgWaits:
    """``with PgWaits(url) as waits: …``; then ``waits.figures()``. Does nothing for SQLite."""

    def __init__(self, url: str | None) -> None:
        self.conninfo = None
        if url and url.startswith("postgresql"):
            u = make_url(url)
            self.conninfo = u.set(drivername="postgresql").render_as_string(hide_password=False)
        self.seen: Counter[str] = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PgWaits:
        if self.conninfo:
            self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            while not self._stop.wait(INTERVAL):
                rows = conn.execute(QUERY).fetchall()
                self.samples += 1
                self.seen.update(row[0] for row in rows)

    def figures(self) -> dict[str, Any] | None:
        """Mean backends per sample in each state, busiest first."""
        if not self.samples:
            return None
        return {state: round(count / self.samples, 2) for state, count in self.seen.most_common(4)}


class RedisCount:
    """Commands Redis served during a run (its ``total_commands_processed``), for the deployment's sizing."""

    def __init__(self, url: str | None) -> None:
        self.url, self.before, self.figures_ = url, None, None

    def _total(self) -> tuple[int, int] | None:
        import redis

        try:
            client = redis.Redis.from_url(self.url, socket_timeout=2)
            stats = client.info("stats")
            client.close()
            return int(stats["total_commands_processed"]), int(stats.get("total_net_input_bytes", 0))
        except Exception:  # no Redis: no figure
            return None

    def __enter__(self) -> RedisCount:
        if self.url:
            import time

            self.started = time.monotonic()
            self.before = self._total()
        return self

    def __exit__(self, *_exc: Any) -> None:
        if self.before is None:
            return
        import time

        after = self._total()
        if after is not None:
            seconds = time.monotonic() - self.started
            self.figures_ = {"commands": after[0] - self.before[0], "seconds": round(seconds, 1),
                             "commands_per_s": round((after[0] - self.before[0]) / seconds),
                             "in_kb_per_s": round((after[1] - self.before[1]) / seconds / 1024)}

    def figures(self) -> dict[str, Any] | None:
        return self.figures_
