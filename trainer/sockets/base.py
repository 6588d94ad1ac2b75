"""What every namespace shares: answering with acks, and the error net."""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Callable

from flask import request
from flask_socketio import Namespace, emit

from ..extensions import db
from ..game import RuleError
from ..messages import error_answer, message_for
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
            try:
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


def on_unexpected_error(error: Exception) -> dict[str, Any]:
    """Anything a handler did not foresee: log it, tell that client plainly."""
    db.session.rollback()
    log.exception("socket handler failed on %s", request.namespace, exc_info=error)
    emit("problem", {"error": message_for("internal")})
    return {"ok": False, "code": "internal", "error": message_for("internal")}


class GameNamespace(Namespace):
    """An event this namespace does not know gets an answer, not silence."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        if event not in ("connect", "disconnect") and not hasattr(self, "on_" + event):
            return error_answer("unknown_event")
        return super().trigger_event(event, *args)
