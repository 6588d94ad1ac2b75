"""Submits and votes that arrive together share one count of the room.

The rest of the suite counts at once (ROOM_CHECK_SECONDS = 0); here the
count waits as it does in production, and must still name every submitter,
count every vote and end the phase once the last one is in.
"""

from __future__ import annotations

import time

import pytest
from flask import current_app
from socket_helpers import ack, events, start_round
from sqlalchemy import select

from trainer.clock import utcnow
from trainer.extensions import db
from trainer.models import GameSession, Reply

DELAY = 0.3


@pytest.fixture
def coalescing(app):
    app.config["ROOM_CHECK_SECONDS"] = DELAY


def collect(sock, namespace, name, until, timeout=5.0):
    """Every ``name`` event received until ``until(events so far)`` holds."""
    found: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found += [e["args"][0] for e in events(sock, namespace, name)]
        if until(found):
            return found
        time.sleep(0.02)
    raise AssertionError(f"{name}: only {found}")


def test_submits_share_one_count_that_names_each_submitter(seed, sockets, coalescing):
    seeded = seed(players=3, rounds_total=1)
    host, phones = sockets.room(seeded)
    start_round(host)
    for sock, namespace in [(host, "/host")] + [(p, "/play") for p in phones]:
        sock.get_received(namespace)

    for phone in phones[:2]:
        assert ack(phone, "/play", "submit", {"round": 1, "text": "We hear you"})["ok"]
    # The acks came back before any count was made.
    assert events(host, "/host", "progress") == []
    progress = collect(host, "/host", "progress", lambda found: found)
    assert progress == [{"submitted": 2, "total": 3, "player_ids": sorted(p.id for p, _ in seeded.players[:2])}]

    assert ack(phones[2], "/play", "submit", {"round": 1, "text": "We are sorry"})["ok"]
    snapshots = collect(host, "/host", "snapshot", lambda found: any(s["phase"] == "voting" for s in found))
    assert [s["phase"] for s in snapshots] == ["voting"], "writing closed once"
    assert events(host, "/host", "progress") == [], "a closed phase is announced, not counted"


def test_votes_share_one_count_and_the_last_closes_voting(seed, sockets, coalescing):
    seeded = seed(players=3, rounds_total=1)
    host, phones = sockets.room(seeded)
    start_round(host)
    for i, phone in enumerate(phones):
        assert ack(phone, "/play", "submit", {"round": 1, "text": f"reply {i}"})["ok"]
    collect(phones[0], "/play", "snapshot", lambda found: any(s["phase"] == "voting" for s in found))
    # Handlers here share the test's app context, so its session, whose read
    # transaction began before the check thread closed writing; a real
    # event gets a session of its own.
    db.session.rollback()
    host.get_received("/host")
    reply_of = {r.player_id: r.id for r in db.session.scalars(select(Reply))}
    own = [reply_of[player.id] for player, _ in seeded.players]

    for voter, choices in ((0, (1, 2)), (1, (0, 2))):
        for choice in choices:
            answer = ack(phones[voter], "/play", "vote", {"reply_id": own[choice]})
            assert answer["ok"], answer
    progress = collect(host, "/host", "progress", lambda found: found and found[-1]["voted"] == 2)
    assert len(progress) < 4, "four votes were counted one by one"

    for choice in (0, 1):
        assert ack(phones[2], "/play", "vote", {"reply_id": own[choice]})["ok"]
    results = collect(host, "/host", "snapshot", lambda found: any(s["phase"] == "results" for s in found))
    assert [s["phase"] for s in results] == ["results"]
    assert {r["votes"] for r in results[0]["replies"]} == {2}


def test_one_check_counts_several_rooms_and_each_projector_hears_its_own(app, seed, sockets, coalescing, monkeypatch):
    from trainer.live import early_end

    checked: list[set[int]] = []
    real = early_end.check_rooms

    def check_rooms(due):
        if current_app._get_current_object() is app:  # not a check an earlier test left sleeping
            checked.append(set(due))
        return real(due)

    monkeypatch.setattr(early_end, "check_rooms", check_rooms)
    rooms = [seed(players=3, rounds_total=1), seed(players=2, rounds_total=1, names=["Ana", "Bo"])]
    opened = [sockets.room(seeded) for seeded in rooms]
    for host, phones in opened:
        start_round(host)
        for sock, namespace in [(host, "/host")] + [(p, "/play") for p in phones]:
            sock.get_received(namespace)

    (host_a, phones_a), (host_b, phones_b) = opened
    assert ack(phones_a[0], "/play", "submit", {"round": 1, "text": "We hear you"})["ok"]
    assert ack(phones_b[1], "/play", "submit", {"round": 1, "text": "Our apologies"})["ok"]
    progress_a = collect(host_a, "/host", "progress", lambda found: found)
    progress_b = collect(host_b, "/host", "progress", lambda found: found)
    assert progress_a == [{"submitted": 1, "total": 3, "player_ids": [rooms[0].players[0][0].id]}]
    assert progress_b == [{"submitted": 1, "total": 2, "player_ids": [rooms[1].players[1][0].id]}]
    assert checked == [{rooms[0].game.id, rooms[1].game.id}], "one check served both rooms"


def test_a_check_costs_the_same_queries_for_one_room_or_many(app, seed, sockets):
    """The design's point: forty rooms are not forty times the round trips (issue 29)."""
    from sqlalchemy import event

    from trainer.live import early_end

    rooms = [seed(players=3, rounds_total=1) for _ in range(4)]
    for seeded in rooms:
        host, phones = sockets.room(seeded)
        start_round(host)
        assert ack(phones[0], "/play", "submit", {"round": 1, "text": "We hear you"})["ok"]
    writing = {seeded.game.id: set() for seeded in rooms}

    def statements(due):
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            early_end.check_rooms(due)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted)

    one = statements({rooms[0].game.id: set()})
    many = statements(writing)
    assert one > 0 and many == one, (one, many)


def test_a_room_that_fails_to_close_does_not_keep_the_others_open(app, seed, monkeypatch, caplog):
    from trainer.live import early_end, rounds

    rooms = [seed(players=2, rounds_total=1) for _ in range(2)]
    for seeded in rooms:
        rounds.advance(seeded.game, utcnow())
        for player, _ in seeded.players:
            rounds.submit(player, seeded.game, 1, "We are sorry: a towel is on its way", utcnow())
    broken, fine = (seeded.game.id for seeded in rooms)
    real = rounds.close_phase

    def close_phase(session, now):
        if session.id == broken:
            raise RuntimeError("as if the database said no")
        return real(session, now)

    monkeypatch.setattr(rounds, "close_phase", close_phase)
    # Nobody is connected, so both rooms count as done: one check for both.
    early_end.check_rooms({broken: set(), fine: set()})
    db.session.expire_all()
    phases = dict(db.session.execute(select(GameSession.id, GameSession.phase)).all())
    assert phases == {broken: "writing", fine: "voting"}
    assert "room check of session" in caplog.text


def test_a_room_another_worker_moved_on_meanwhile_is_not_closed_again(app, seed, monkeypatch):
    """Counted in writing; by the time the check closes it, another worker has opened voting: voting stays open."""
    from trainer.live import announce, early_end, rounds

    seeded = seed(players=2, rounds_total=1)
    rounds.advance(seeded.game, utcnow())
    for player, _ in seeded.players:
        rounds.submit(player, seeded.game, 1, "We are sorry: a towel is on its way", utcnow())
    session_id = seeded.game.id
    real = announce.progress_each

    def another_worker_closes_writing(counted):
        with app.app_context():  # a session of its own, as another worker's
            other = db.session.get(GameSession, session_id)
            assert rounds.close_phase(other, utcnow()) is not None
            db.session.remove()
        return real(counted)

    monkeypatch.setattr(announce, "progress_each", another_worker_closes_writing)
    early_end.check_rooms({session_id: set()})
    db.session.expire_all()
    assert db.session.get(GameSession, session_id).phase == "voting", "the voting the check never counted goes on"



def test_the_writing_count_finds_each_phone_by_its_player(tmp_path):
    """Each unsent reply's phone is one index lookup, not a walk through the room's phones.

    With the session in the lookup, SQLite (on the schema the migrations
    build) walked every phone of the room for every unsent reply: a check of
    a 2,000-phone room blocked the hub for a third of a second, four times a
    second while the replies came in (issue 28).
    """
    from sqlalchemy.dialects import sqlite

    from trainer import create_app
    from trainer.live import early_end

    migrated = create_app({"SECRET_KEY": "test-only", "ASYNC_MODE": "threading", "SCHEMA": "upgrade",
                           "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite3'}"})
    query = early_end._WRITTEN.where(Reply.session_id.in_([1]))
    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with migrated.app_context():
        plan = [row[-1] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
        db.engine.dispose()
    lookups = [step for step in plan if "presence" in step]
    assert lookups and all("player_id=?" in step for step in lookups), plan
