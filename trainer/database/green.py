"""psycopg 3 under eventlet: wait for the database without blocking the hub.

psycopg waits for its socket with a C function (``wait_c``) that calls
poll() directly, so under eventlet one slow query would freeze every phone
on the worker. ``wait_select`` waits in ``select.select``, which eventlet's
monkey patching makes cooperative (it registers the socket with the hub, so
no FD_SETSIZE limit either). psycopg looks ``waiting.wait`` up on every
call, so swapping it here is enough. gevent needs none of this: psycopg
notices gevent's patching itself.

Called from wsgi.py, right after the monkey patching, like the rest of it.
"""

from __future__ import annotations


def use_green_wait() -> bool:
    """Make psycopg wait cooperatively; False if psycopg is not installed."""
    try:
        from psycopg import waiting
    except ImportError:
        return False
    waiting.wait = waiting.wait_select
    return True
