"""What happens in a round: dealing, drafts, submissions, votes, closing.

Functions here load rows, ask ``trainer.game`` for the rules, write the
answer and commit. They return what changed; ``live.announce`` tells the
rooms. Voting lives in ``live.voting``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from random import Random

from sqlalchemy import func, select

from .. import game
from ..extensions import db
from ..game import phases
from ..game.modes import DUELS_MINIMUM, Mode
from ..models import GameRound, GameSession, Player, Presence, Reply
from .profanity import is_rude
from .sessions import active_player_ids, claim_clock, clock_of, session_pool, timing_of

REPLY_MAX = 600
# Phones flush their draft when their countdown reaches zero; the deadline
# sweeper waits this long past the deadline so those last words arrive.
WRITING_GRACE = timedelta(seconds=2)


def seeded_rng(session: GameSession, round_no: int, purpose: str) -> Random:
    return Random(f"{session.seed}:{round_no}:{purpose}")


# --- host commands -------------------------------------------------------

def advance(session: GameSession, now: datetime) -> game.Outcome | None:
    """The host's "start"/"next round"/"final podium" button."""
    clock = clock_of(session)
    outcome = phases.advance(clock, timing_of(session), now)
    if outcome.clock.phase == game.Phase.WRITING:
        players = active_player_ids(session, outcome.clock.round_no)
        if not players:
            raise game.RuleError("no_players")
        if session.mode == Mode.DUELS and len(players) < DUELS_MINIMUM:
            raise game.RuleError("duels_need_players", least=DUELS_MINIMUM)
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    if outcome.clock.phase == game.Phase.WRITING:
        deal_round(session, outcome.clock.round_no, players)
    db.session.commit()
    return outcome


def change_timer(session: GameSession, action: str, now: datetime, seconds: int = 60) -> game.Outcome | None:
    clock = clock_of(session)
    if action == "extend":
        outcome = phases.extend(clock, now, seconds)
    elif action == "pause":
        outcome = phases.pause(clock, now)
    else:
        outcome = phases.resume(clock, now)
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    db.session.commit()
    return outcome


def close_phase(session: GameSession, now: datetime) -> game.Outcome | None:
    """End writing or voting now: at the deadline, early, or on the host's word.

    Returns None when someone else closed it first, so only one caller
    announces the change.
    """
    clock = clock_of(session)
    outcome = phases.close_phase(
        clock, timing_of(session), now, any_replies=_any_replies(session, clock.round_no)
    )
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    if clock.phase == game.Phase.WRITING:
        _keep_unsubmitted_drafts(session, clock.round_no)
    db.session.commit()
    return outcome


def close_overdue(session: GameSession, now: datetime) -> game.Outcome | None:
    grace = WRITING_GRACE if session.phase == game.Phase.WRITING else timedelta(0)
    if not clock_of(session).is_overdue(now - grace):
        return None
    return close_phase(session, now)


def deal_round(session: GameSession, round_no: int, player_ids: list[int]) -> None:
    """Deal in the session's current mode, and record the round as played."""
    pool = db.session.scalars(session_pool(session)).all()
    dealt = Counter(
        db.session.scalars(select(Reply.card_id).where(Reply.session_id == session.id))
    )
    counts = {card: dealt.get(card, 0) for card in pool}
    mode = Mode(session.mode)
    chosen = session.next_card_id if session.next_card_id in counts else None
    hands = game.modes.deal(mode, player_ids, counts, seeded_rng(session, round_no, "deal"), chosen)
    db.session.add(GameRound(session_id=session.id, round_no=round_no, mode=mode.value, takeaway=""))
    # A pick is for one round; the next same-card round is dealt unless picked again.
    session.next_card_id = None
    db.session.add_all(
        Reply(session_id=session.id, round_no=round_no, player_id=p, card_id=c, duel=hands.duels.get(p))
        for p, c in hands.cards.items()
    )


def round_mode(session: GameSession, round_no: int) -> Mode:
    """How a round was dealt (rounds from before modes were own-card)."""
    played = db.session.get(GameRound, (session.id, round_no))
    return Mode(played.mode) if played is not None else Mode.OWN_CARD


def round_replies(session: GameSession, round_no: int):
    return (
        select(Reply)
        .join(Player, Player.id == Reply.player_id)
        .where(Reply.session_id == session.id, Reply.round_no == round_no, ~Player.removed)
    )


def _any_replies(session: GameSession, round_no: int) -> bool:
    replies = db.session.scalars(round_replies(session, round_no).where(~Reply.hidden)).all()
    return any(r.text or _usable_draft(session, r) for r in replies)


def _usable_draft(session: GameSession, reply: Reply) -> str | None:
    """A draft that may stand in for a reply never sent: not blank, not rude."""
    draft = reply.draft.strip()
    if not draft or (session.profanity_filter and is_rude(draft)):
        return None
    return draft


def _keep_unsubmitted_drafts(session: GameSession, round_no: int) -> None:
    """A draft never submitted still counts as the reply if it is not blank."""
    for reply in db.session.scalars(
        round_replies(session, round_no).where(Reply.text.is_(None))
    ):
        reply.text = _usable_draft(session, reply)


# --- player actions ------------------------------------------------------

def _reply_of(player: Player, session: GameSession, round_no: int) -> Reply | None:
    return db.session.scalar(
        select(Reply).where(
            Reply.session_id == session.id,
            Reply.round_no == round_no,
            Reply.player_id == player.id,
        )
    )


def check_length(text: str) -> None:
    if len(text) > REPLY_MAX:
        raise game.RuleError("reply_too_long", limit=REPLY_MAX)


def submit(player: Player, session: GameSession, round_no: int, text: str, now: datetime) -> str:
    """Store the player's reply; returns the text as stored.

    A phone that lost the ack of its submit sends it again; if that first
    submit was the one that closed writing, the retry must still succeed.
    """
    check_length(text)
    if not text.strip():
        raise game.RuleError("reply_blank")
    reply = _reply_of(player, session, round_no)
    if reply is not None and reply.submitted_at is not None and reply.text == text.strip():
        return reply.text
    if session.phase != game.Phase.WRITING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    if round_no != session.round_no:
        raise game.RuleError("wrong_round")
    if reply is None:
        raise game.RuleError("sitting_out")
    if session.profanity_filter and is_rude(text):
        raise game.RuleError("rephrase")
    reply.draft = text
    reply.text = stored = text.strip()
    reply.submitted_at = now
    db.session.commit()
    return stored


def writing_progress(session: GameSession) -> tuple[int, int]:
    """(submitted, dealt) among players still in the session."""
    # Counted by the database: every submit asks, and a big room has
    # a thousand replies that need not become objects each time.
    dealt, submitted = db.session.execute(
        round_replies(session, session.round_no).with_only_columns(
            func.count(Reply.id), func.count(Reply.submitted_at)
        )
    ).one()
    return submitted, dealt


def everyone_submitted(session: GameSession) -> bool:
    """Nobody connected is still writing, and someone has sent a reply.

    Players who are away (phone asleep, Wi-Fi gone) are not waited for; if
    they come back in time they can still send.
    """
    connected = select(Presence.player_id).where(Presence.session_id == session.id)
    waiting = db.session.scalar(
        round_replies(session, session.round_no)
        .where(Reply.submitted_at.is_(None), Reply.player_id.in_(connected))
        .with_only_columns(func.count(Reply.id))
    )
    if waiting:
        return False  # no need to count the replies sent
    return game.progress.everyone_wrote(waiting or 0, writing_progress(session)[0])
