"""Writes that arrive together, done together: one transaction for many phones, in any rooms.

On PostgreSQL every statement is a round trip and every commit waits for
the disk, and under eventlet a request holds its pooled connection across
each wait for the hub. Forty rooms submitting or voting at once were
hundreds of requests a second, each with its own five or six round trips
and its own commit: the pool ran dry and acks waited seconds for a
connection (bench: issue 29). So a submit or a vote joins the worker's
open batch instead. The first request to arrive opens it and, after
``gather`` (a few milliseconds, the time for the others to arrive), writes
every item in it with a handful of statements and one commit; the others
wait without holding a connection, and each gets its own answer: its
result, or the rule it broke. An answer still means the write is
committed, so nothing acknowledged lives only in this process's memory.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from flask import current_app

from ..extensions import db, socketio

WAIT_SECONDS = 30


class Batch:
    def __init__(self) -> None:
        self.items: dict[int, Any] = {}  # arrival number → the request's item, in arrival order
        self.answers: dict[int, Any] = {}  # arrival number → its result, or the exception to raise
        self.done = socketio.server.eio.create_event()
        self.failed: BaseException | None = None


class Batcher:
    """``write(items) → answers`` for the batch; each caller gets its own answer from ``add``.

    ``write`` runs in the first caller's app context, commits once, and
    returns {number: result or exception} for every item; raising means the
    whole batch failed (the database refused it), and every caller raises.
    """

    def __init__(self, name: str, write: Callable[[dict[int, Any]], dict[int, Any]], seconds_key: str) -> None:
        self.name, self.write, self.seconds_key = name, write, seconds_key
        self._lock = threading.Lock()
        self._open: Batch | None = None
        self._numbers = itertools.count()

    def gather(self, batch: Batch) -> None:
        """How the first caller waits for the others (tests replace it to wait for a known number).

        On SQLite too: there is no round trip to share there, but each batch
        reads its senders, their replies and the admins' phrases once, and a
        write per request cost the worker more than the wait (forty rooms on
        SQLite: submit ack p95 71 ms gathered, 0.6-1.3 s one at a time).
        """
        socketio.sleep(current_app.config[self.seconds_key])

    def add(self, item: Any) -> Any:
        """Return this item's result once its batch is committed, or raise its refusal."""
        with self._lock:
            number = next(self._numbers)
            leader = self._open is None
            if leader:
                self._open = Batch()
            batch = self._open
            batch.items[number] = item
        if leader:
            self._write(batch)
        elif not batch.done.wait(WAIT_SECONDS):
            raise TimeoutError(f"{self.name} batch never landed")
        if batch.failed is not None:
            raise RuntimeError(f"{self.name} batch failed") from batch.failed
        answer = batch.answers[number]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def _write(self, batch: Batch) -> None:
        try:
            self.gather(batch)
            with self._lock:
                self._open = None
            batch.answers = self.write(dict(batch.items))
        except BaseException as error:
            db.session.rollback()
            batch.failed = error
            raise
        finally:
            with self._lock:
                if self._open is batch:
                    self._open = None
            batch.done.set()
