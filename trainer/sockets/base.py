"""What every namespace shares: answering with acks, and the error net."""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Callable

from flask import request
from flask_socketio import Namespace, emit
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..game import RuleError
from ..live import storage
from ..live.messages import error_answer, message_for
from ..live.throttle import TokenBucket
from ..views.language import speak
from .schemas import PayloadError, parse

log = logging.getLogger(__name__)


def answers(schema: type) -> Callable:
    """Validate the payload against ``schema`` and turn the result into an ack.

    The handler returns a dict (or None) for ``{"ok": true, ...}``; a broken
    rule or a malformed payload becomes ``{"ok": false, "code", "error"}``
    for the sender only, and the database is left as it was.
    """

    def decorate(handler: Callable) -> Callable:
        @wraps(handler)
        def wrapper(self: Namespace, payload: Any = None) -> dict[str, Any]:
            # The projector speaks its session's language, each phone its owner's.
            speak(self.languages.get(request.sid))
            try:
                try:
                    result = handler(self, parse(schema, payload))
                except DBAPIError as error:
                    if not error.connection_invalidated:
                        raise
                    # A pooled connection that died with a database restart:
                    # the pool has been emptied, so once more on a fresh one.
                    db.session.rollback()
                    result = handler(self, parse(schema, payload))
            except PayloadError:
                db.session.rollback()
                return error_answer("bad_payload")
            except RuleError as broken:
                db.session.rollback()
                return error_answer(broken)
            return {"ok": True, **(result or {})}

        return wrapper

    return decorate


# What a phone sends that it keeps a copy of, and sends again by itself.
_KEPT_ON_PHONE = {"draft", "submit"}


def on_unexpected_error(error: Exception) -> dict[str, Any]:
    """Anything a handler did not foresee: log it, tell that client plainly."""
    db.session.rollback()
    full = storage.cannot_write(error)
    busy = storage.pool_exhausted(error)
    if full or busy or storage.connection_lost(error):
        if full:
            storage.failed(error)
        elif busy:
            # Every pooled connection stayed checked out for pool_timeout:
            # more load than this worker takes. The phone sends again.
            log.warning("no free database connection (%s); phones will send again", error)
        else:
            log.warning("the database is out of reach (%s); phones will send again", storage.reason(error))
        event = (getattr(request, "event", None) or {}).get("message")
        return error_answer("storage_full" if event in _KEPT_ON_PHONE else "storage_full_retry")
    log.exception("socket handler failed on %s", request.namespace, exc_info=error)
    emit("problem", {"error": message_for("internal")})
    return {"ok": False, "code": "internal", "error": message_for("internal")}


class GameNamespace(Namespace):
    """Shared gatekeeping: unknown events get an answer, floods get slowed down."""

    def __init__(self, namespace: str) -> None:
        super().__init__(namespace)
        # One bucket and one language per live connection of this worker;
        # both dropped on disconnect.
        self.buckets: dict[str, TokenBucket] = {}
        self.languages: dict[str, str] = {}
        # And one bucket per player (or account) across their connections
        # here, so fifty connections on one token get one connection's rate.
        self.owners: dict[str, str] = {}
        self.owner_buckets: dict[str, TokenBucket] = {}

    def trigger_event(self, event: str, sid: str, *args: Any) -> Any:
        # Runs before Flask-SocketIO pushes the request context, hence the
        # app from the connection's environ rather than current_app.
        # Only the library's own (dis)connections arrive with these names:
        # a client's event so named was renamed on reading (codec.REFUSED_EVENT).
        if event in ("connect", "disconnect"):
            if event == "disconnect":
                self.buckets.pop(sid, None)
                self.languages.pop(sid, None)
                self.owners.pop(sid, None)
            return super().trigger_event(event, sid, *args)
        environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
        if not environ:
            return None  # not connected here: Flask-SocketIO ignores it too
        app = environ["flask.app"]
        if not self._allowed(sid, app.config):
            with app.request_context(environ):
                speak(self.languages.get(sid))
                return error_answer("slow_down")
        if not hasattr(self, "on_" + event):
            with app.request_context(environ):
                speak(self.languages.get(sid))
                return error_answer("unknown_event")
        return super().trigger_event(event, sid, *args)

    def owned_by(self, sid: str, owner: str) -> None:
        """Count this connection's events against ``owner`` too (a player, an account)."""
        self.owners[sid] = owner
        if len(self.owner_buckets) > 4 * len(self.owners) + 64:
            self._forget_idle_owners()

    def forget_limits(self) -> None:
        """Every owner's bucket (a test's fresh database reuses player ids)."""
        self.owner_buckets.clear()

    def _forget_idle_owners(self) -> None:
        """Buckets of owners with no connection here that have filled up again:
        a new one would be the same, so they go."""
        connected = set(self.owners.values())
        for owner, bucket in list(self.owner_buckets.items()):
            if owner not in connected and bucket.full():
                del self.owner_buckets[owner]

    def _allowed(self, sid: str, config: Any) -> bool:
        bucket = self.buckets.get(sid)
        if bucket is None:
            bucket = self.buckets[sid] = TokenBucket(config["EVENT_RATE"], config["EVENT_BURST"])
        owner = self.owners.get(sid)
        if owner is None:
            return bucket.take()
        shared = self.owner_buckets.get(owner)
        if shared is None:
            shared = self.owner_buckets[owner] = TokenBucket(config["EVENT_RATE"], config["EVENT_BURST"])
        # Both must have room; an event refused by one costs the other nothing.
        return bucket.ready() and shared.ready() and bucket.take() and shared.take()
