"""What happens in a round: dealing, drafts, submissions, votes, closing.

Functions here load rows, ask ``trainer.game`` for the rules, write the
answer and commit. They return what changed; ``live.announce`` tells the
rooms. Voting lives in ``live.voting``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from random import Random

from sqlalchemy import func, select

from .. import game
from ..coaching import phrases as cue_phrases
from ..extensions import db
from ..game import phases, windows
from ..game.modes import DUELS_MINIMUM, Mode
from ..models import GameRound, GameSession, Player, Presence, Reply
from .profanity import is_rude
from .sessions import DRILL, active_player_ids, claim_clock, clock_of, session_pool, timing_of

REPLY_MAX = 600
# Phones flush their draft when their countdown reaches zero; the deadline
# sweeper waits this long past the deadline so those last words arrive.
WRITING_GRACE = timedelta(seconds=2)
# A drill whose writing closes with fewer replies than this goes to its results.
DRILL_LEAST_REPLIES = 2


def seeded_rng(session: GameSession, round_no: int, purpose: str) -> Random:
    return Random(f"{session.seed}:{round_no}:{purpose}")


# --- host commands -------------------------------------------------------

def advance(session: GameSession, now: datetime) -> game.Outcome | None:
    """The host's "start"/"next round"/"final podium" button."""
    clock = clock_of(session)
    if session.pace == DRILL and clock.phase != game.Phase.RESULTS:
        raise game.RuleError("drill_runs_itself")  # its windows move it on (live/drills.py)
    shown = windows.next_shown(clock.round_no, session.rounds_total) if session.pace == DRILL else None
    if shown is not None:
        # A drill's cards were all written and voted on together: "next" shows the next card's results.
        outcome = game.Outcome(replace(clock, round_no=shown))
    else:
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
    if session.pace == DRILL:
        raise game.RuleError("drill_runs_itself")  # a drill's windows are extended on its page
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
    announces the change. A drill's phase closes only when its window has
    (live/drills.py closes a window early by moving its end to now): a
    room where everyone present is done is not the whole team.
    """
    clock = clock_of(session)
    drill = session.pace == DRILL
    if drill and not clock.is_overdue(now):
        return None
    # A drill's cards are its rounds, all written and voted on together.
    played = range(1, session.rounds_total + 1) if drill else (clock.round_no,)
    outcome = phases.close_phase(
        clock, timing_of(session), now, any_replies=any(_any_replies(session, r, drill) for r in played)
    )
    if drill and outcome.clock.phase == game.Phase.VOTING:
        outcome = game.Outcome(replace(outcome.clock, deadline=session.voting_closes_at), outcome.announce)
    if not claim_clock(session, outcome.clock):
        db.session.rollback()
        return None
    if clock.phase == game.Phase.WRITING:
        for round_no in played:
            _keep_unsubmitted_drafts(session, round_no)
            if drill and round_mode(session, round_no) == Mode.DUELS:
                _pair_writers(session, round_no)
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


def _any_replies(session: GameSession, round_no: int, drill: bool = False) -> bool:
    """Anything to vote on: a reply, or (in a drill) at least two, since nobody votes on their own."""
    replies = db.session.scalars(round_replies(session, round_no).where(~Reply.hidden)).all()
    written = sum(1 for r in replies if r.text or r.sealed or _usable_draft(session, r))
    return written >= (DRILL_LEAST_REPLIES if drill else 1)


def _usable_draft(session: GameSession, reply: Reply) -> str | None:
    """A draft that may stand in for a reply never sent: not blank, not rude."""
    draft = reply.draft.strip()
    if not draft or (session.profanity_filter and is_rude(draft)):
        return None
    return draft


def _keep_unsubmitted_drafts(session: GameSession, round_no: int) -> None:
    """A draft never submitted still counts as the reply if it is not blank.

    A drill's sent replies were sealed until now: they become readable.
    """
    for reply in db.session.scalars(
        round_replies(session, round_no).where(Reply.text.is_(None))
    ):
        draft = None if reply.sealed else _usable_draft(session, reply)
        reply.text = reply.sealed or draft
        reply.sealed = None
        if draft and session.cues_enabled:  # a sent reply's cues were found when it was sent
            reply.cues = cue_phrases.cues_of(draft, cue_phrases.reply_language(reply.player.language, session.language))


def _pair_writers(session: GameSession, round_no: int) -> None:
    """A duels drill pairs those who wrote, when writing closes: nobody's duel is lost to a no-show."""
    written = {
        r.player_id: r for r in db.session.scalars(round_replies(session, round_no).where(Reply.text.is_not(None)))
    }
    for number, group in enumerate(game.modes.pair_up(list(written), seeded_rng(session, round_no, "duels"))):
        for player_id in group:
            written[player_id].duel = number


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

    Phones' submits go through live/submits.py, many in one transaction;
    this is the same rule for one.
    """
    stored = apply_submit(player, session, _reply_of(player, session, round_no), round_no, text, now)
    db.session.commit()
    return stored


def apply_submit(
    player: Player, session: GameSession, reply: Reply | None, round_no: int, text: str, now: datetime,
) -> str:
    """The rules of a submit, on rows already read; changes ``reply`` (not committed).

    A phone that lost the ack of its submit sends it again; if that first
    submit was the one that closed writing, the retry must still succeed.
    """
    check_length(text)
    if not text.strip():
        raise game.RuleError("reply_blank")
    drill = session.pace == DRILL
    if reply is not None and reply.submitted_at is not None and (reply.text or reply.sealed) == text.strip():
        return text.strip()
    if session.phase != game.Phase.WRITING:
        raise game.RuleError("wrong_phase", phase=session.phase)
    if round_no != session.round_no and not (drill and 1 <= round_no <= session.rounds_total):
        raise game.RuleError("wrong_round")  # a drill's cards are all open together
    if reply is None:
        raise game.RuleError("sitting_out")
    if session.profanity_filter and is_rude(text):
        raise game.RuleError("rephrase")
    reply.draft = text
    stored = text.strip()
    if drill:
        reply.sealed = stored  # readable by its writer only, until writing closes
    else:
        reply.text = stored
    if session.cues_enabled:
        reply.cues = cue_phrases.cues_of(stored, cue_phrases.reply_language(player.language, session.language))
    reply.submitted_at = now
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
    they come back in time they can still send. A drill waits for its window.
    """
    if session.pace == DRILL:
        return False
    connected = select(Presence.player_id).where(Presence.session_id == session.id)
    waiting = db.session.scalar(
        round_replies(session, session.round_no)
        .where(Reply.submitted_at.is_(None), Reply.player_id.in_(connected))
        .with_only_columns(func.count(Reply.id))
    )
    if waiting:
        return False  # no need to count the replies sent
    return game.progress.everyone_wrote(waiting or 0, writing_progress(session)[0])
