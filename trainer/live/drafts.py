"""Autosaved drafts, written to the database in small batches.

A thousand phones autosaving every couple of seconds make hundreds of
drafts a second; one transaction each is what a big room cannot afford.
The first draft to arrive opens a batch and waits ``DRAFT_FLUSH_SECONDS``;
drafts arriving meanwhile join it; then one transaction writes them all
and every phone in the batch gets its ack. An ack still means the draft is
in the database (the phone forgets its local copy only then), so nothing
acknowledged lives only in this process's memory.

Checking a draft is one query (player, session and reply together).
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update

from .. import game
from ..extensions import db, socketio
from ..models import GameSession, Player, Reply
from .rounds import check_length

WAIT_SECONDS = 30


class _Batch:
    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.done = socketio.server.eio.create_event()
        self.failed: BaseException | None = None


_lock = threading.Lock()
_open: _Batch | None = None

_reply = Reply.__table__
# A draft checked before its player submitted must not overwrite the
# submitted text's draft when the batch lands after the submission.
_WRITE = (
    update(_reply)
    .where(
        _reply.c.id == bindparam("reply_id"),
        or_(_reply.c.submitted_at.is_(None), _reply.c.submitted_at <= bindparam("saved_at")),
    )
    .values(draft=bindparam("new_draft"), draft_saved_at=bindparam("saved_at"))
)


def save(player_id: int, round_no: int, text: str, now: datetime) -> None:
    """Check the draft, then return once its batch is committed."""
    check_length(text)
    reply_id = _own_reply_id(player_id, round_no)
    # Give the connection back while waiting: hundreds wait at once.
    db.session.rollback()
    global _open
    with _lock:
        leader = _open is None
        if leader:
            _open = _Batch()
        batch = _open
        batch.rows[reply_id] = {"reply_id": reply_id, "new_draft": text, "saved_at": now}
    if leader:
        _write(batch)
    elif not batch.done.wait(WAIT_SECONDS):
        raise TimeoutError("draft batch never landed")
    if batch.failed is not None:
        raise RuntimeError("draft batch failed") from batch.failed


def _write(batch: _Batch) -> None:
    global _open
    try:
        socketio.sleep(current_app.config["DRAFT_FLUSH_SECONDS"])
        with _lock:
            _open = None
        db.session.execute(_WRITE, list(batch.rows.values()))
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        batch.failed = error
        raise
    finally:
        with _lock:
            if _open is batch:
                _open = None
        batch.done.set()


# Built once: SQLAlchemy then reuses its cache key and compiled form.
_CHECK = (
    select(Player.removed, GameSession.phase, GameSession.round_no, Reply.id)
    .select_from(Player)
    .join(GameSession, GameSession.id == Player.session_id)
    .outerjoin(
        Reply,
        and_(
            Reply.session_id == Player.session_id,
            Reply.player_id == Player.id,
            Reply.round_no == bindparam("round_no"),
        ),
    )
    .where(Player.id == bindparam("player_id"))
)


def _own_reply_id(player_id: int, round_no: int) -> int:
    """The reply this draft is for, or the reason it cannot be saved."""
    row = db.session.connection().execute(_CHECK, {"player_id": player_id, "round_no": round_no}).first()
    if row is None or row.removed:
        raise game.RuleError("not_player")
    if row.phase != game.Phase.WRITING:
        raise game.RuleError("wrong_phase", phase=row.phase)
    if round_no != row.round_no:
        raise game.RuleError("wrong_round")
    if row.id is None:
        raise game.RuleError("sitting_out")
    return row.id
