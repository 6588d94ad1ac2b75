"""The phase clock of a session: lobby → (writing → voting → results) × N → finished.

A ``RoundClock`` is an immutable value. Each command takes the clock and the
current time and returns an ``Outcome``: the new clock and what to announce.
Deadlines are absolute times so any worker (or a restarted one) can tell
whether a phase is overdue from the stored row alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import RuleError


class Phase(StrEnum):
    LOBBY = "lobby"
    WRITING = "writing"
    VOTING = "voting"
    RESULTS = "results"
    FINISHED = "finished"


TIMED_PHASES = frozenset({Phase.WRITING, Phase.VOTING})

# Announcements the service layer turns into emits.
PHASE_CHANGED = "phase"
TIMER_CHANGED = "timer"


@dataclass(frozen=True)
class Timing:
    writing_seconds: int
    voting_seconds: int
    rounds_total: int


@dataclass(frozen=True)
class RoundClock:
    phase: Phase = Phase.LOBBY
    round_no: int = 0
    deadline: datetime | None = None
    # Set only while a timed phase is paused; the deadline is then None.
    paused_remaining: timedelta | None = None

    @property
    def paused(self) -> bool:
        return self.paused_remaining is not None

    def remaining(self, now: datetime) -> timedelta | None:
        if self.paused_remaining is not None:
            return self.paused_remaining
        if self.deadline is None:
            return None
        return max(self.deadline - now, timedelta(0))

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.phase in TIMED_PHASES
            and self.deadline is not None
            and now >= self.deadline
        )


@dataclass(frozen=True)
class Outcome:
    clock: RoundClock
    announce: tuple[str, ...] = (PHASE_CHANGED,)


def _require(clock: RoundClock, *phases: Phase) -> None:
    if clock.phase not in phases:
        raise RuleError("wrong_phase", phase=str(clock.phase))


def start_round(clock: RoundClock, timing: Timing, now: datetime) -> Outcome:
    """From the lobby or a round's results, deal the next round."""
    _require(clock, Phase.LOBBY, Phase.RESULTS)
    if clock.round_no >= timing.rounds_total:
        raise RuleError("no_rounds_left")
    return Outcome(
        RoundClock(
            phase=Phase.WRITING,
            round_no=clock.round_no + 1,
            deadline=now + timedelta(seconds=timing.writing_seconds),
        )
    )


def close_writing(
    clock: RoundClock, timing: Timing, now: datetime, *, any_replies: bool
) -> Outcome:
    """Writing ends; with nothing to vote on, go straight to results."""
    _require(clock, Phase.WRITING)
    if not any_replies:
        return Outcome(RoundClock(phase=Phase.RESULTS, round_no=clock.round_no))
    return Outcome(
        RoundClock(
            phase=Phase.VOTING,
            round_no=clock.round_no,
            deadline=now + timedelta(seconds=timing.voting_seconds),
        )
    )


def close_voting(clock: RoundClock) -> Outcome:
    _require(clock, Phase.VOTING)
    return Outcome(RoundClock(phase=Phase.RESULTS, round_no=clock.round_no))


def close_phase(
    clock: RoundClock, timing: Timing, now: datetime, *, any_replies: bool
) -> Outcome:
    """End whichever timed phase is running (deadline passed or host said so)."""
    if clock.phase == Phase.WRITING:
        return close_writing(clock, timing, now, any_replies=any_replies)
    return close_voting(clock)


def finish(clock: RoundClock, timing: Timing) -> Outcome:
    """After the last round's results, show the final podium."""
    _require(clock, Phase.RESULTS)
    if clock.round_no < timing.rounds_total:
        raise RuleError("rounds_left")
    return Outcome(RoundClock(phase=Phase.FINISHED, round_no=clock.round_no))


def advance(clock: RoundClock, timing: Timing, now: datetime) -> Outcome:
    """The host's "next" button: the next round, or the podium after the last."""
    if clock.phase == Phase.RESULTS and clock.round_no >= timing.rounds_total:
        return finish(clock, timing)
    return start_round(clock, timing, now)


MAX_EXTRA = timedelta(minutes=30)


def extend(clock: RoundClock, now: datetime, seconds: int) -> Outcome:
    """Give everyone more time (the host's "+1 minute")."""
    _require(clock, *TIMED_PHASES)
    if seconds <= 0:
        raise RuleError("bad_extension")
    extra = timedelta(seconds=seconds)
    if clock.paused_remaining is not None:
        new_remaining = clock.paused_remaining + extra
        if new_remaining > MAX_EXTRA:
            raise RuleError("too_much_time")
        return Outcome(replace(clock, paused_remaining=new_remaining), (TIMER_CHANGED,))
    assert clock.deadline is not None
    # A deadline that already passed extends from now, not from the past.
    new_deadline = max(clock.deadline, now) + extra
    if new_deadline - now > MAX_EXTRA:
        raise RuleError("too_much_time")
    return Outcome(replace(clock, deadline=new_deadline), (TIMER_CHANGED,))


def pause(clock: RoundClock, now: datetime) -> Outcome:
    _require(clock, *TIMED_PHASES)
    if clock.paused:
        raise RuleError("already_paused")
    remaining = clock.remaining(now)
    return Outcome(
        replace(clock, deadline=None, paused_remaining=remaining), (TIMER_CHANGED,)
    )


def resume(clock: RoundClock, now: datetime) -> Outcome:
    _require(clock, *TIMED_PHASES)
    if clock.paused_remaining is None:
        raise RuleError("not_paused")
    return Outcome(
        replace(clock, deadline=now + clock.paused_remaining, paused_remaining=None),
        (TIMER_CHANGED,),
    )
