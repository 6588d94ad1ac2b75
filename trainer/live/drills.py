"""Drills of the week: sessions that run over several days, moved on by their windows.

A drill is a session with another pace, not a second game: the same rows,
phases, snapshots, ballots and records. Its writing phase lasts
from the writing window's opening to its close, voting until the voting
window's close; the session's ``deadline`` is always the end of the phase
it is in, so the sweeper closes a drill's phases as it closes live ones.
Opening writing is the one step live sessions don't have: the sweeper asks
``open_due`` for it. Every change is a conditional update on the clock
version, so across workers and restarts each happens, and is announced, once.

A drill asks for one to three replies, one per card; each card is a round
(``round_no`` 1 to ``rounds_total``), and all of them are open together:
written in the one writing window, voted on in the one voting window, and
shown on the projector card by card afterwards. People join at any time
while writing is open and are dealt their cards as they join: in an
own-card drill each person's are different cards; a same-card or duels
drill's cards are chosen once for everyone (the poster shows them), and a
duels drill pairs those who wrote each card when writing closes
(live/rounds.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from random import Random

from sqlalchemy import func, select, update

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


def rounds_of(session: GameSession) -> range:
    """A drill's rounds: one per card, all open together."""
    return range(1, session.rounds_total + 1)


def create_drill(settings: SessionSettings, owner_id: int | None, now: datetime, cards: int = 1) -> GameSession:
    """A drill with its windows and ``cards`` cards (one to three; a live session's
    ``rounds_total`` is not read); writing is open at once when its window has started."""
    rules.check_cards(cards)
    session = create_session(replace(settings, pace=DRILL, rounds_total=cards), owner_id)
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
    db.session.add_all(
        GameRound(session_id=session.id, round_no=round_no, mode=session.mode, takeaway="")
        for round_no in rounds_of(session)
    )
    if Mode(session.mode) != Mode.OWN_CARD:
        drill_cards(session)  # chosen now, whoever comes: the poster shows them from the start
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
    """Deal anyone in an open drill who lacks a card: a join that raced the opening
    (it saw the drill closed, the opening missed its new row). (session, player) dealt."""
    dealt = select(func.count(Reply.id)).where(Reply.player_id == Player.id).scalar_subquery()
    missing = db.session.execute(
        select(Player.session_id, Player.id)
        .join(GameSession, GameSession.id == Player.session_id)
        .where(
            GameSession.pace == DRILL, GameSession.phase == game.Phase.WRITING.value, ~Player.removed,
            dealt < GameSession.rounds_total,
        )
    ).all()
    for session_id, player_id in missing:
        deal_joiner(db.session.get(GameSession, session_id), player_id)
    db.session.commit()
    return [(s, p) for s, p in missing]


def deal_joiner(session: GameSession, player_id: int) -> None:
    """Deal one person each card of an open drill they don't have yet (the caller commits)."""
    have = dict(db.session.execute(
        select(Reply.round_no, Reply.card_id).where(Reply.session_id == session.id, Reply.player_id == player_id)
    ).all())
    missing = [round_no for round_no in rounds_of(session) if round_no not in have]
    if not missing:
        return
    pool = db.session.scalars(session_pool(session)).all()
    dealt = Counter(db.session.scalars(select(Reply.card_id).where(Reply.session_id == session.id)))
    counts = {card: dealt.get(card, 0) for card in pool}
    shared = drill_cards(session, counts) if Mode(session.mode) != Mode.OWN_CARD else []
    for round_no in missing:
        if shared:
            card = shared[round_no - 1]
        else:
            # Each of a person's cards a different one, the least dealt in the drill so far.
            fresh = {c: n for c, n in counts.items() if c not in have.values()} or counts
            card = deal_own([player_id], fresh, Random(f"{session.seed}:{round_no}:deal:{player_id}"))[player_id]
            counts[card] = counts.get(card, 0) + 1
        have[round_no] = card
        db.session.add(Reply(session_id=session.id, round_no=round_no, player_id=player_id, card_id=card))
    db.session.flush()


def drill_cards(session: GameSession, counts: dict[int, int] | None = None) -> list[int]:
    """The cards a same-card or duels drill answers, one per round: dealt once and kept.

    A card taken out of the decks is dealt again until somebody holds it;
    from then on it stays. A drill from before answered one
    card, kept as ``next_card_id``.
    """
    stored = list(session.drill_card_ids or ([session.next_card_id] if session.next_card_id else []))
    if counts is None:
        counts = {card: 0 for card in db.session.scalars(session_pool(session))}
    kept = stored if cards_in_hand(session) else [c for c in stored if c in counts]
    kept = kept[: session.rounds_total]
    while len(kept) < session.rounds_total:
        # Different cards while the pool has them; the first dealt as a one-card drill always was.
        choices = {c: n for c, n in counts.items() if c not in kept} or counts
        kept.append(least_dealt(choices, Random(f"{session.seed}:{len(kept) + 1}:deal"))[0])
    if kept != session.drill_card_ids:
        session.drill_card_ids = kept
        session.next_card_id = kept[0]
    return kept


def cards_in_hand(session: GameSession) -> bool:
    """Somebody has been dealt a card of this drill: its cards can't change any more."""
    return db.session.scalar(select(Reply.id).where(Reply.session_id == session.id).limit(1)) is not None


def pick_cards(session: GameSession, picks: list[int]) -> list[int]:
    """The trainer's choice of a same-card or duels drill's cards, one per round, until somebody holds them."""
    _require_drill(session)
    if Mode(session.mode) == Mode.OWN_CARD:
        raise game.RuleError("drill_own_cards")
    if cards_in_hand(session):
        raise game.RuleError("drill_cards_dealt")
    pool = set(db.session.scalars(session_pool(session)))
    if len(picks) != session.rounds_total or not set(picks) <= pool:
        raise game.RuleError("unknown_card")
    if len(set(picks)) != len(picks):
        raise game.RuleError("drill_cards_twice")
    session.drill_card_ids = list(picks)
    session.next_card_id = picks[0]
    db.session.commit()
    return picks


def drill_card(session: GameSession, counts: dict[int, int] | None = None) -> int:
    """The first card a same-card or duels drill answers (a one-card drill's only one)."""
    return drill_cards(session, counts)[0]


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
    """Each person's name, and on how many of the drill's cards they have written and voted:
    names and counts only, never a text."""
    people = db.session.execute(
        select(
            Player.id, Player.name, func.count(Reply.submitted_at), func.count(Reply.id),
        )
        .outerjoin(Reply, Reply.player_id == Player.id)
        .where(Player.session_id == session.id, ~Player.removed)
        .group_by(Player.id, Player.name)
        .order_by(Player.name, Player.id)
    ).all()
    voted = dict(db.session.execute(
        select(Vote.voter_id, func.count(func.distinct(Vote.round_no)))
        .where(Vote.session_id == session.id).group_by(Vote.voter_id)
    ).all())
    cards = session.rounds_total
    return [
        {"id": pid, "name": name, "written": written, "dealt": bool(dealt), "voted": voted.get(pid, 0),
         "cards": cards}
        for pid, name, written, dealt in people
    ]


def too_few_replies(session: GameSession) -> bool:
    """Writing closed with fewer than two replies to every card, so the drill went to its results without a vote."""
    if session.phase not in (game.Phase.RESULTS, game.Phase.FINISHED):
        return False
    written = db.session.scalars(
        select(func.count(Reply.id)).where(Reply.session_id == session.id, Reply.text.is_not(None))
        .group_by(Reply.round_no)
    ).all()
    return max(written, default=0) < rounds.DRILL_LEAST_REPLIES
