"""A database that cannot write (a full disk, a read-only file): the phone is
told its text is kept and sends it again, the projector gets one line, the
log says what to free, refused requests change nothing, and once writes work
again nothing typed is missing.

Here the database refuses with its own error: every new connection is made
read-only (SQLite's ``query_only``, PostgreSQL's read-only transactions). A
real disk filling up under the live server is in test_full_disk_live.py.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import contextmanager

import psycopg
import pytest
from socket_helpers import ack, events, last, start_round
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from trainer.extensions import db
from trainer.live import storage, sweeper
from trainer.models import Deck, Player, Reply, Vote

KEPT = "Your reply is kept on this phone and will be sent again by itself."


@contextmanager
def database_refuses_writes():
    engine = db.engine

    def read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()
        cursor.close()

    db.session.remove()
    engine.dispose()
    event.listen(engine, "connect", read_only)
    try:
        yield
    finally:
        event.remove(engine, "connect", read_only)
        db.session.remove()
        engine.dispose()


def stored(round_no: int = 1) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(
        select(Reply.player_id, Reply.draft, Reply.text).where(Reply.round_no == round_no).order_by(Reply.player_id)
    ).all()


def test_a_phone_is_told_its_reply_waits_and_it_lands_once_writes_work(app, seed, sockets, caplog):
    app.config["STORAGE_SETTLE_SECONDS"] = 0.3
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    events(host, "/host")
    first, second = (player.id for player, _ in seeded.players)
    before = stored()

    with database_refuses_writes(), caplog.at_level(logging.ERROR, logger="trainer.live.storage"):
        draft = ack(phones[0], "/play", "draft", {"round": 1, "text": "Sand is part of the charm, and"})
        submit = ack(phones[1], "/play", "submit", {"round": 1, "text": "I am so sorry about the sand."})
        assert draft == {"ok": False, "code": "storage_full", "error": draft["error"]}
        assert KEPT in draft["error"] and submit["code"] == "storage_full" and KEPT in submit["error"]
        # The trainer's own clicks are refused in a sentence too, not with a stack trace.
        extend = ack(host, "/host", "extend", {"seconds": 60})
        assert extend["code"] == "storage_full_retry" and "try again in a minute" in extend["error"]
        # The projector gets one line, once, however many phones were refused.
        assert [e["args"][0] for e in events(host, "/host", "storage")] == [{"full": True}]
        # Refused means unchanged.
        assert stored() == before
        # The log says what to free, once.
        lines = [r.getMessage() for r in caplog.records if r.name == "trainer.live.storage"]
        folder = str(db.engine.url.database).rsplit("/", 1)[0] if db.engine.url.get_backend_name() == "sqlite" else ""
        assert len(lines) == 1 and "cannot write" in lines[0] and folder in lines[0]
        assert "Traceback" not in caplog.text

    # Writes work again: the phones send what they kept, and nothing is missing.
    assert ack(phones[0], "/play", "draft", {"round": 1, "text": "Sand is part of the charm, and"})["ok"]
    assert last(host, "/host", "storage") == {"full": False}
    assert ack(phones[1], "/play", "submit", {"round": 1, "text": "I am so sorry about the sand."})["ok"]
    rows = {player_id: (draft, text_) for player_id, draft, text_ in stored()}
    assert rows[first][0] == "Sand is part of the charm, and"
    assert rows[second][1] == "I am so sorry about the sand."


def test_time_is_not_called_while_phones_are_still_resending(app, seed, sockets, fake_clock):
    app.config["STORAGE_SETTLE_SECONDS"] = 0.5
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    with database_refuses_writes():
        assert ack(phones[0], "/play", "draft", {"round": 1, "text": "Kept on the phone"})["code"] == "storage_full"
    # Writing time runs out during the outage.
    fake_clock.advance(minutes=8)
    assert sweeper.sweep_once() == 0
    assert last(phones[0], "/play", "snapshot")["phase"] == "writing"
    # The phone's resend lands while the phase is still open...
    assert ack(phones[0], "/play", "draft", {"round": 1, "text": "Kept on the phone"})["ok"]
    # ...and once nothing was refused for a while, the sweep calls time as usual.
    time.sleep(0.6)
    assert sweeper.sweep_once() == 1
    assert last(host, "/host", "snapshot")["phase"] == "voting"
    assert any(row.text == "Kept on the phone" for row in stored())


def test_a_refused_vote_changes_nothing_and_counts_once_when_sent_again(app, seed, sockets, fake_clock):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    for i, phone in enumerate(phones):
        assert ack(phone, "/play", "submit", {"round": 1, "text": f"reply {i}"})["ok"]
    ballot = last(phones[0], "/play", "snapshot")["ballot"]
    vote = {"reply_id": ballot[0]["id"], "request_id": "a" * 24}
    with database_refuses_writes():
        refused = ack(phones[0], "/play", "vote", vote)
        assert refused["code"] == "storage_full_retry" and "Nothing was changed" in refused["error"]
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 0
    assert ack(phones[0], "/play", "vote", vote)["ok"]
    assert ack(phones[0], "/play", "vote", vote)["ok"]  # the same request again: still one vote
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 1


def test_forms_and_the_join_api_say_so_in_the_readers_language(app, seed, admin_client, client):
    seeded = seed(players=1)
    code, session_id = seeded.game.code, seeded.game.id
    deck = db.session.scalars(select(Deck).order_by(Deck.id)).first()
    deck_id, name = deck.id, deck.name
    with database_refuses_writes():
        page = admin_client.post(f"/admin/decks/{deck_id}/edit",
                                 data={"name": "Renamed", "language": "en", "enabled": "y"},
                                 headers={"Accept-Language": "ru"}, follow_redirects=False)
        joined = client.post("/api/join", json={"code": code, "name": "Newcomer"},
                             headers={"Accept-Language": "el"})
    assert page.status_code == 503
    assert "Сервер сейчас не может сохранить" in page.get_data(as_text=True)
    assert joined.status_code == 503 and joined.json["code"] == "storage_full_retry"
    assert joined.json["error"].startswith("Ο διακομιστής")
    assert db.session.get(Deck, deck_id).name == name
    assert db.session.scalars(select(Player.name).where(Player.session_id == session_id)).all() == ["Player 1"]


def test_only_a_refused_write_counts_as_storage(tmp_path):
    # SQLite's real "database or disk is full", raised through SQLAlchemy.
    tiny = create_engine(f"sqlite:///{tmp_path / 'tiny.sqlite3'}")
    with tiny.connect() as conn:
        conn.execute(text("CREATE TABLE t (x BLOB)"))
        conn.commit()
        conn.execute(text("PRAGMA max_page_count = 3"))
        with pytest.raises(OperationalError) as full:
            conn.execute(text("INSERT INTO t VALUES (zeroblob(100000))"))
    tiny.dispose()
    assert storage.cannot_write(full.value)
    # Through a wrapper (the draft batch re-raises its writer's error as the cause).
    try:
        raise RuntimeError("draft batch failed") from full.value
    except RuntimeError as wrapped:
        assert storage.cannot_write(wrapped)
    # PostgreSQL's disk_full and read-only transactions, by SQLSTATE; the OS's ENOSPC.
    assert storage.cannot_write(psycopg.errors.DiskFull("could not extend file"))
    assert storage.cannot_write(psycopg.errors.ReadOnlySqlTransaction("read-only transaction"))
    assert storage.cannot_write(OSError(28, "No space left on device"))
    # Everything else is somebody's bug, not the disk.
    assert not storage.cannot_write(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")))
    assert not storage.cannot_write(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: t")))
    assert not storage.cannot_write(psycopg.errors.UniqueViolation("duplicate key"))
    assert not storage.cannot_write(ValueError("database or disk is full"))


def test_a_connection_cut_by_a_database_restart_is_replaced_not_refused(app, seed, sockets):
    """PostgreSQL restarted: the pooled connections are dead, and the first event to find out is served anyway."""
    if db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only (the PostgreSQL pass of `make test` runs it): SQLite has no server to restart")
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    # What a restart does to this app's connections: the server ends them.
    outside = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with outside.connect() as admin:
        cut = admin.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    outside.dispose()
    assert cut >= 1
    answer = ack(phones[0], "/play", "draft", {"round": 1, "text": "Written across a restart"})
    assert answer == {"ok": True}
    assert "Written across a restart" in [row.draft for row in stored()]


def test_no_free_connection_is_a_wait_the_phone_rides_out_not_an_internal_error(
        app, seed, sockets, monkeypatch, caplog):
    """A worker past what its pool takes (the bench's 40 rooms of 50 on two
    workers did it): the handler that waited pool_timeout for a connection
    answers as for an outage, so the phone keeps its reply and sends it again."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from trainer.live import rounds

    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    real_submit = rounds.apply_submit

    def pool_exhausted(*_args, **_kwargs):
        raise PoolTimeout("QueuePool limit of size 20 overflow 20 reached, connection timed out, timeout 30.00")

    monkeypatch.setattr(rounds, "apply_submit", pool_exhausted)  # submits are written in batches (live/submits.py)
    with caplog.at_level(logging.WARNING):
        answer = ack(phones[0], "/play", "submit", {"round": 1, "text": "Kept through the rush"})
    assert answer["code"] == "storage_full" and KEPT in answer["error"]
    assert "no free database connection" in caplog.text and "Traceback" not in caplog.text
    assert events(phones[0], "/play", "problem") == [], "not the internal error's notice"
    assert [row.text for row in stored()] == [None, None]

    monkeypatch.setattr(rounds, "apply_submit", real_submit)
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": "Kept through the rush"})["ok"]
    assert "Kept through the rush" in [row.text for row in stored()]
