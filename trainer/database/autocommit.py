"""Requests whose one write is a single statement need no transaction around it.

psycopg 3 opens every transaction with a ``BEGIN`` of its own and ends it
with a ``COMMIT``: two round trips on top of the statements, and under
eventlet each round trip can wait for the hub to come round again, which
in a join storm at a thousand phones is tens of milliseconds. A join reads
its session and inserts one row, and the unique index on names, not a
transaction, is what keeps two joins apart; a phone's connect reads its
player and inserts one presence row. Both run with each statement
committing itself (SQLite's driver then sends no ``BEGIN`` either). Under
PostgreSQL's default isolation (read committed) every statement sees what
was committed when it started, inside a transaction or not, so the reads
lose nothing by it.
"""

from __future__ import annotations

from ..extensions import db


def each_statement_commits() -> None:
    """Until this request's next commit, every statement commits by itself.

    Call it before the request's first statement. The connection goes back
    to the pool at that commit and comes back out with the engine's own
    isolation level, so what the request does after the commit runs in an
    ordinary transaction again. Inside a transaction already under way (a
    test's, say, that shares the request's session) it changes nothing.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
