"""Backups without thinking: a daily copy, the newest N kept, on demand from
the admin pages, and a restore that checks the file before it replaces anything."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import flask_migrate
import pytest
from conftest import make_user, sign_in

from trainer import paths
from trainer.database.backup import (
    BackupError,
    backups_in,
    check_backup,
    is_due,
    restore_sqlite,
    take_backup,
    take_if_due,
)
from trainer.database.schema import known_revisions
from trainer.extensions import db
from trainer.models import Deck

NOW = datetime(2026, 11, 24, 3, 0, 0)
DAY = timedelta(days=1)


@pytest.fixture
def folder(tmp_path, app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite backups; PostgreSQL uses pg_dump (docs/deploy.md)")
    # Tests make tables with create_all; a real database carries its revision.
    flask_migrate.stamp(str(paths.MIGRATIONS))
    return tmp_path / "backups"


def age(path: Path, by: timedelta) -> None:
    """Make a backup look ``by`` older than it is."""
    stamp = path.stat().st_mtime - by.total_seconds()
    os.utime(path, (stamp, stamp))


def test_a_backup_is_due_when_there_is_none_or_the_newest_is_a_day_old(folder):
    assert is_due(folder, datetime.utcnow(), DAY)
    first = take_if_due(db.engine, folder, datetime.utcnow(), DAY, keep=7)
    assert first is not None and first.exists()
    assert not is_due(folder, datetime.utcnow(), DAY)
    assert take_if_due(db.engine, folder, datetime.utcnow(), DAY, keep=7) is None  # another worker, same day
    age(first, DAY + timedelta(minutes=1))
    assert is_due(folder, datetime.utcnow(), DAY)


def test_only_the_newest_are_kept(folder):
    for day in range(9):
        take_backup(db.engine, folder, NOW + day * DAY, keep=7)
    kept = backups_in(folder)
    assert len(kept) == 7
    assert kept[0].name == f"too-sandy-{NOW + 8 * DAY:%Y%m%d-%H%M%S}.sqlite3"
    assert kept[-1].name == f"too-sandy-{NOW + 2 * DAY:%Y%m%d-%H%M%S}.sqlite3"


def test_a_backup_is_a_whole_database_that_passes_the_restore_check(folder):
    taken = take_backup(db.engine, folder, NOW, keep=7)
    assert check_backup(taken, known_revisions()) == max(known_revisions())
    with sqlite3.connect(taken) as copy:
        assert copy.execute("SELECT count(*) FROM deck").fetchone()[0] == db.session.query(Deck).count()


@pytest.mark.parametrize("content, reason", [
    (b"not a database at all" * 100, "not a Too Sandy database"),
    (None, "not a Too Sandy database"),  # SQLite, but someone else's
])
def test_restore_refuses_a_file_it_cannot_trust_and_changes_nothing(tmp_path, content, reason):
    live = tmp_path / "live.sqlite3"
    live.write_bytes(b"the live database")
    bad = tmp_path / "bad.sqlite3"
    if content is None:
        with sqlite3.connect(bad) as other:
            other.execute("CREATE TABLE notes (text)")
    else:
        bad.write_bytes(content)
    with pytest.raises(BackupError) as refused:
        restore_sqlite(live, bad, {"0001"}, NOW)
    assert reason in str(refused.value) and "nothing was changed" in str(refused.value)
    assert live.read_bytes() == b"the live database"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.sqlite3", "live.sqlite3"]


def test_restore_refuses_a_damaged_copy(folder, tmp_path):
    taken = take_backup(db.engine, folder, NOW, keep=7)
    data = bytearray(taken.read_bytes())
    page = 4096
    data[page * 2: page * 2 + 200] = b"\xff" * 200  # scribble over a table page
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError) as refused:
        check_backup(damaged, known_revisions())
    assert "nothing was changed" in str(refused.value)


def test_the_cli_restores_a_backup_and_keeps_the_replaced_database(app, folder):
    taken = take_backup(db.engine, folder, NOW, keep=7)
    decks_then = db.session.query(Deck).count()
    db.session.add(Deck(slug="added-later", name="Added after the backup", language="en"))
    db.session.commit()
    db.session.remove()
    live = Path(db.engine.url.database)
    result = app.test_cli_runner().invoke(args=["restore", str(taken)])
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert list(live.parent.glob(f"{live.name}.before-restore-*"))
    db.engine.dispose()
    assert db.session.query(Deck).count() == decks_then


def test_the_cli_refuses_a_corrupt_file(app, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"\x00" * 5000)
    result = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code == 1 and "nothing was changed" in result.output


def test_admins_back_up_on_demand_and_see_the_list(app, client, folder):
    app.config["BACKUP_FOLDER"] = str(folder)
    sign_in(client, make_user("ada", "admin"))
    answer = client.post("/admin/backups", follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "taken." in page
    assert len(backups_in(folder)) == 1 and backups_in(folder)[0].name in page


def test_trainers_cannot_take_or_see_backups(app, client, folder):
    app.config["BACKUP_FOLDER"] = str(folder)
    sign_in(client, make_user("trainer"))
    assert client.get("/admin/backups").status_code == 403
    assert client.post("/admin/backups").status_code == 403
    assert not folder.exists() or backups_in(folder) == []


def test_restore_refuses_a_database_from_an_unknown_version(tmp_path):
    live = tmp_path / "live.sqlite3"
    live.write_bytes(b"the live database")
    future = tmp_path / "future.sqlite3"
    with sqlite3.connect(future) as other:
        other.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        other.execute("INSERT INTO alembic_version VALUES ('9999')")
    with pytest.raises(BackupError) as refused:
        restore_sqlite(live, future, known_revisions(), NOW)
    assert "doesn't know" in str(refused.value)
    assert live.read_bytes() == b"the live database"
