"""Under eventlet a slow PostgreSQL query must not freeze the other phones."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from live import ROOT
from services import POSTGRES_ENV, fresh_database, require
from sqlalchemy import text

from trainer import create_app
from trainer.config import DATABASE_POOL
from trainer.database import pool
from trainer.extensions import db

pytestmark = pytest.mark.live


@pytest.fixture
def pg_url():
    (server,) = require(POSTGRES_ENV)
    with fresh_database(server, "too_sandy_green") as url:
        yield url


def probe(url: str, wait: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "pg_probe.py"), url, wait],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_slow_query_does_not_stall_the_hub_with_the_green_wait(pg_url):
    green = probe(pg_url, "green")
    assert green["ticks"] == 30
    assert green["max_gap"] < 0.4, f"the hub stalled {green['max_gap']:.2f} s during pg_sleep(1)"


def test_a_quick_query_is_answered_without_waiting_for_the_hub(pg_url):
    """In a join storm each trip round the hub costs a phone tens of milliseconds."""
    assert probe(pg_url, "green")["yields_per_quick_query"] < 0.5
    # The control: psycopg's cooperative wait gives the hub away on every query.
    assert probe(pg_url, "select")["yields_per_quick_query"] >= 1


def test_the_probe_sees_the_c_wait_block_the_hub(pg_url):
    """The control: psycopg's default wait does freeze everything for the query."""
    assert probe(pg_url, "c")["max_gap"] > 0.8


def test_a_worker_opens_its_database_pool_when_it_starts(pg_url):
    """Not while the first room joins: forty connections opened mid-storm cost the joins (bench)."""
    app = create_app({"SECRET_KEY": "test-only", "ASYNC_MODE": "threading", "LOAD_SHIPPED_DECKS": False,
                      "SQLALCHEMY_DATABASE_URI": pg_url})
    with app.app_context():
        try:
            assert pool.fill(db.engine) == DATABASE_POOL["pool_size"]
            assert db.engine.pool.checkedin() == DATABASE_POOL["pool_size"]
            open_on_server = db.session.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            )
            assert open_on_server >= DATABASE_POOL["pool_size"]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_opens_nothing_ahead(app):
    assert pool.fill(db.engine) == 0
