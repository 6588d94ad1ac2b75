"""Python's garbage collector, kept out of the way of a room's phase changes.

A worker holding a thousand phones tracks some 340,000 objects, and under
CPython's default thresholds it walked all of them every few seconds while
the room wrote and voted: each full collection held the hub for about
200 ms (the bench's one-room run), so votes waited and a phase change that
met one reached the phones 200 ms late. Three changes, made once per
serving process by ``install``:

- what startup built (modules, the ORM's mappings, the catalogs) is frozen:
  it lives as long as the process, and no collection walks it again;
- the full collection runs at a moment chosen for it: shortly after a
  phase change has gone out, when the phones are reading a new screen and
  nobody is waiting for an answer. That moment is quiet for one room, not
  for forty: their phase changes come every few seconds, each room's
  quiet moment is the others' busy one, and a full collection of a worker
  holding 2,000 phones takes 300-500 ms (the bench's forty and eighty rooms
  ran eleven and nineteen of them, 1.9 s and 8.1 s in all; one a minute
  still held a worker for up to 1.9 s in the middle of votes, and the
  interpreter's own, left to itself, 1.35 s). So while several rooms have
  changed phase within ``BUSY_GAP_SECONDS``, the moment after a phase
  change freezes what is alive instead (as startup is frozen): that costs
  nothing, and the collections that follow, the interpreter's own
  included, walk only what was made since. What was frozen is walked
  again, and its garbage freed, at the next quiet moment: a phase change
  when only its room is at play, where the frozen objects are thawed, the
  full collection runs and what survives is frozen again. A worker with
  one room keeps one full collection after each change;
- no collection at all while a phase change is being built and sent
  (``paused``): a thousand snapshots are a few thousand new containers,
  and the young collections they set off cost 5-9 ms of each phase change
  in the bench, with a full one (60 ms) now and then; they are what the
  full collection just after is for;
- the interpreter's own full collections come twenty times less often, a
  safety net for a long phase. The young generations keep CPython's
  thresholds: every event leaves a few dozen objects in cycles (Flask's
  request context keeps a routing exception and its traceback), and small,
  frequent young collections clear them in a millisecond or two, where a
  bigger young generation took 30-45 ms each time (measured).

Most objects are freed by reference counting the moment they are dropped;
the collector only finds cycles, so collecting them a little later costs
memory, not correctness.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..extensions import socketio

# The interpreter considers a full collection after this many collections
# of the middle generation (CPython's default: 10), and then only once the
# objects promoted since the last one are a quarter of the old ones.
FULL_AFTER = 200
# How long after a phase change the full collection runs: its snapshots have
# been written by then, and the next wave (drafts, votes) has not begun.
QUIET_AFTER_SECONDS = 1.5
# Rooms whose phase changed within this long count as several rooms at play.
BUSY_GAP_SECONDS = 60.0

_installed = False
_due = False
_recent: dict[int, float] = {}  # session → when its latest phase change went out here (monotonic)
_thaw_due = False  # objects were frozen while several rooms played: the next quiet collection walks them


def install() -> None:
    """Freeze what startup made and take over the timing of full collections."""
    global _installed
    gc.collect()
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_AFTER)
    _installed = True


@contextmanager
def paused() -> Iterator[None]:
    """No collection while a phase change goes out; the one after it (``collect_soon``) catches up.

    Only where ``install`` took over the timing (a serving process): a
    process that never collects later should not stop collecting now.
    Two rooms' phase changes can overlap at their yields: only the pause
    that turned the collector off turns it back on, so it is never left off.
    """
    if not _installed or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def collect_soon(session_id: int) -> None:
    """A phase change went out: collect (or, with several rooms at play, freeze) once the room has it."""
    global _due
    now = time.monotonic()
    _recent[session_id] = now
    for other, when in list(_recent.items()):
        if now - when > BUSY_GAP_SECONDS:
            del _recent[other]
    if not _installed or _due:
        return
    _due = True
    socketio.start_background_task(_collect_later)


def _collect_later() -> None:
    global _due, _thaw_due
    socketio.sleep(QUIET_AFTER_SECONDS)
    _due = False
    if len(_recent) > 1:
        # Several rooms at play: no moment is quiet for all of them.
        gc.freeze()
        _thaw_due = True
        return
    if _thaw_due:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _thaw_due = False
        return
    gc.collect()
