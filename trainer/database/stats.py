"""What the database costs a worker: statements, transactions, and waits for a pooled connection.

Counted always (a few additions per statement) and written to the log once
every ``EVERY_SECONDS`` while the worker is busy, at INFO, in one line the
bench reads (bench/server.py)::

    database: 412 statements/s, 96 commits/s, pool wait p95 0.1 ms (max 2.3 ms, 1,204 checkouts),
    7 of 40 out at most; hub late p95 4.2 ms, held by brief waits 35 ms/s, by 1 full collections 180 ms

A pool wait is the time a request waited for a connection of the worker's
pool: zero while the pool has one free, long when every connection is held
by a request that is itself waiting (for the hub, for a lock). Statements
per second are round trips to the database; on PostgreSQL each is a
network round trip that, under eventlet, also waits for the hub to come
round. The hub's lateness is how long a green thread that asked to wake
waited beyond its time: the queue of ready work, plus whatever held the
hub (among them the brief waits of trainer/database/green.py, counted
apart). Nothing here touches the database itself.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..extensions import socketio
from . import green

log = logging.getLogger(__name__)

EVERY_SECONDS = 5.0
# Pool waits kept per interval for the percentile: enough for a busy worker.
MAX_SAMPLES = 20_000


class Counts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.statements = 0
        self.commits = 0
        self.waits: list[float] = []
        self.checkouts = 0
        self.out = 0
        self.most_out = 0
        self.lags: list[float] = []  # how late the hub woke a sleeper (``_watch_hub``)
        self.full_collections: list[float] = []  # seconds each full garbage collection held the hub
        self.held_from = dict(green.held)

    def line(self, elapsed: float, pool_size: int | None) -> str:
        waits = sorted(self.waits)
        p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))] * 1000 if waits else 0.0
        most = waits[-1] * 1000 if waits else 0.0
        of = f" of {pool_size}" if pool_size else ""
        lags = sorted(self.lags)
        lag = lags[min(len(lags) - 1, int(0.95 * len(lags)))] * 1000 if lags else 0.0
        held = (green.held["seconds"] - self.held_from["seconds"]) / elapsed * 1000
        return (
            f"database: {self.statements / elapsed:.0f} statements/s, {self.commits / elapsed:.0f} commits/s, "
            f"pool wait p95 {p95:.1f} ms (max {most:.1f} ms, {self.checkouts:,} checkouts), "
            f"{self.most_out}{of} out at most; hub late p95 {lag:.1f} ms, "
            f"held by brief waits {held:.0f} ms/s, by {len(self.full_collections)} full collections "
            f"{sum(self.full_collections) * 1000:.0f} ms"
        )


_counts = Counts()


def snapshot() -> Counts:
    """This process's counts since the last line was written (tests read them)."""
    return _counts


def _tick(engine: Engine) -> None:
    """Write the line when the interval is over (called on every statement: no timer of its own)."""
    global _counts
    now = time.monotonic()
    elapsed = now - _counts.started
    if elapsed < EVERY_SECONDS:
        return
    with _counts.lock:
        done, _counts = _counts, Counts()
        _counts.out = done.out
    if log.isEnabledFor(logging.INFO):
        pool = engine.pool
        size = pool.size() + pool._max_overflow if hasattr(pool, "_max_overflow") else None
        log.info(done.line(elapsed, size))


# How often the hub's watcher asks to be woken: it measures how late it is.
HUB_TICK_SECONDS = 0.05


def _watch_hub() -> None:
    """A green thread that sleeps ``HUB_TICK_SECONDS`` at a time and notes how late it woke.

    Lateness is the time every other green thread was ahead of it in the
    hub's queue, or the hub was held (a blocking call, a long computation):
    what a phone's ack waits for on top of its own work.
    """
    while True:
        started = time.perf_counter()
        socketio.sleep(HUB_TICK_SECONDS)
        counts = _counts
        if len(counts.lags) < MAX_SAMPLES:
            counts.lags.append(max(0.0, time.perf_counter() - started - HUB_TICK_SECONDS))


_collection_started = 0.0


def _timed_collection(phase: str, info: dict[str, Any]) -> None:
    """gc's callback: how long each full collection (generation 2) held the process."""
    global _collection_started
    if info.get("generation") != 2:
        return
    if phase == "start":
        _collection_started = time.perf_counter()
    elif len(_counts.full_collections) < MAX_SAMPLES:
        _counts.full_collections.append(time.perf_counter() - _collection_started)


def watch(engine: Engine, *, serving: bool = False) -> None:
    """Count ``engine``'s statements, commits and pool waits (once per engine).

    A serving process (``serving``) also watches its hub's lateness, with a
    green thread that runs as long as the process, and times its full
    garbage collections; a script or a test counts its statements alone.
    """
    if getattr(engine, "_stats_watched", False):
        return
    engine._stats_watched = True  # type: ignore[attr-defined]
    if serving:
        socketio.start_background_task(_watch_hub)
        gc.callbacks.append(_timed_collection)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_args: Any) -> None:
        _counts.statements += 1
        _tick(engine)

    @event.listens_for(engine, "commit")
    def _commit(*_args: Any) -> None:
        _counts.commits += 1

    @event.listens_for(engine.pool, "checkin")
    def _checkin(*_args: Any) -> None:
        _counts.out = max(0, _counts.out - 1)

    pool = engine.pool
    get = pool._do_get

    def timed_get() -> Any:
        start = time.perf_counter()
        try:
            return get()
        finally:
            counts = _counts
            waited = time.perf_counter() - start
            counts.checkouts += 1
            counts.out += 1
            counts.most_out = max(counts.most_out, counts.out)
            if len(counts.waits) < MAX_SAMPLES:
                counts.waits.append(waited)

    pool._do_get = timed_get  # type: ignore[method-assign]
