"""The phase clock: lobby → (writing → voting → results) × N → finished.

Every command gets a fixed datetime as "now", so nothing here reads a real clock.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest

from trainer.game import Outcome, Phase, RoundClock, RuleError, Timing, phases
from trainer.game.phases import (
    MAX_EXTRA,
    advance,
    close_phase,
    close_voting,
    close_writing,
    extend,
    finish,
    pause,
    resume,
    start_round,
)

T0 = datetime(2026, 1, 5, 9, 0)
TIMING = Timing(writing_seconds=300, voting_seconds=120, rounds_total=3)


def at(**delta: float) -> datetime:
    return T0 + timedelta(**delta)


@contextmanager
def breaks_rule(code: str):
    with pytest.raises(RuleError) as caught:
        yield caught
    assert caught.value.code == code


def writing(round_no: int = 1, now: datetime = T0) -> RoundClock:
    """A clock in the writing phase of ``round_no``, started at ``now``."""
    return RoundClock(
        phase=Phase.WRITING,
        round_no=round_no,
        deadline=now + timedelta(seconds=TIMING.writing_seconds),
    )


def voting(round_no: int = 1, now: datetime = T0) -> RoundClock:
    return RoundClock(
        phase=Phase.VOTING,
        round_no=round_no,
        deadline=now + timedelta(seconds=TIMING.voting_seconds),
    )


def results(round_no: int) -> RoundClock:
    return RoundClock(phase=Phase.RESULTS, round_no=round_no)


# --- start_round ----------------------------------------------------------


def test_a_new_clock_waits_in_the_lobby():
    clock = RoundClock()
    assert clock.phase is Phase.LOBBY
    assert clock.round_no == 0
    assert clock.deadline is None
    assert not clock.paused
    assert clock.remaining(T0) is None


def test_start_round_from_lobby_opens_writing_for_round_one():
    outcome = start_round(RoundClock(), TIMING, T0)

    assert outcome.clock == RoundClock(
        phase=Phase.WRITING, round_no=1, deadline=at(seconds=300)
    )
    assert outcome.announce == ("phase",)


def test_start_round_from_results_opens_the_next_round():
    outcome = start_round(results(1), TIMING, at(minutes=20))

    assert outcome.clock.phase is Phase.WRITING
    assert outcome.clock.round_no == 2
    assert outcome.clock.deadline == at(minutes=20, seconds=300)
    assert outcome.announce == ("phase",)


@pytest.mark.parametrize("clock", [writing(), voting()], ids=["writing", "voting"])
def test_start_round_during_a_timed_phase_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase") as caught:
        start_round(clock, TIMING, T0)
    assert caught.value.details == {"phase": str(clock.phase)}


def test_start_round_when_finished_is_the_wrong_phase():
    with breaks_rule("wrong_phase"):
        start_round(RoundClock(phase=Phase.FINISHED, round_no=3), TIMING, T0)


def test_start_round_after_the_last_round_has_no_rounds_left():
    with breaks_rule("no_rounds_left"):
        start_round(results(TIMING.rounds_total), TIMING, T0)


def test_a_game_of_zero_rounds_cannot_start():
    with breaks_rule("no_rounds_left"):
        start_round(RoundClock(), Timing(300, 120, rounds_total=0), T0)


def test_start_round_does_not_change_the_clock_it_was_given():
    before = RoundClock()
    start_round(before, TIMING, T0)
    assert before == RoundClock()


# --- closing writing and voting --------------------------------------------


def test_close_writing_with_replies_opens_voting_with_its_own_deadline():
    outcome = close_writing(writing(2), TIMING, at(minutes=4), any_replies=True)

    assert outcome.clock == RoundClock(
        phase=Phase.VOTING, round_no=2, deadline=at(minutes=4, seconds=120)
    )
    assert outcome.announce == ("phase",)


def test_close_writing_without_replies_skips_voting():
    outcome = close_writing(writing(2), TIMING, at(minutes=4), any_replies=False)

    assert outcome.clock == RoundClock(phase=Phase.RESULTS, round_no=2)
    assert outcome.clock.deadline is None
    assert outcome.announce == ("phase",)


def test_close_writing_of_a_paused_round_drops_the_pause():
    paused = pause(writing(), at(minutes=1)).clock
    outcome = close_writing(paused, TIMING, at(minutes=2), any_replies=True)

    assert not outcome.clock.paused
    assert outcome.clock.deadline == at(minutes=2, seconds=120)


@pytest.mark.parametrize(
    "clock",
    [RoundClock(), voting(), results(1)],
    ids=["lobby", "voting", "results"],
)
def test_close_writing_outside_writing_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase"):
        close_writing(clock, TIMING, T0, any_replies=True)


def test_close_voting_shows_results_without_a_deadline():
    outcome = close_voting(voting(3))

    assert outcome.clock == RoundClock(phase=Phase.RESULTS, round_no=3)
    assert outcome.announce == ("phase",)


@pytest.mark.parametrize(
    "clock", [RoundClock(), writing(), results(1)], ids=["lobby", "writing", "results"]
)
def test_close_voting_outside_voting_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase"):
        close_voting(clock)


@pytest.mark.parametrize("any_replies", [True, False])
def test_close_phase_during_writing_closes_writing(any_replies):
    now = at(minutes=5)
    assert close_phase(writing(), TIMING, now, any_replies=any_replies) == close_writing(
        writing(), TIMING, now, any_replies=any_replies
    )


def test_close_phase_during_voting_closes_voting():
    outcome = close_phase(voting(2), TIMING, at(minutes=7), any_replies=False)
    assert outcome.clock == RoundClock(phase=Phase.RESULTS, round_no=2)


@pytest.mark.parametrize(
    "clock",
    [RoundClock(), results(1), RoundClock(phase=Phase.FINISHED, round_no=3)],
    ids=["lobby", "results", "finished"],
)
def test_close_phase_outside_a_timed_phase_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase"):
        close_phase(clock, TIMING, T0, any_replies=True)


# --- advance and finish ----------------------------------------------------


def test_advance_from_the_lobby_starts_round_one():
    assert advance(RoundClock(), TIMING, T0) == start_round(RoundClock(), TIMING, T0)


def test_advance_from_results_of_a_middle_round_starts_the_next_round():
    outcome = advance(results(2), TIMING, at(minutes=30))

    assert outcome.clock == RoundClock(
        phase=Phase.WRITING, round_no=3, deadline=at(minutes=30, seconds=300)
    )
    assert outcome.announce == ("phase",)


def test_advance_from_results_of_the_final_round_finishes():
    outcome = advance(results(3), TIMING, at(minutes=30))

    assert outcome.clock == RoundClock(phase=Phase.FINISHED, round_no=3)
    assert outcome.announce == ("phase",)


@pytest.mark.parametrize("clock", [writing(), voting()], ids=["writing", "voting"])
def test_advance_during_a_timed_phase_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase"):
        advance(clock, TIMING, T0)


def test_advance_when_finished_is_the_wrong_phase():
    with breaks_rule("wrong_phase"):
        advance(RoundClock(phase=Phase.FINISHED, round_no=3), TIMING, T0)


def test_finish_before_the_last_round_has_rounds_left():
    with breaks_rule("rounds_left"):
        finish(results(2), TIMING)


@pytest.mark.parametrize("clock", [RoundClock(), writing(3), voting(3)])
def test_finish_outside_results_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase"):
        finish(clock, TIMING)


def test_a_whole_game_walks_every_phase_in_order():
    clock = RoundClock()
    now = T0
    seen = []
    for _ in range(TIMING.rounds_total):
        clock = advance(clock, TIMING, now).clock
        seen.append((clock.phase, clock.round_no))
        now = clock.deadline
        assert clock.is_overdue(now)
        clock = close_phase(clock, TIMING, now, any_replies=True).clock
        seen.append((clock.phase, clock.round_no))
        now = clock.deadline
        clock = close_phase(clock, TIMING, now, any_replies=True).clock
        seen.append((clock.phase, clock.round_no))
        assert clock.deadline is None
    clock = advance(clock, TIMING, now).clock
    seen.append((clock.phase, clock.round_no))

    assert seen == [
        (Phase.WRITING, 1), (Phase.VOTING, 1), (Phase.RESULTS, 1),
        (Phase.WRITING, 2), (Phase.VOTING, 2), (Phase.RESULTS, 2),
        (Phase.WRITING, 3), (Phase.VOTING, 3), (Phase.RESULTS, 3),
        (Phase.FINISHED, 3),
    ]  # fmt: skip
    assert now == at(minutes=3 * 7)


# --- extend ----------------------------------------------------------------


@pytest.mark.parametrize("make", [writing, voting], ids=["writing", "voting"])
def test_extend_adds_seconds_to_the_deadline(make):
    clock = make()
    outcome = extend(clock, at(minutes=1), 60)

    assert outcome.clock == RoundClock(
        phase=clock.phase, round_no=1, deadline=clock.deadline + timedelta(seconds=60)
    )
    assert outcome.announce == ("timer",)


def test_extend_twice_adds_up():
    clock = extend(writing(), at(minutes=1), 60).clock
    clock = extend(clock, at(minutes=2), 90).clock
    assert clock.deadline == at(seconds=300 + 60 + 90)


def test_extending_a_deadline_that_already_passed_counts_from_now():
    clock = writing()  # deadline T0 + 5 min
    now = at(minutes=8)
    outcome = extend(clock, now, 60)

    assert outcome.clock.deadline == now + timedelta(seconds=60)
    assert not outcome.clock.is_overdue(now)
    assert outcome.clock.remaining(now) == timedelta(seconds=60)


def test_extending_exactly_at_the_deadline_counts_from_the_deadline():
    clock = writing()
    outcome = extend(clock, clock.deadline, 30)
    assert outcome.clock.deadline == clock.deadline + timedelta(seconds=30)


def test_extend_while_paused_adds_to_the_time_left():
    paused = pause(writing(), at(minutes=2)).clock  # 3 minutes left
    outcome = extend(paused, at(minutes=10), 60)

    assert outcome.clock.paused_remaining == timedelta(minutes=4)
    assert outcome.clock.deadline is None
    assert outcome.clock.paused
    assert outcome.announce == ("timer",)


def test_extend_may_bring_the_time_left_to_exactly_thirty_minutes():
    clock = writing()  # 5 minutes left at T0
    outcome = extend(clock, T0, 25 * 60)
    assert outcome.clock.remaining(T0) == MAX_EXTRA == timedelta(minutes=30)


def test_extend_past_thirty_minutes_left_is_too_much_time():
    clock = writing()
    with breaks_rule("too_much_time"):
        extend(clock, T0, 25 * 60 + 1)


def test_too_much_time_is_measured_from_now_not_from_the_round_start():
    clock = writing()  # deadline T0 + 5 min
    # At T0 + 4 min only one minute is left, so 29 more minutes still fit.
    outcome = extend(clock, at(minutes=4), 29 * 60)
    assert outcome.clock.deadline == at(minutes=34)
    with breaks_rule("too_much_time"):
        extend(clock, at(minutes=4), 29 * 60 + 1)


def test_extending_a_passed_deadline_by_over_thirty_minutes_is_too_much_time():
    with breaks_rule("too_much_time"):
        extend(writing(), at(hours=2), 30 * 60 + 1)


def test_extend_while_paused_past_thirty_minutes_is_too_much_time():
    paused = pause(writing(), T0).clock  # 5 minutes left
    assert extend(paused, T0, 25 * 60).clock.paused_remaining == MAX_EXTRA
    with breaks_rule("too_much_time"):
        extend(paused, T0, 25 * 60 + 1)


@pytest.mark.parametrize(
    "clock",
    [RoundClock(), results(1), RoundClock(phase=Phase.FINISHED, round_no=3)],
    ids=["lobby", "results", "finished"],
)
def test_extend_outside_a_timed_phase_is_the_wrong_phase(clock):
    with breaks_rule("wrong_phase") as caught:
        extend(clock, T0, 60)
    assert caught.value.details == {"phase": str(clock.phase)}


# --- pause and resume ------------------------------------------------------


def test_pause_keeps_the_time_left_and_clears_the_deadline():
    outcome = pause(writing(), at(minutes=2))

    assert outcome.clock.deadline is None
    assert outcome.clock.paused_remaining == timedelta(minutes=3)
    assert outcome.clock.paused
    assert outcome.clock.phase is Phase.WRITING
    assert outcome.clock.round_no == 1
    assert outcome.announce == ("timer",)


def test_the_time_left_stands_still_while_paused():
    paused = pause(voting(), at(seconds=20)).clock

    assert paused.remaining(at(seconds=20)) == timedelta(seconds=100)
    assert paused.remaining(at(minutes=45)) == timedelta(seconds=100)
    assert paused.remaining(at(days=3)) == timedelta(seconds=100)


def test_resume_sets_a_new_deadline_from_the_time_left():
    paused = pause(writing(), at(minutes=2)).clock
    outcome = resume(paused, at(minutes=10))

    assert outcome.clock == RoundClock(
        phase=Phase.WRITING, round_no=1, deadline=at(minutes=13)
    )
    assert not outcome.clock.paused
    assert outcome.announce == ("timer",)


def test_pause_and_resume_at_once_leave_the_deadline_where_it_was():
    clock = writing()
    now = at(minutes=1)
    assert resume(pause(clock, now).clock, now).clock == clock


def test_pausing_after_the_deadline_passed_keeps_zero_time_left():
    paused = pause(writing(), at(minutes=9)).clock
    assert paused.paused_remaining == timedelta(0)
    resumed = resume(paused, at(minutes=12)).clock
    assert resumed.deadline == at(minutes=12)
    assert resumed.is_overdue(at(minutes=12))


def test_pausing_twice_is_already_paused():
    paused = pause(writing(), at(minutes=1)).clock
    with breaks_rule("already_paused"):
        pause(paused, at(minutes=2))


def test_resuming_a_running_clock_is_not_paused():
    with breaks_rule("not_paused"):
        resume(writing(), at(minutes=1))


@pytest.mark.parametrize("command", [pause, resume])
@pytest.mark.parametrize(
    "clock", [RoundClock(), results(1)], ids=["lobby", "results"]
)
def test_pause_and_resume_outside_a_timed_phase_are_the_wrong_phase(command, clock):
    with breaks_rule("wrong_phase"):
        command(clock, T0)


# --- overdue and remaining -------------------------------------------------


@pytest.mark.parametrize("make", [writing, voting], ids=["writing", "voting"])
def test_a_timed_phase_is_overdue_from_its_deadline_on(make):
    clock = make()
    assert not clock.is_overdue(clock.deadline - timedelta(microseconds=1))
    assert clock.is_overdue(clock.deadline)
    assert clock.is_overdue(clock.deadline + timedelta(hours=1))


def test_a_paused_clock_is_never_overdue():
    paused = pause(writing(), at(minutes=1)).clock
    assert not paused.is_overdue(at(minutes=1))
    assert not paused.is_overdue(at(hours=5))


@pytest.mark.parametrize(
    "phase", [Phase.LOBBY, Phase.RESULTS, Phase.FINISHED]
)
def test_untimed_phases_are_never_overdue_even_with_a_stray_deadline(phase):
    clock = RoundClock(phase=phase, round_no=1, deadline=at(minutes=1))
    assert not clock.is_overdue(at(hours=1))


def test_a_timed_phase_without_a_deadline_is_not_overdue():
    assert not RoundClock(phase=Phase.WRITING, round_no=1).is_overdue(at(hours=1))


def test_remaining_counts_down_and_stops_at_zero():
    clock = writing()
    assert clock.remaining(T0) == timedelta(minutes=5)
    assert clock.remaining(at(minutes=4, seconds=30)) == timedelta(seconds=30)
    assert clock.remaining(clock.deadline) == timedelta(0)
    assert clock.remaining(at(hours=1)) == timedelta(0)


@pytest.mark.parametrize("seconds", [0, -1, -10 * 60])
def test_extensions_must_add_time(seconds):
    for clock in (writing(), pause(writing(), T0).clock):
        with pytest.raises(RuleError) as refused:
            extend(clock, T0, seconds)
        assert refused.value.code == "bad_extension"


def test_remaining_is_none_without_a_deadline():
    assert results(1).remaining(T0) is None


# --- the module's public surface -------------------------------------------


def test_outcome_announces_a_phase_change_by_default():
    assert Outcome(RoundClock()).announce == ("phase",)
    assert phases.PHASE_CHANGED == "phase"
    assert phases.TIMER_CHANGED == "timer"


def test_phases_are_plain_strings_for_storage():
    assert [str(p) for p in Phase] == [
        "lobby", "writing", "voting", "results", "finished",
    ]  # fmt: skip
    assert Phase("voting") is Phase.VOTING


def test_clocks_are_immutable():
    clock = writing()
    with pytest.raises(AttributeError):
        clock.phase = Phase.VOTING  # type: ignore[misc]
