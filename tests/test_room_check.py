"""Submits and votes that arrive together share one count of the room.

The rest of the suite counts at once (ROOM_CHECK_SECONDS = 0); here the
count waits as it does in production, and must still name every submitter,
count every vote and end the phase once the last one is in.
"""

from __future__ import annotations

import time

import pytest
from socket_helpers import ack, events, start_round
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Reply

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
