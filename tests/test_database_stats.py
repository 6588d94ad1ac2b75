"""The database line a worker logs (trainer/database/stats.py) is the one the bench reads (bench/server.py)."""

from __future__ import annotations

import logging

from sqlalchemy import create_engine, text

from bench.server import database_figures
from trainer.database import stats


def test_the_logged_line_counts_statements_commits_and_checkouts_and_the_bench_reads_it(caplog, monkeypatch):
    engine = create_engine("sqlite://")
    stats.watch(engine)
    monkeypatch.setattr(stats, "EVERY_SECONDS", 3600.0)
    stats._counts = stats.Counts()
    for _ in range(3):
        with engine.begin() as connection:
            connection.execute(text("select 1"))
            connection.execute(text("select 2"))
    counts = stats.snapshot()
    assert counts.statements == 6
    assert counts.commits == 3
    assert counts.checkouts == 3 and len(counts.waits) == 3
    assert counts.most_out == 1 and counts.out == 0, "each connection went back"

    caplog.set_level(logging.INFO, logger=stats.__name__)
    monkeypatch.setattr(stats, "EVERY_SECONDS", 0.0)
    with engine.connect() as connection:
        connection.execute(text("select 3"))
    [line] = [r.getMessage() for r in caplog.records if r.name == stats.__name__]
    figures = database_figures([line])
    assert figures is not None, line
    assert figures["connections_out"] == 1
    assert figures["statements_per_s"] >= 0 and figures["pool_wait_p95_ms"] >= 0
