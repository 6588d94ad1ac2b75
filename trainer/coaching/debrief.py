"""The debrief: model answers pinned to cards, and each round's takeaway.

A pinned reply stays with its card, so a later session dealing the same
card shows it in its debrief too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal, select

from ..extensions import db
from ..game import RuleError
from ..models import GameRound, Member, ModelAnswer, Player, Reply, Star

TAKEAWAY_MAX = 200
# A debrief shows this many model answers per card, newest first.
MODEL_ANSWERS_SHOWN = 3


def pin(session_id: int, reply_id: int, pinned: bool, user_id: int | None) -> None:
    reply = db.session.get(Reply, reply_id)
    if reply is None or reply.session_id != session_id or reply.text is None or reply.hidden:
        raise RuleError("unknown_reply")
    found = db.session.scalar(select(ModelAnswer).where(ModelAnswer.reply_id == reply_id))
    if pinned and found is None:
        db.session.add(ModelAnswer(card_id=reply.card_id, reply_id=reply_id, pinned_by=user_id))
    elif not pinned and found is not None:
        db.session.delete(found)
    db.session.commit()


def model_answers(card_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Card id → its model answers (text, author, which reply), newest first.

    Replies pinned in a debrief come first, then replies starred into the
    library; a starred entry the trainer made anonymous shows no author.
    """
    ids = sorted(set(card_ids))
    if not ids:
        return {}
    pinned = db.session.execute(
        select(ModelAnswer.card_id, Reply.id, Reply.text, Player.name, Member.name, Member.anonymised,
               literal(False))
        .join(Reply, Reply.id == ModelAnswer.reply_id)
        .join(Player, Player.id == Reply.player_id)
        .outerjoin(Member, Member.id == Player.member_id)
        .where(ModelAnswer.card_id.in_(ids))
        .order_by(ModelAnswer.pinned_at.desc(), ModelAnswer.id.desc())
    ).all()
    starred = db.session.execute(
        select(Reply.card_id, Reply.id, Reply.text, Player.name, Member.name, Member.anonymised, Star.anonymous)
        .join(Star, Star.reply_id == Reply.id)
        .join(Player, Player.id == Reply.player_id)
        .outerjoin(Member, Member.id == Player.member_id)
        .where(Reply.card_id.in_(ids), ~Reply.hidden)
        .order_by(Star.created_at.desc(), Star.id.desc())
    ).all()
    found: dict[int, list[dict[str, Any]]] = {}
    seen: set[int] = set()
    for card_id, reply_id, text, name, member, anonymised, anonymous in [*pinned, *starred]:
        answers = found.setdefault(card_id, [])
        if reply_id in seen or len(answers) >= MODEL_ANSWERS_SHOWN:
            continue
        seen.add(reply_id)
        author = "" if anonymous or anonymised else (member or name)
        answers.append({"reply_id": reply_id, "text": text, "author": author})
    return found


def set_takeaway(session_id: int, round_no: int, text: str) -> str:
    text = " ".join(text.split())
    if len(text) > TAKEAWAY_MAX:
        raise RuleError("takeaway_too_long", limit=TAKEAWAY_MAX)
    played = db.session.get(GameRound, (session_id, round_no))
    if played is None:
        raise RuleError("wrong_round")
    played.takeaway = text
    db.session.commit()
    return text
