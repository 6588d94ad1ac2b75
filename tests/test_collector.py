"""The garbage collector's timing (trainer/live/collector.py), with the real gc."""

from __future__ import annotations

import gc
import time

import pytest
from socket_helpers import start_round

from trainer.live import collector


@pytest.fixture
def installed(app, monkeypatch):
    """The collector as a serving process installs it; the test process gets its gc back after."""
    thresholds = gc.get_threshold()
    monkeypatch.setattr(collector, "QUIET_AFTER_SECONDS", 0.05)
    full: list[float] = []

    def count(phase, info):
        if phase == "stop" and info["generation"] == 2:
            full.append(time.monotonic())

    monkeypatch.setattr(collector, "_recent", {})
    monkeypatch.setattr(collector, "_thaw_due", False)
    with app.app_context():
        collector.install()
        gc.callbacks.append(count)
        try:
            yield full
        finally:
            _wait_for(lambda: not collector._due)  # one still pending runs before the next test
            gc.callbacks.remove(count)
            gc.unfreeze()
            gc.set_threshold(*thresholds)
            collector._installed = False


def _wait_for(condition, seconds: float = 2.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)


def test_install_freezes_what_startup_made_and_leaves_full_collections_to_their_moment(installed):
    assert gc.get_freeze_count() > 1000  # the modules and the app, at least
    assert gc.get_threshold()[2] == collector.FULL_AFTER
    # Garbage made now is still found: a cycle is collected by the next full collection.
    made = []
    made.append(made)
    del made
    assert gc.collect() >= 1


def test_phase_changes_close_together_get_one_full_collection_after_them(installed):
    for _ in range(3):
        collector.collect_soon(1)
    assert installed == [], "not while the snapshots are still going out"
    _wait_for(lambda: installed)
    time.sleep(0.2)
    assert len(installed) == 1
    # A later phase change gets one of its own.
    collector.collect_soon(1)
    _wait_for(lambda: len(installed) == 2)
    assert len(installed) == 2


def test_while_several_rooms_play_what_lives_is_frozen_and_the_next_quiet_moment_walks_it_again(
    installed, monkeypatch,
):
    collector.collect_soon(1)
    _wait_for(lambda: installed)
    assert len(installed) == 1
    # Other rooms' phase changes: no moment is quiet for all of them, so no full collection;
    # what lives is frozen instead, and a cycle made meanwhile is left to the quiet moment.
    made = []
    made.append(made)
    frozen_before = gc.get_freeze_count()
    collector.collect_soon(2)
    _wait_for(lambda: not collector._due)
    assert len(installed) == 1, "no full collection while several rooms play"
    assert gc.get_freeze_count() > frozen_before and collector._thaw_due
    freed = []
    import weakref

    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle
    gone = weakref.ref(cycle, freed.append)
    collector.collect_soon(3)
    _wait_for(lambda: not collector._due)  # frozen with the rest
    del cycle, made
    assert gone() is not None, "frozen: not collected while the rooms play"
    # Quiet again: one room. Its collection thaws, walks everything and frees the cycle.
    monkeypatch.setattr(collector, "_recent", {})
    collector.collect_soon(2)
    _wait_for(lambda: len(installed) == 2)
    assert gone() is None and not collector._thaw_due
    assert gc.get_freeze_count() > 0, "what survived is frozen again"


def test_a_phase_change_asks_for_one(installed, seed, sockets, fake_clock):
    host, _phones = sockets.room(seed(players=2))
    start_round(host)
    _wait_for(lambda: installed)
    assert len(installed) >= 1


def test_a_process_that_does_not_serve_schedules_nothing(app):
    # Tests and command-line tools never install it: their gc stays as CPython sets it.
    collector.collect_soon(1)
    assert collector._due is False


def test_no_collection_while_a_phase_change_goes_out(installed, seed, sockets, fake_clock, monkeypatch):
    from trainer.live import announce

    host, phones = sockets.room(seed(players=3))
    seen: list[bool] = []
    building = announce.each_player_snapshot

    def watched(*args, **kwargs):
        for each in building(*args, **kwargs):
            seen.append(gc.isenabled())
            yield each

    monkeypatch.setattr(announce, "each_player_snapshot", watched)
    start_round(host)
    assert seen == [False, False, False], "the collector was off for every phone's snapshot"
    assert gc.isenabled(), "and on again after"


def test_overlapping_pauses_never_leave_the_collector_off(installed):
    first = collector.paused()
    first.__enter__()
    assert not gc.isenabled()
    second = collector.paused()  # another room's phase change, at the first one's yield
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.isenabled(), "the pause that turned it off turned it on"
    second.__exit__(None, None, None)
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("a phase change that failed")
    assert gc.isenabled()


def test_a_process_that_does_not_serve_keeps_collecting_during_a_phase_change(app):
    with collector.paused():
        assert gc.isenabled()
