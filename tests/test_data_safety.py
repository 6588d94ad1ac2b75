"""SQLite settings that keep data safe, and consistent backups of a live database."""

from __future__ import annotations

import os
import sqlite3
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from trainer.extensions import db
from trainer.models import Player

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite-specific; this run uses another database"
)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(app):
    db.session.add(Player(session_id=987654, name="Ghost", name_key="ghost", token_hash="0" * 64))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_backup_copies_a_live_database_consistently(app, runner, seed, tmp_path):
    seeded = seed(players=3)
    stop = threading.Event()

    def keep_writing():
        # Another connection keeps the database busy while the backup runs.
        with app.app_context():
            n = 0
            while not stop.is_set():
                db.session.add(Player(session_id=seeded.game.id, name=f"w{n}", name_key=f"w{n}",
                                      token_hash=f"{n:064d}"))
                db.session.commit()
                n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = {row[0] for row in copy.execute("SELECT name FROM player")}
    assert {"Player 1", "Player 2", "Player 3"} <= names
    assert copy.execute("SELECT code FROM game_session").fetchone()[0] == seeded.game.code
    copy.close()


def test_backup_refuses_to_overwrite(app, runner, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_text("precious")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "precious"
