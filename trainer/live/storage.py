"""When the database cannot write: a full disk or a read-only file.

Nothing crashes and nothing typed is lost: the phone that was refused keeps
its text and sends it again by itself, the projectors show the trainer one
line about it, and the log says once (then once a minute) what to free.
When a write commits again, the projectors are told the problem is over.

While writes are failing, and for ``STORAGE_SETTLE_SECONDS`` after the last
failure, the deadline sweep leaves due phases open: phones resending what
they wrote during the outage land before writing time is closed on them.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import ORMExecuteState, Session

from ..extensions import socketio
from .announce import HOST_NS

log = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60.0

# SQLite says so in words; PostgreSQL by SQLSTATE: disk_full, read_only_sql_transaction.
_SQLITE_MESSAGES = ("database or disk is full", "readonly database", "read-only database")
_SQLSTATES = {"53100", "25006"}
_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


def cannot_write(error: BaseException | None) -> bool:
    """Whether ``error``, or anything that caused it, is the database refusing to write."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        original = getattr(error, "orig", None)
        for candidate in (error, original):
            if candidate is None:
                continue
            if getattr(candidate, "sqlstate", None) in _SQLSTATES:
                return True
            if isinstance(candidate, OSError) and candidate.errno in _ERRNOS:
                return True
            if type(candidate).__module__.startswith("sqlite3") and any(
                words in str(candidate).lower() for words in _SQLITE_MESSAGES
            ):
                return True
        error = error.__cause__ or error.__context__
    return False


# PostgreSQL going away: connection failures (08xxx) and shutting down or
# starting up (57P01-57P03). A pooled connection found dead says so itself.
_GONE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def connection_lost(error: BaseException | None) -> bool:
    """Whether the database server was unreachable or dropped the connection."""
    while error is not None:
        if getattr(error, "connection_invalidated", False):
            return True
        original = getattr(error, "orig", None)
        if original is not None and type(original).__module__.startswith("psycopg"):
            state = getattr(original, "sqlstate", None)
            if state is None and type(original).__name__ == "OperationalError":
                return True  # refused or reset before the server said anything
            if state and state.startswith(_GONE_SQLSTATES):
                return True
        error = error.__cause__
    return False


class _Watch:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failing = False
        self.last_failure = float("-inf")
        self.last_logged = float("-inf")

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            started = not self.failing
            self.failing = True
            self.last_failure = now
            speak = now - self.last_logged >= LOG_EVERY_SECONDS
            if speak:
                self.last_logged = now
        if speak:
            log.error("%s (%s)", what_to_free(), reason(error))
        if started:
            socketio.emit("storage", {"full": True}, namespace=HOST_NS)

    def wrote(self) -> None:
        if not self.failing:  # every commit passes here: no lock when all is well
            return
        with self.lock:
            if not self.failing:
                return
            self.failing = False
            self.last_logged = float("-inf")
        log.warning("The database accepts writes again; phones are sending what they kept.")
        socketio.emit("storage", {"full": False}, namespace=HOST_NS)

    def settled(self, settle_seconds: float) -> bool:
        return not self.failing and time.monotonic() - self.last_failure >= settle_seconds


def _watch() -> _Watch:
    """This app's watch (each app, a test's included, has its own)."""
    return current_app.extensions.setdefault("storage_watch", _Watch())


def failed(error: BaseException) -> None:
    """Record that a write was refused for want of space or permission."""
    _watch().failed(error)


def failing() -> bool:
    return _watch().failing


def settled() -> bool:
    """No refused write lately: safe to close phases on the clock."""
    return _watch().settled(current_app.config["STORAGE_SETTLE_SECONDS"])


def what_to_free() -> str:
    """One sentence for the log: which disk, how much is left, what to do."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database).resolve()
        try:
            free = f"{shutil.disk_usage(path.parent).free / 1e6:.1f} MB free"
        except OSError:
            free = "free space unknown"
        return (
            f"The database cannot write: free space on the disk that holds {path.parent} ({free}), "
            f"or make {path} and its folder writable. Phones keep their replies and resend them."
        )
    where = f"{url.host or 'localhost'}:{url.port or ''}".rstrip(":")
    return (
        f"The database at {where} cannot write: free space on the PostgreSQL server's data volume, "
        "or take it out of read-only mode. Phones keep their replies and resend them."
    )


def pool_exhausted(error: BaseException) -> bool:
    """No pooled connection came free within pool_timeout: a worker past its load."""
    return isinstance(error, PoolTimeout)


def background_failed(error: BaseException, task: str) -> None:
    """A background task (the sweeper, a room check) failed: note it, say why once.

    The phase is still closed on the clock by the next sweep, so nothing here
    is lost; what the log needs is the reason, not a stack trace, whenever
    the reason is the database's state rather than a bug.
    """
    if cannot_write(error):
        failed(error)
    elif connection_lost(error):
        log.warning("%s: the database is out of reach (%s); trying again", task, reason(error))
    elif pool_exhausted(error):
        log.warning("%s: no free database connection (%s); trying again", task, error)
    else:
        log.exception("%s failed", task, exc_info=error)


def reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error.__cause__ or error
    return f"{type(original).__name__}: {str(original).splitlines()[0] if str(original) else ''}"


# A commit that wrote something is the sign the outage is over. A commit
# of a read-only transaction proves nothing, so writes are noted first.
@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop("wrote", False):
        _watch().wrote()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("wrote", None)
