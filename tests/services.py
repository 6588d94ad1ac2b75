"""PostgreSQL and Redis for the scale-out tests, when the environment names them.

    TRAINER_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    TRAINER_TEST_REDIS_URL=redis://127.0.0.1:6379/5

`bash .ci/run` starts both (installing them from Debian when missing) and
sets these. Each test gets a database of its own, made here and dropped
after, so runs in parallel never share one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TRAINER_TEST_POSTGRES_URL"
REDIS_ENV = "TRAINER_TEST_REDIS_URL"
HOW = "`bash .ci/run` (or `make test` with {0} set, e.g. {1}) runs it"
EXAMPLES = {
    POSTGRES_ENV: "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    REDIS_ENV: "redis://127.0.0.1:6379/5",
}


def require(*names: str) -> list[str]:
    """The URLs named, or skip saying how to provide them."""
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.skip("needs " + " and ".join(missing) + ": " + "; ".join(
            HOW.format(n, EXAMPLES[n]) for n in missing))
    return [os.environ[n] for n in names]


@contextmanager
def fresh_database(server_url: str, prefix: str = "too_sandy_test") -> Iterator[str]:
    """A new, empty database on the server of ``server_url``; dropped afterwards."""
    import psycopg

    url = make_url(server_url)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
