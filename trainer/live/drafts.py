"""Autosaved drafts, checked and written to the database in small batches.

A thousand phones autosaving every couple of seconds make hundreds of
drafts a second; a query and a transaction each is what a big room cannot
afford (on PostgreSQL every query is a round trip that waits its turn).
The first draft to arrive opens a batch and waits ``DRAFT_FLUSH_SECONDS``;
drafts arriving meanwhile join it; then one query checks them all (player,
session and reply together) and one transaction writes those that pass,
and every phone in the batch gets its answer. An ack still means the
draft is in the database (the phone forgets its local copy only then), so
nothing acknowledged lives only in this process's memory.
"""

from __future__ import annotations

import threading
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update

from .. import game
from ..extensions import db, socketio
from ..models import GameSession, Player, Reply
from .rounds import check_length
from .sessions import DRILL

WAIT_SECONDS = 30


class _Batch:
    def __init__(self) -> None:
        # (player, round) → the draft's text and time; a later one from the same phone wins.
        self.drafts: dict[tuple[int, int], tuple[str, datetime]] = {}
        self.refused: dict[tuple[int, int], game.RuleError] = {}
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
    """Return once the draft's batch is committed, or raise why it was refused."""
    check_length(text)
    key = (player_id, round_no)
    global _open
    with _lock:
        leader = _open is None
        if leader:
            _open = _Batch()
        batch = _open
        batch.drafts[key] = (text, now)
    if leader:
        _write(batch)
    elif not batch.done.wait(WAIT_SECONDS):
        raise TimeoutError("draft batch never landed")
    if batch.failed is not None:
        raise RuntimeError("draft batch failed") from batch.failed
    if key in batch.refused:
        raise batch.refused[key]


def _write(batch: _Batch) -> None:
    global _open
    try:
        socketio.sleep(current_app.config["DRAFT_FLUSH_SECONDS"])
        with _lock:
            _open = None
        reply_ids = _own_reply_ids(batch)
        rows = [
            {"reply_id": reply_ids[key], "new_draft": text, "saved_at": saved_at}
            for key, (text, saved_at) in batch.drafts.items()
            if key in reply_ids
        ]
        if rows:
            db.session.execute(_WRITE, rows)
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
# A live session writes its current round; a drill all its cards (rounds) at once.
_CHECK = (
    select(
        Player.id, Player.removed, GameSession.phase, GameSession.round_no, GameSession.pace,
        Reply.id.label("reply_id"), Reply.round_no.label("reply_round"),
    )
    .select_from(Player)
    .join(GameSession, GameSession.id == Player.session_id)
    .outerjoin(
        Reply,
        and_(
            Reply.session_id == Player.session_id,
            Reply.player_id == Player.id,
            or_(Reply.round_no == GameSession.round_no, GameSession.pace == DRILL),
        ),
    )
    .where(Player.id.in_(bindparam("player_ids", expanding=True)))
)


def _own_reply_ids(batch: _Batch) -> dict[tuple[int, int], int]:
    """Each draft's reply; the reason for each that cannot be saved goes in ``batch.refused``."""
    rows = db.session.connection().execute(_CHECK, {"player_ids": sorted({p for p, _ in batch.drafts})}).all()
    found = {row.id: row for row in rows}
    replies = {(row.id, row.reply_round): row.reply_id for row in rows if row.reply_id is not None}
    reply_ids = {}
    for key in batch.drafts:
        player_id, round_no = key
        row = found.get(player_id)
        if row is None or row.removed:
            batch.refused[key] = game.RuleError("not_player")
        elif row.phase != game.Phase.WRITING:
            batch.refused[key] = game.RuleError("wrong_phase", phase=row.phase)
        elif round_no != row.round_no and row.pace != DRILL:
            batch.refused[key] = game.RuleError("wrong_round")
        elif key not in replies:
            batch.refused[key] = game.RuleError("sitting_out")
        else:
            reply_ids[key] = replies[key]
    return reply_ids
