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
  nobody is waiting for an answer;
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

_installed = False
_due = False


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


def collect_soon() -> None:
    """A phase change went out: collect once the room has it (many changes, one collection)."""
    global _due
    if not _installed or _due:
        return
    _due = True
    socketio.start_background_task(_collect_later)


def _collect_later() -> None:
    global _due
    socketio.sleep(QUIET_AFTER_SECONDS)
    _due = False
    gc.collect()
