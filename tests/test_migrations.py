"""Flask-Migrate owns the schema: a database from the first release (made by
create_all, no version) upgrades with every session, player, reply and vote
intact, and the newest revision matches the models exactly."""

from __future__ import annotations

from datetime import datetime

import baseline_schema
import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, inspect, select, text

from trainer import create_app, paths
from trainer.database import search
from trainer.database.schema import BASELINE, current_revision
from trainer.extensions import db

# The newest revision, read from migrations/ itself: exactly one head.
HEAD = ScriptDirectory(str(paths.MIGRATIONS)).get_current_head()
NOW = datetime(2026, 1, 5, 10, 0, 0)


def make_app(url: str, **config):
    return create_app({
        "SECRET_KEY": "test-only", "ASYNC_MODE": "threading",
        "SQLALCHEMY_DATABASE_URI": url, **config,
    })


def first_release_database(path) -> str:
    """A database as the first release left it: its create_all, then a session's rows."""
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    baseline_schema.Base.metadata.create_all(engine)
    tables = baseline_schema.Base.metadata.tables
    rows = {
        "deck": [dict(id=1, slug="old", name="Old deck", language="en", description="d", enabled=True,
                      created_at=NOW, updated_at=NOW)],
        "card": [dict(id=i, deck_id=1, position=i, complaint=f"Complaint {i}", theme="hotel", difficulty=2,
                      coach_note=f"Note {i}", enabled=True) for i in (1, 2, 3)],
        "game_session": [dict(id=1, code="ABC234", host_token_hash="h" * 64, language="en", seed=7,
                              writing_seconds=420, voting_seconds=90, rounds_total=3, phase="results",
                              round_no=1, deadline=None, paused_remaining_ms=None, clock_version=4,
                              created_at=NOW, finished_at=None)],
        "session_deck": [dict(session_id=1, deck_id=1)],
        "player": [dict(id=i, session_id=1, name=f"P{i}", name_key=f"p{i}", token_hash=f"{i}" * 64,
                        first_round=1, removed=False, joined_at=NOW) for i in (1, 2, 3)],
        "reply": [dict(id=i, session_id=1, round_no=1, player_id=i, card_id=i, draft=f"draft {i}",
                       draft_saved_at=NOW, text=f"reply {i}", submitted_at=NOW) for i in (1, 2, 3)],
        "vote": [dict(id=1, session_id=1, round_no=1, voter_id=1, reply_id=2, cast_at=NOW),
                 dict(id=2, session_id=1, round_no=1, voter_id=2, reply_id=1, cast_at=NOW),
                 dict(id=3, session_id=1, round_no=1, voter_id=3, reply_id=1, cast_at=NOW)],
    }
    with engine.begin() as connection:
        for table in ("deck", "card", "game_session", "session_deck", "player", "reply", "vote"):
            connection.execute(insert(tables[table]), rows[table])
    engine.dispose()
    return url


# Dropped on purpose by 0003: projectors sign in, host tokens open nothing.
RETIRED = {("game_session", "host_token_hash")}


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every first-release table, in the first release's columns still in use."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {
            name: sorted(
                tuple(row)
                for row in connection.execute(select(*[c for c in table.columns if (name, c.name) not in RETIRED]))
            )
            for name, table in baseline_schema.Base.metadata.tables.items()
        }
    engine.dispose()
    return found


def test_first_release_database_upgrades_without_losing_a_row(tmp_path):
    url = first_release_database(tmp_path / "old.sqlite3")
    before = dump(url)
    assert len(before["vote"]) == 3 and len(before["reply"]) == 3
    assert "alembic_version" not in inspect(create_engine(url)).get_table_names()

    # The run command's path: create_app upgrades on start.
    app = make_app(url, LOAD_SHIPPED_DECKS=False)
    with app.app_context():
        assert current_revision() == HEAD
        assert db.session.execute(text("select owner_id from game_session")).scalar_one() is None
        # New flags arrive switched off: unlocked, unfiltered, every reply visible.
        assert db.session.execute(text("select locked, profanity_filter from game_session")).one() == (0, 0)
        assert set(db.session.execute(text("select hidden from reply")).scalars()) == {0}
        db.session.remove()
        db.engine.dispose()
    assert dump(url) == before

    # A second start finds nothing to do; the shipped decks join the old one.
    app = make_app(url)
    with app.app_context():
        assert current_revision() == HEAD
        db.engine.dispose()
    after = dump(url)
    assert sorted(row[1] for row in after["deck"]) == ["old", "starter-el", "starter-en", "starter-ru", "starter-uk"]
    assert {k: v for k, v in after.items() if k not in ("deck", "card")} == {
        k: v for k, v in before.items() if k not in ("deck", "card")
    }
    assert set(before["card"]) <= set(after["card"])


@pytest.mark.parametrize("removed, version", [(False, 0), (True, 1)])
def test_a_session_played_with_a_removal_is_never_taken_for_an_untouched_one(tmp_path, removed, version):
    # Votes trust ballots worked out while the moderation version stays put;
    # one at 0 means nobody was ever removed and nothing hidden.
    url = first_release_database(tmp_path / "old.sqlite3")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("update player set removed = :removed where id = 3"), {"removed": removed})
    engine.dispose()
    app = make_app(url, LOAD_SHIPPED_DECKS=False)
    with app.app_context():
        assert db.session.execute(text("select moderation_version from game_session")).scalar_one() == version
        db.session.remove()
        db.engine.dispose()


def test_foreign_keys_still_hold_after_the_upgrade(tmp_path):
    url = first_release_database(tmp_path / "old.sqlite3")
    make_app(url, LOAD_SHIPPED_DECKS=False)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        fks = {fk["referred_table"] for fk in inspect(connection).get_foreign_keys("game_session")}
        assert fks == {"user_account", "card", "team"}  # the trainer, the picked same-card, the team
    engine.dispose()


def test_baseline_revision_is_the_first_release_schema(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'b.sqlite3'}", SCHEMA="none", LOAD_SHIPPED_DECKS=False)
    with app.app_context():
        flask_migrate.upgrade(str(paths.MIGRATIONS), revision=BASELINE)
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), baseline_schema.Base.metadata) == []
        db.engine.dispose()


def test_newest_revision_matches_the_models(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'h.sqlite3'}", LOAD_SHIPPED_DECKS=False)
    with app.app_context():
        assert current_revision() == HEAD
        with db.engine.connect() as connection:
            # The library's search index lives beside the models (trainer/database/search.py).
            context = MigrationContext.configure(connection, opts={"include_object": search.not_the_index})
            assert compare_metadata(context, db.metadata) == []
            names = set(inspect(connection).get_table_names())
            assert search.FTS_TABLE in names, "the upgrade made the FTS5 index"
        db.engine.dispose()


def test_downgrade_to_the_baseline_keeps_the_rows(tmp_path):
    url = first_release_database(tmp_path / "old.sqlite3")
    before = dump(url)
    app = make_app(url, LOAD_SHIPPED_DECKS=False)
    with app.app_context():
        flask_migrate.downgrade(str(paths.MIGRATIONS), revision=BASELINE)
        assert "user_account" not in inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert dump(url) == before


@pytest.mark.parametrize("args", [["db", "current"], ["db", "upgrade"]])
def test_flask_db_commands_work(tmp_path, args):
    app = make_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", LOAD_SHIPPED_DECKS=False)
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert current_revision() == HEAD
        db.engine.dispose()
