"""Drills of the week: sessions that run over several days, moved on by their windows.

A drill is a session with another pace, not a second game: the same rows,
phases, snapshots, ballots and records. Its one round's writing phase lasts
from the writing window's opening to its close, voting until the voting
window's close; the session's ``deadline`` is always the end of the phase
it is in, so the sweeper closes a drill's phases as it closes live ones.
Opening writing is the one step live sessions don't have: the sweeper asks
``open_due`` for it. Every change is a conditional update on the clock
version, so across workers and restarts each happens, and is announced, once.

People join at any time while writing is open and are dealt their card as
they join. Same-card and duels drills answer one card: a duels drill pairs
those who wrote when writing closes (live/rounds.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from random import Random

from sqlalchemy import exists, func, select, update

from .. import game
from ..extensions import db
from ..game import windows as rules
from ..game.modes import Mode, least_dealt
from ..game.rules import deal as deal_own
from ..game.windows import Stage, Window, Windows
from ..models import GameRound, GameSession, Player, Reply, Vote
from . import rounds
from .sessions import DRILL, SessionSettings, active_player_ids, claim_clock, create_session, session_pool


def is_drill(session: GameSession) -> bool:
    return session.pace == DRILL


def windows_of(session: GameSession) -> Windows:
    return Windows(session.writing_opens_at, session.writing_closes_at, session.voting_closes_at)


def create_drill(settings: SessionSettings, owner_id: int | None, now: datetime) -> GameSession:
    """A drill with its windows; writing is open at once when its window has started."""
    session = create_session(replace(settings, pace=DRILL, rounds_total=1), owner_id)
    if open_writing(session, now) is None:
        claim_clock(session, game.RoundClock(deadline=session.writing_opens_at))
        db.session.commit()
    return session


# --- moving on ---------------------------------------------------------------

def open_writing(session: GameSession, now: datetime) -> game.Outcome | None:
    """Open a drill's writing when its window has started (None: not yet, or another worker did)."""
    if session.phase != game.Phase.LOBBY or windows_of(session).stage(now) == Stage.BEFORE:
        return None
    clock = game.RoundClock(phase=game.Phase.WRITING, round_no=1, deadline=session.writing_closes_at)
    if not claim_clock(session, clock):
        db.session.rollback()
        return None
    db.session.add(GameRound(session_id=session.id, round_no=1, mode=session.mode, takeaway=""))
    if Mode(session.mode) != Mode.OWN_CARD:
        drill_card(session)  # chosen now, whoever comes: the poster shows it from the start
    # Read after the claim: whoever joined before it is dealt here, anyone after by their join.
    for player_id in active_player_ids(session, 1):
        deal_joiner(session, player_id)
    db.session.commit()
    return game.Outcome(clock)


def open_due(now: datetime) -> list[tuple[GameSession, game.Outcome]]:
    """Open every drill whose writing window has started; what this call opened."""
    due = db.session.scalars(
        select(GameSession.id).where(
            GameSession.pace == DRILL, GameSession.phase == game.Phase.LOBBY.value,
            GameSession.deadline.is_not(None), GameSession.deadline <= now,
        )
    ).all()
    opened = []
    for session_id in due:
        session = db.session.get(GameSession, session_id)
        outcome = open_writing(session, now) if session is not None else None
        if outcome is not None:
            opened.append((session, outcome))
    return opened


def deal_stragglers() -> list[tuple[int, int]]:
    """Deal anyone in an open drill who has no card: a join that raced the opening
    (it saw the drill closed, the opening missed its new row). (session, player) dealt."""
    missing = db.session.execute(
        select(Player.session_id, Player.id)
        .join(GameSession, GameSession.id == Player.session_id)
        .where(
            GameSession.pace == DRILL, GameSession.phase == game.Phase.WRITING.value, ~Player.removed,
            ~exists().where(Reply.player_id == Player.id, Reply.round_no == 1),
        )
    ).all()
    for session_id, player_id in missing:
        deal_joiner(db.session.get(GameSession, session_id), player_id)
    db.session.commit()
    return [(s, p) for s, p in missing]


def deal_joiner(session: GameSession, player_id: int) -> None:
    """Deal one person their card in an open drill (the caller commits)."""
    if db.session.scalar(
        select(Reply.id).where(Reply.session_id == session.id, Reply.round_no == 1, Reply.player_id == player_id)
    ) is not None:
        return
    pool = db.session.scalars(session_pool(session)).all()
    dealt = Counter(db.session.scalars(select(Reply.card_id).where(Reply.session_id == session.id)))
    counts = {card: dealt.get(card, 0) for card in pool}
    if Mode(session.mode) == Mode.OWN_CARD:
        card = deal_own([player_id], counts, Random(f"{session.seed}:1:deal:{player_id}"))[player_id]
    else:
        card = drill_card(session, counts)
    db.session.add(Reply(session_id=session.id, round_no=1, player_id=player_id, card_id=card))
    db.session.flush()


def drill_card(session: GameSession, counts: dict[int, int] | None = None) -> int:
    """The one card a same-card or duels drill answers: the trainer's pick, or dealt once and kept."""
    if counts is None:
        counts = {card: 0 for card in db.session.scalars(session_pool(session))}
    if session.next_card_id not in counts:
        session.next_card_id = least_dealt(counts, Random(f"{session.seed}:1:deal"))[0]
    return session.next_card_id


# --- the trainer's changes ---------------------------------------------------

def _store_windows(session: GameSession, changed: Windows, deadline: datetime | None) -> bool:
    """Store new windows if nobody changed the clock since ``session`` was read."""
    result = db.session.execute(
        update(GameSession)
        .where(GameSession.id == session.id, GameSession.clock_version == session.clock_version)
        .values(
            writing_opens_at=changed.writing_opens, writing_closes_at=changed.writing_closes,
            voting_closes_at=changed.voting_closes, deadline=deadline,
            clock_version=GameSession.clock_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.commit()
    db.session.refresh(session)
    return True


def _phase_deadline(session: GameSession, changed: Windows) -> datetime | None:
    return {
        game.Phase.LOBBY: changed.writing_opens,
        game.Phase.WRITING: changed.writing_closes,
        game.Phase.VOTING: changed.voting_closes,
    }.get(game.Phase(session.phase))


def extend(session: GameSession, window: Window, until: datetime, now: datetime) -> bool:
    """Move a window's end later; False when another change came first (try again)."""
    _require_drill(session)
    changed = rules.extend(windows_of(session), window, until, now)
    return _store_windows(session, changed, _phase_deadline(session, changed))


def close_early(session: GameSession, window: Window, now: datetime) -> game.Outcome | None:
    """End writing or voting now: the window's end moves to now, then the phase closes as at its time."""
    _require_drill(session)
    if session.phase != window.value:
        raise game.RuleError("drill_window_closed" if session.phase != game.Phase.LOBBY else "drill_not_open")
    changed = rules.close_early(windows_of(session), window, now)
    if not _store_windows(session, changed, now):
        return None
    return rounds.close_phase(session, now)


def _require_drill(session: GameSession) -> None:
    if not is_drill(session):
        raise game.RuleError("not_a_drill")


# --- what the drill's page shows -----------------------------------------------

def who_has_done_what(session: GameSession) -> list[dict]:
    """Each person's name, whether they have written and voted: names only, never a text."""
    people = db.session.execute(
        select(Player.id, Player.name, Reply.submitted_at.is_not(None), Reply.id.is_not(None))
        .outerjoin(Reply, (Reply.player_id == Player.id) & (Reply.round_no == 1))
        .where(Player.session_id == session.id, ~Player.removed)
        .order_by(Player.name, Player.id)
    ).all()
    voters = set(db.session.scalars(select(Vote.voter_id).where(Vote.session_id == session.id).distinct()))
    return [
        {"id": pid, "name": name, "written": bool(written), "dealt": bool(dealt), "voted": pid in voters}
        for pid, name, written, dealt in people
    ]


def too_few_replies(session: GameSession) -> bool:
    """Writing closed with fewer than two replies, so the drill went to its results without a vote."""
    if session.phase not in (game.Phase.RESULTS, game.Phase.FINISHED):
        return False
    written = db.session.scalar(
        select(func.count(Reply.id)).where(Reply.session_id == session.id, Reply.text.is_not(None))
    ) or 0
    return written < rounds.DRILL_LEAST_REPLIES
