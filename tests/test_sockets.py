"""Whole rounds through the real Socket.IO server (Flask-SocketIO's test client)."""

from __future__ import annotations

from datetime import UTC

import pytest
from socket_helpers import ack, events, last, start_round, submit_all
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.live import sweeper
from trainer.models import Reply, Vote


def test_connect_answers_with_a_full_snapshot(seed, sockets, fake_clock):
    seeded = seed(players=1)
    phone = sockets.phone(seeded.tokens[0])
    snap = last(phone, "/play", "snapshot")
    assert snap["phase"] == "lobby"
    assert snap["me"]["name"] == "Player 1"
    assert snap["server_now"] == int(fake_clock.now.replace(tzinfo=UTC).timestamp() * 1000)
    host = sockets.host(seeded)
    host_snap = last(host, "/host", "snapshot")
    assert [p["name"] for p in host_snap["players"]] == ["Player 1"]


def test_a_whole_round_with_a_host_and_three_players(seed, sockets, fake_clock):
    seeded = seed(players=3, rounds_total=1)
    host, phones = sockets.room(seeded)
    host.get_received("/host")
    for phone in phones:
        phone.get_received("/play")

    start_round(host)
    writing = [last(p, "/play", "snapshot") for p in phones]
    assert {s["phase"] for s in writing} == {"writing"}
    cards = [s["card"]["complaint"] for s in writing]
    assert len(set(cards)) == 3, "each player gets a different card"
    assert all(s["deadline"] - s["server_now"] == 7 * 60 * 1000 for s in writing)
    assert last(host, "/host", "snapshot")["progress"] == {"submitted": 0, "total": 3}

    # Drafts autosave; the projector hears nothing about keystrokes.
    assert ack(phones[0], "/play", "draft", {"round": 1, "text": "We are so sorry"}) == {"ok": True}
    assert events(host, "/host") == []
    # Reconnecting gives the same card and the saved draft back.
    phones[0].disconnect(namespace="/play")
    phones[0] = sockets.phone(seeded.tokens[0])
    again = last(phones[0], "/play", "snapshot")
    assert again["card"] == writing[0]["card"] and again["draft"] == "We are so sorry"

    answer = ack(phones[0], "/play", "submit", {"round": 1, "text": "  We are so sorry, truly.  "})
    assert answer == {"ok": True, "submitted": "We are so sorry, truly."}
    assert last(host, "/host", "progress")["submitted"] == 1
    # Editing and resubmitting is allowed until writing ends.
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": "Better reply"})["ok"]
    assert ack(phones[1], "/play", "submit", {"round": 1, "text": "Reply two"})["ok"]
    assert ack(phones[2], "/play", "submit", {"round": 1, "text": "Reply three"})["ok"]

    # Everyone submitted: writing ends at once.
    voting = [last(p, "/play", "snapshot") for p in phones]
    assert {s["phase"] for s in voting} == {"voting"}
    host_voting = last(host, "/host", "snapshot")
    assert sorted(r["text"] for r in host_voting["replies"]) == ["Better reply", "Reply three", "Reply two"]
    assert all("author" not in r for r in host_voting["replies"])
    for snap in voting:
        assert len(snap["ballot"]) == 2 and snap["votes_allowed"] == 2
    reply_of = {r.player_id: r.id for r in db.session.scalars(select(Reply))}
    own = {i: reply_of[seeded.players[i][0].id] for i in range(3)}
    for i, snap in enumerate(voting):
        assert own[i] not in [r["id"] for r in snap["ballot"]], "never your own reply"

    # Player 1 and 3 vote for player 2; player 2 votes for player 1 and 3.
    assert ack(phones[0], "/play", "vote", {"reply_id": own[1]}) == {"ok": True, "my_votes": [own[1]]}
    assert ack(phones[0], "/play", "vote", {"reply_id": own[2]})["ok"]
    assert ack(phones[0], "/play", "unvote", {"reply_id": own[2]}) == {"ok": True, "my_votes": [own[1]]}
    assert ack(phones[0], "/play", "vote", {"reply_id": own[2]})["ok"]
    assert ack(phones[1], "/play", "vote", {"reply_id": own[0]})["ok"]
    assert ack(phones[1], "/play", "vote", {"reply_id": own[2]})["ok"]
    assert last(host, "/host", "progress") == {"voted": 2, "total": 3}
    assert ack(phones[2], "/play", "vote", {"reply_id": own[1]})["ok"]
    assert ack(phones[2], "/play", "vote", {"reply_id": own[0]})["ok"]

    results = last(host, "/host", "snapshot")
    assert results["phase"] == "results"
    by_author = {r["author"]: r for r in results["replies"]}
    assert by_author["Player 2"]["votes"] == 2 and by_author["Player 2"]["points"] == 200
    # Three replies with two votes each: a three-way tie shares the round.
    assert all(r["best"] for r in results["replies"])
    assert all(r["coach_note"] for r in results["replies"])
    assert [row["score"] for row in results["leaderboard"]] == [200, 200, 200]
    assert [row["rank"] for row in results["leaderboard"]] == [1, 1, 1]
    mine = last(phones[1], "/play", "snapshot")
    assert mine["round_points"] == 200 and mine["rank"] == 1 and mine["card"]["coach_note"]

    # The only round was the last: next shows the podium.
    start_round(host)
    final = last(host, "/host", "snapshot")
    assert final["phase"] == "finished" and len(final["podium"]) == 3
    assert last(phones[0], "/play", "snapshot")["phase"] == "finished"


def test_other_sessions_rooms_receive_nothing(seed, sockets, fake_clock):
    busy, quiet = seed(players=2), seed(players=1)
    busy_host, quiet_host = sockets.host(busy), sockets.host(quiet)
    busy_phone, _other_busy_phone = sockets.phone(busy.tokens[0]), sockets.phone(busy.tokens[1])
    quiet_phone = sockets.phone(quiet.tokens[0])
    quiet_host.get_received("/host")
    quiet_phone.get_received("/play")

    start_round(busy_host)
    ack(busy_phone, "/play", "submit", {"round": 1, "text": "hello"})
    ack(busy_host, "/host", "extend", {"seconds": 60})
    ack(busy_host, "/host", "end_phase")

    assert events(quiet_host, "/host") == []
    assert events(quiet_phone, "/play") == []
    assert last(busy_phone, "/play", "snapshot")["phase"] == "voting"


def test_deadline_closes_writing_once_and_keeps_unsubmitted_drafts(seed, sockets, fake_clock):
    seeded = seed(players=2, writing_minutes=1)
    host, phones = sockets.room(seeded)
    start_round(host)
    ack(phones[0], "/play", "draft", {"round": 1, "text": "never sent, still counts"})
    ack(phones[1], "/play", "draft", {"round": 1, "text": "   "})

    fake_clock.advance(seconds=60)
    assert sweeper.sweep_once() == 0, "a grace period lets the last draft arrive"
    fake_clock.advance(seconds=3)
    host.get_received("/host")
    assert sweeper.sweep_once() == 1
    assert sweeper.sweep_once() == 0, "closed exactly once"
    snapshots = events(host, "/host", "snapshot")
    assert len(snapshots) == 1, "announced exactly once"
    snap = snapshots[0]["args"][0]
    assert snap["phase"] == "voting"
    assert [r["text"] for r in snap["replies"]] == ["never sent, still counts"]


def test_timer_controls_reach_projector_and_phones(seed, sockets, fake_clock):
    seeded = seed(players=1)
    host = sockets.host(seeded)
    phone = sockets.phone(seeded.tokens[0])
    start_round(host)
    deadline = last(phone, "/play", "snapshot")["deadline"]

    assert ack(host, "/host", "extend", {"seconds": 60}) == {"ok": True}
    assert last(phone, "/play", "timer")["deadline"] == deadline + 60_000
    fake_clock.advance(seconds=30)
    assert ack(host, "/host", "pause") == {"ok": True}
    paused = last(host, "/host", "timer")
    assert paused["deadline"] is None and paused["paused_remaining"] == (8 * 60 - 30) * 1000
    assert ack(host, "/host", "pause")["code"] == "already_paused"
    fake_clock.advance(minutes=10)
    assert sweeper.sweep_once() == 0, "a paused round never runs out"
    assert ack(host, "/host", "resume") == {"ok": True}
    resumed = last(phone, "/play", "timer")
    assert resumed["deadline"] - resumed["server_now"] == (8 * 60 - 30) * 1000


def test_removing_a_player_frees_the_name_and_kills_the_token(seed, sockets, client, fake_clock):
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    ack(phones[0], "/play", "submit", {"round": 1, "text": "done"})
    gone = seeded.players[1][0]

    assert ack(host, "/host", "remove_player", {"player_id": gone.id}) == {"ok": True}
    assert events(phones[1], "/play", "removed")
    assert last(host, "/host", "player_left") == {"id": gone.id}
    # The removed player was the only one still writing: the round moves on.
    assert last(phones[0], "/play", "snapshot")["phase"] in ("voting", "results")
    assert ack(phones[1], "/play", "sync")["code"] == "not_player"
    refused = sockets.phone(seeded.tokens[1])
    assert not refused.is_connected("/play")
    answer = client.post("/api/join", json={"code": seeded.game.code, "name": "player 2"})
    assert answer.status_code == 201


def test_joining_mid_round_plays_from_the_next_round(seed, sockets, client, fake_clock):
    seeded = seed(players=1)
    host = sockets.host(seeded)
    start_round(host)
    host.get_received("/host")
    answer = client.post("/api/join", json={"code": seeded.game.code.lower(), "name": "Late <b>Larry</b>"})
    assert answer.status_code == 201
    joined = last(host, "/host", "player_joined")
    assert joined["name"] == "Late <b>Larry</b>" and joined["first_round"] == 2
    phone = sockets.phone(answer.get_json()["token"])
    snap = last(phone, "/play", "snapshot")
    assert snap["phase"] == "writing" and snap["playing"] is False and "card" not in snap
    assert ack(phone, "/play", "draft", {"round": 1, "text": "x"})["code"] == "sitting_out"


def test_votes_are_stored_once_and_scores_equal_votes(seed, sockets, fake_clock):
    seeded = seed(players=4)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    ballot = last(phones[0], "/play", "snapshot")["ballot"]
    target = ballot[0]["id"]
    assert ack(phones[0], "/play", "vote", {"reply_id": target})["ok"]
    assert ack(phones[0], "/play", "vote", {"reply_id": target})["code"] == "already_voted"
    assert db.session.scalar(select(func.count(Vote.id))) == 1


def test_every_snapshot_and_timer_carries_the_clock_version(app, seed, sockets):
    """Screens drop a change older than one they drew (two workers can cross in Redis)."""
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    first = last(phones[0], "/play", "snapshot")["version"]
    ack(host, "/host", "next")
    writing = last(phones[0], "/play", "snapshot")
    assert writing["phase"] == "writing" and writing["version"] > first
    assert last(host, "/host", "snapshot")["version"] == writing["version"]
    ack(host, "/host", "extend", {"seconds": 60})
    timer = last(phones[1], "/play", "timer")
    assert timer["version"] > writing["version"]
    assert ack(phones[1], "/play", "sync")["snapshot"]["version"] == timer["version"]


def test_packets_are_written_as_the_standard_library_would_read_them_back():
    from collections import namedtuple

    from trainer.sockets import codec

    Pair = namedtuple("Pair", "reply criterion")
    sent = codec.dumps(["snapshot", {"awards": {7: [Pair(3, 1)]}, "name": "Ολυμπία"}], separators=(",", ":"))
    assert sent == '["snapshot",{"awards":{"7":[[3,1]]},"name":"Ολυμπία"}]'
    assert codec.loads(sent) == ["snapshot", {"awards": {"7": [[3, 1]]}, "name": "Ολυμπία"}]
    # Past orjson's 64 bits: written as the standard library writes it.
    assert codec.dumps({"round": -(2**63) - 1}) == '{"round":-9223372036854775809}'
    with pytest.raises(TypeError, match="not JSON serializable"):
        codec.dumps({"ids": {1, 2}})


def test_the_server_never_searches_its_packets_for_bytes(seed, sockets, fake_clock, monkeypatch):
    """A thousand ballots were each walked value by value for bytes before being written."""
    from socketio import packet

    from trainer.extensions import socketio
    from trainer.sockets import codec

    searched: list[str] = []
    search = packet.Packet.data_is_binary

    def spy(cls, data):
        if isinstance(data, list) and data and isinstance(data[0], str):
            searched.append(data[0])
        return search(data)

    # The test clients' own packets (connect, submit) are still searched: they are the client's.
    monkeypatch.setattr(packet.Packet, "data_is_binary", classmethod(spy))
    assert socketio.server.packet_class is codec.Packet
    seeded = seed(players=3, rounds_total=1)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    ballots = [last(p, "/play", "snapshot")["ballot"] for p in phones]
    assert [len(b) for b in ballots] == [2, 2, 2]
    assert "submit" in searched and "snapshot" not in searched
    # Nothing the server sends is bytes; were it to, it is refused, not sent garbled.
    with pytest.raises(TypeError, match="not JSON serializable"):
        codec.Packet(packet.EVENT, data=["snapshot", {"photo": b"\x89PNG"}], namespace="/play").encode()
    # A client's binary event is still read: reading never used the search.
    incoming = codec.Packet(encoded_packet='51-/play,["upload",{"_placeholder":true,"num":0}]')
    assert incoming.packet_type == packet.BINARY_EVENT and incoming.attachment_count == 1
    assert incoming.add_attachment(b"\x00\x01")
    assert incoming.data == ["upload", b"\x00\x01"]
