"""psycopg 3 under eventlet: wait for the database without blocking the hub.

psycopg waits for its socket with a C function (``wait_c``) that calls
poll() directly, so under eventlet one slow query would freeze every phone
on the worker. ``wait_select`` waits in ``select.select``, which eventlet's
monkey patching makes cooperative (it registers the socket with the hub, so
no FD_SETSIZE limit either). psycopg looks ``waiting.wait`` up on every
call, so swapping it here is enough. gevent needs none of this: psycopg
notices gevent's patching itself.

A cooperative wait has its own price: the greenlet goes to the back of the
hub's queue and runs again only when the hub comes round, after every other
greenlet that was ready. In a join storm, with hundreds of phones
connecting, that is a hundred milliseconds or more for each round trip,
while the database itself answers in a fraction of a millisecond. So each
wait first asks the socket itself, for at most ``BRIEF_WAIT_MS``: an answer
that comes that quickly is taken at once, as SQLite's are; a slower one
(a big query, a lock, a commit waiting for the disk) is waited for
cooperatively.

Called from wsgi.py, right after the monkey patching, like the rest of it.
"""

from __future__ import annotations

from collections.abc import Generator
from time import perf_counter
from typing import Any

# How long a query may hold the hub before it waits cooperatively: a
# round trip to a database on the same LAN answers well within it.
BRIEF_WAIT_MS = 3

# Seconds the brief waits have held the hub, and how many there were
# (trainer/database/stats.py writes them to the log).
held = {"seconds": 0.0, "waits": 0}


def use_green_wait() -> bool:
    """Make psycopg wait cooperatively; False if psycopg is not installed."""
    try:
        from psycopg import waiting
    except ImportError:
        return False
    cooperative = waiting.wait_select

    def wait(gen: Generator[Any, Any, Any], fileno: int, interval: float = 0.0, timeout: float | None = None) -> Any:
        return cooperative(_answered_briefly(gen, fileno), fileno, interval, timeout)

    waiting.wait = wait
    return True


def _answered_briefly(gen: Generator[Any, Any, Any], fileno: int) -> Generator[Any, Any, Any]:
    """``gen``, with every wait tried on the socket itself first; what is not ready passes on to the hub.

    psycopg's generators yield what they wait for (read, write) and are sent
    what is ready. After a cooperative wait that timed out with nothing
    ready (psycopg's interval, on a slow query), the next wait goes straight
    to the hub again: only a wait that follows progress is tried briefly.
    """
    from psycopg.waiting import READY_R, READY_W, WAIT_R, WAIT_W

    os_select = _unpatched_select()
    trouble = os_select.POLLERR | os_select.POLLHUP | os_select.POLLNVAL
    try:
        state = next(gen)
        brief = True
        while True:
            ready = 0
            if brief:
                poller = os_select.poll()
                poller.register(fileno, (os_select.POLLIN if state & WAIT_R else 0)
                                | (os_select.POLLOUT if state & WAIT_W else 0))
                started = perf_counter()
                answered = poller.poll(BRIEF_WAIT_MS)
                held["seconds"] += perf_counter() - started
                held["waits"] += 1
                for _fd, events in answered:
                    # A closed or broken socket is left to psycopg's own wait, which reports it.
                    if not events & trouble:
                        ready = (READY_R if events & os_select.POLLIN else 0) | (
                            READY_W if events & os_select.POLLOUT else 0)
            if not ready:
                ready = yield state
            brief = bool(ready)
            state = gen.send(ready)
    except StopIteration as done:
        return done.value


def _unpatched_select() -> Any:
    """The ``select`` module as it was before eventlet patched it (poll blocks for real)."""
    try:
        from eventlet.patcher import original
    except ImportError:
        import select

        return select
    return original("select")
