"""Creating sessions, joining them, and moving their clock safely.

Every clock change is a conditional update on ``clock_version``: when two
clicks, two workers or the sweeper race, exactly one change applies and only
its author announces it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .. import game
from ..clock import utcnow
from ..coaching import criteria, cues
from ..extensions import db
from ..game import phases, windows
from ..game.modes import Mode, Voting
from ..game.windows import Windows
from ..models import Card, Deck, GameSession, Player, SessionDeck
from . import presence
from .names import clean_name, name_key
from .tokens import new_room_code, new_token, normalise_code, token_hash

WRITING_MINUTES = (1, 15)
VOTING_SECONDS = (20, 600)
ROUNDS = (1, 10)
# A session's pace: one room for minutes, or a drill over several days.
LIVE, DRILL = "live", "drill"


@dataclass(frozen=True)
class SessionSettings:
    deck_ids: tuple[int, ...]
    writing_minutes: int = 7
    voting_seconds: int = 90
    rounds_total: int = 3
    seed: int | None = None
    profanity_filter: bool = False
    # The projector's language; None: the first deck's.
    language: str | None = None
    mode: str = Mode.OWN_CARD.value
    voting: str = Voting.VOTES.value
    # Only cards of these themes and difficulties; empty: every card.
    themes: tuple[str, ...] = ()
    difficulties: tuple[int, ...] = ()
    # The team it is run for (checked by the caller: the trainer's own, or any for an admin).
    team_id: int | None = None
    # "live", or "drill" with its windows and the trainer's time zone (live/drills.py).
    pace: str = LIVE
    windows: Windows | None = None
    time_zone: str | None = None
    # Service cues found on each reply (coaching/phrases.py); off: none found or shown.
    cues_enabled: bool = True

    def check(self) -> None:
        if not self.deck_ids:
            raise game.RuleError("no_deck")
        if self.mode not in set(Mode):
            raise game.RuleError("unknown_mode")
        if self.voting not in set(Voting):
            raise game.RuleError("unknown_voting")
        for value, (low, high), code in (
            (self.writing_minutes, WRITING_MINUTES, "bad_writing_time"),
            (self.voting_seconds, VOTING_SECONDS, "bad_voting_time"),
            (self.rounds_total, ROUNDS, "bad_rounds"),
        ):
            if not low <= value <= high:
                raise game.RuleError(code, low=low, high=high)
        if self.pace not in (LIVE, DRILL):
            raise game.RuleError("unknown_pace")
        if self.pace == DRILL:
            windows.zone(self.time_zone)
            if self.windows is None:
                raise game.RuleError("drill_closes_in_past")
            windows.check(self.windows, utcnow())


def create_session(settings: SessionSettings, owner_id: int | None = None) -> GameSession:
    """A new session in the lobby, owned by the trainer who made it.

    The projector authenticates with its trainer's sign-in (trainer.accounts.access).
    """
    settings.check()
    decks = db.session.scalars(
        select(Deck).where(Deck.id.in_(settings.deck_ids), Deck.enabled, Deck.archived_at.is_(None))
    ).all()
    if len(decks) != len(set(settings.deck_ids)):
        raise game.RuleError("no_deck")
    if not db.session.scalar(card_pool(settings.deck_ids, settings.themes, settings.difficulties).limit(1)):
        raise game.RuleError("no_matching_cards")
    session = GameSession(
        code=_unused_code(),
        language=settings.language or decks[0].language,
        seed=settings.seed if settings.seed is not None else random.getrandbits(31),
        writing_seconds=settings.writing_minutes * 60,
        voting_seconds=settings.voting_seconds,
        rounds_total=settings.rounds_total,
        profanity_filter=settings.profanity_filter,
        decks=list(decks),
        owner_id=owner_id,
        mode=settings.mode,
        voting=settings.voting,
        criteria=criteria.current_set(),
        themes=list(settings.themes),
        difficulties=list(settings.difficulties),
        team_id=settings.team_id,
        pace=settings.pace,
        time_zone=settings.time_zone if settings.pace == DRILL else None,
        cues_enabled=settings.cues_enabled,
    )
    if settings.pace == DRILL and settings.windows is not None:
        session.writing_opens_at = settings.windows.writing_opens
        session.writing_closes_at = settings.windows.writing_closes
        session.voting_closes_at = settings.windows.voting_closes
    db.session.add(session)
    db.session.commit()
    if session.cues_enabled and session.language in cues.LANGUAGES:
        cues.warm(session.language)  # a second for Russian, paid here once, not by the first reply sent
    return session


def card_pool(deck_ids, themes=(), difficulties=()):
    """The enabled cards of these decks that pass the session's filters (a select of ids)."""
    decks = deck_ids if isinstance(deck_ids, Select) else list(deck_ids)
    query = select(Card.id).where(Card.deck_id.in_(decks), Card.enabled)
    if themes:
        query = query.where(Card.theme.in_(list(themes)))
    if difficulties:
        query = query.where(Card.difficulty.in_(list(difficulties)))
    return query


def session_pool(session: GameSession):
    """The cards this session may deal, as a select of ids."""
    decks = select(SessionDeck.deck_id).where(SessionDeck.session_id == session.id)
    return card_pool(decks, session.themes or (), session.difficulties or ())


def set_mode(session: GameSession, mode: str, card_id: int | None = None) -> None:
    """The trainer picks how the next round is dealt (between rounds only)."""
    if session.phase not in (game.Phase.LOBBY, game.Phase.RESULTS):
        raise game.RuleError("mode_between_rounds")
    if mode not in set(Mode):
        raise game.RuleError("unknown_mode")
    if card_id is not None:
        if mode != Mode.SAME_CARD or db.session.scalar(session_pool(session).where(Card.id == card_id)) is None:
            raise game.RuleError("unknown_card")
    session.mode = mode
    session.next_card_id = card_id
    db.session.commit()


def _unused_code() -> str:
    while True:
        code = new_room_code()
        if db.session.scalar(select(GameSession.id).where(GameSession.code == code)) is None:
            return code


def find_session(code: str) -> GameSession | None:
    return db.session.scalar(
        select(GameSession).where(GameSession.code == normalise_code(code))
    )


def find_session_and_count(code: str, *counts: Select[tuple[int]]) -> tuple[GameSession | None, list[int] | None]:
    """The session ``code`` names and each of ``counts`` counted in the same query.

    A join asks both (is this phone trying too many codes, and which
    session is this); on PostgreSQL each query is a round trip. The counts
    are None when the code names no session: then ask them on their own.
    """
    row = db.session.execute(
        select(GameSession, *(count.scalar_subquery() for count in counts))
        .where(GameSession.code == normalise_code(code))
    ).first()
    return (row[0], [n or 0 for n in row[1:]]) if row is not None else (None, None)


def connecting_player(token: str) -> tuple[Player, bool] | None:
    """A connecting phone's player with its session, and whether another of its phones is connected.

    One query: on PostgreSQL every statement of a connect is a round trip,
    and a room of phones connects at once.
    """
    row = db.session.execute(
        select(Player, presence.connected(Player.id))
        .options(joinedload(Player.session))
        .where(Player.token_hash == token_hash(token), ~Player.removed)
    ).first()
    return (row[0], bool(row[1])) if row is not None else None


def keep_language(player: Player, language: str | None) -> str:
    """A phone that reconnects in another language keeps its new choice."""
    if language and language != player.language:
        player.language = language
        db.session.commit()
    return player.language


@dataclass(frozen=True)
class Joined:
    """Who joined, read before the commit: after it each attribute read is a round trip."""

    player_id: int
    name: str
    first_round: int
    session_id: int
    code: str
    token: str


def join(code: str, raw_name: str, language: str = "en", session: GameSession | None = None) -> Joined:
    """Add a player; mid-round joiners play from the next round.

    ``session`` is the one ``code`` names when the caller has found it already."""
    session = session if session is not None else find_session(code)
    if session is None:
        raise game.RuleError("unknown_code")
    if session.phase == game.Phase.FINISHED:
        raise game.RuleError("session_over")
    if session.locked:
        raise game.RuleError("room_locked")
    drill = session.pace == DRILL
    if drill and session.phase not in (game.Phase.LOBBY, game.Phase.WRITING):
        raise game.RuleError("drill_writing_closed")
    name = clean_name(raw_name)
    token = new_token()
    player = Player(
        session=session,
        name=name,
        name_key=name_key(name),
        token_hash=token_hash(token),
        # A drill's one round lasts days: whoever arrives while it is open writes in it.
        first_round=1 if drill else session.round_no + 1,
        language=language,
    )
    db.session.add(player)
    try:
        db.session.flush()
        if drill and session.phase == game.Phase.WRITING:
            from .drills import deal_joiner  # drills builds on this module

            deal_joiner(session, player.id)
        joined = Joined(player.id, name, player.first_round, session.id, session.code, token)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise game.RuleError("name_taken", name=name) from None
    return joined


def moderated(session: GameSession) -> None:
    """A player was removed or a reply hidden or shown: ballots worked out before no longer hold.

    Incremented in SQL, so two workers moderating at once both count."""
    session.moderation_version = GameSession.moderation_version + 1


def remove_player(session: GameSession, player_id: int) -> Player:
    player = db.session.get(Player, player_id)
    if player is None or player.session_id != session.id or player.removed:
        raise game.RuleError("unknown_player")
    player.removed = True
    player.name_key = None
    moderated(session)
    db.session.commit()
    return player


def set_locked(session: GameSession, locked: bool) -> None:
    session.locked = locked
    db.session.commit()


def active_player_ids(session: GameSession, round_no: int) -> list[int]:
    """Players who take part in ``round_no``: joined in time and not removed."""
    return list(
        db.session.scalars(
            select(Player.id).where(
                Player.session_id == session.id,
                ~Player.removed,
                Player.first_round <= round_no,
            )
        )
    )


def player_count(session: GameSession) -> int:
    return db.session.scalar(
        select(func.count(Player.id)).where(Player.session_id == session.id, ~Player.removed)
    ) or 0


def timing_of(session: GameSession) -> game.Timing:
    return game.Timing(session.writing_seconds, session.voting_seconds, session.rounds_total)


def clock_of(session: GameSession) -> game.RoundClock:
    paused = session.paused_remaining_ms
    return game.RoundClock(
        phase=game.Phase(session.phase),
        round_no=session.round_no,
        deadline=session.deadline,
        paused_remaining=None if paused is None else timedelta(milliseconds=paused),
    )


def claim_clock(session: GameSession, clock: game.RoundClock) -> bool:
    """Store a new clock if nobody changed it since ``session`` was read.

    Returns False (and changes nothing) when we lost the race. The caller
    commits, together with whatever else the change entails.
    """
    paused = clock.paused_remaining
    version = session.clock_version
    values = {
        "phase": str(clock.phase),
        "round_no": clock.round_no,
        "deadline": clock.deadline,
        "paused_remaining_ms": None if paused is None else int(paused / timedelta(milliseconds=1)),
        "finished_at": utcnow() if clock.phase == game.Phase.FINISHED else None,
    }
    result = db.session.execute(
        update(GameSession)
        .where(GameSession.id == session.id, GameSession.clock_version == version)
        .values(**values, clock_version=GameSession.clock_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    # The row now holds exactly these (the version matched): set them on the
    # object as the database has them, rather than read the row back, a round
    # trip per phase change that forty rooms starting at once all waited on.
    for name, value in (values | {"clock_version": version + 1}).items():
        set_committed_value(session, name, value)
    return True


def overdue_session_ids(now: datetime, grace: timedelta) -> list[int]:
    return list(
        db.session.scalars(
            select(GameSession.id).where(
                GameSession.phase.in_([str(p) for p in phases.TIMED_PHASES]),
                GameSession.deadline.is_not(None),
                GameSession.deadline <= now - grace,
            )
        )
    )
