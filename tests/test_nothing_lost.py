"""Dropped phones, retries after lost acks, moderation and limits, through sockets."""

from __future__ import annotations

from socket_helpers import ack, events, last, start_round, submit_all
from sqlalchemy import event, func, select

from trainer.extensions import db
from trainer.live import presence
from trainer.models import Player, Presence, Reply, Vote


def test_a_dropped_phone_is_away_and_not_waited_for(seed, sockets, fake_clock):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    host.get_received("/host")

    phones[2].disconnect(namespace="/play")
    assert last(host, "/host", "presence") == {"id": seeded.players[2][0].id, "away": True}
    snap_players = {p["name"]: p["away"] for p in ack(host, "/host", "sync")["snapshot"]["players"]}
    assert snap_players == {"Player 1": False, "Player 2": False, "Player 3": True}

    ack(phones[0], "/play", "submit", {"round": 1, "text": "one"})
    ack(phones[1], "/play", "submit", {"round": 1, "text": "two"})
    # The away player never sent anything, yet writing ends: nobody present is writing.
    assert last(host, "/host", "snapshot")["phase"] == "voting"
    # Never removed for being away.
    assert not db.session.get(type(seeded.players[2][0]), seeded.players[2][0].id).removed


def test_the_last_one_writing_dropping_ends_the_phase(seed, sockets, fake_clock):
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    ack(phones[0], "/play", "submit", {"round": 1, "text": "done"})
    host.get_received("/host")
    phones[1].disconnect(namespace="/play")
    assert last(host, "/host", "snapshot")["phase"] == "voting"


def test_a_phone_back_after_60_seconds_has_its_card_draft_and_score(seed, sockets, fake_clock):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    card = last(phones[0], "/play", "snapshot")["card"]
    ack(phones[0], "/play", "draft", {"round": 1, "text": "Half a thought"})
    phones[0].disconnect(namespace="/play")

    fake_clock.advance(seconds=60)
    back = sockets.phone(seeded.tokens[0])
    snap = last(back, "/play", "snapshot")
    assert snap["phase"] == "writing" and snap["card"] == card and snap["draft"] == "Half a thought"
    assert snap["deadline"] - snap["server_now"] == (7 * 60 - 60) * 1000
    # The projector sees them back.
    assert any(e["args"][0] == {"id": seeded.players[0][0].id, "away": False}
               for e in events(host, "/host", "presence"))


def test_score_survives_a_reconnect(seed, sockets, fake_clock):
    seeded = seed(players=3, rounds_total=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    mine = db.session.scalar(select(Reply.id).where(Reply.player_id == seeded.players[0][0].id))
    for phone in phones[1:]:
        assert ack(phone, "/play", "vote", {"reply_id": mine})["ok"]
    ack(host, "/host", "end_phase")
    phones[0].disconnect(namespace="/play")
    fake_clock.advance(seconds=60)
    snap = last(sockets.phone(seeded.tokens[0]), "/play", "snapshot")
    assert snap["phase"] == "results" and snap["score"] == 200 and snap["rank"] == 1


def test_retried_votes_and_submits_never_duplicate(seed, sockets, fake_clock):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    ack(phones[0], "/play", "submit", {"round": 1, "text": "first"})
    ack(phones[1], "/play", "submit", {"round": 1, "text": "second"})
    # This submit closes writing; its ack is "lost" and the phone sends it again.
    assert ack(phones[2], "/play", "submit", {"round": 1, "text": "third "})["ok"]
    retry = ack(phones[2], "/play", "submit", {"round": 1, "text": "third "})
    assert retry == {"ok": True, "submitted": "third"}
    assert db.session.scalar(select(func.count(Reply.id)).where(Reply.text.is_not(None))) == 3

    target = last(phones[0], "/play", "snapshot")["ballot"][0]["id"]
    vote = {"reply_id": target, "request_id": "a1b2c3"}
    assert ack(phones[0], "/play", "vote", vote)["ok"]
    assert ack(phones[0], "/play", "vote", vote) == {"ok": True, "my_votes": [target]}
    # Without the same request id it is a second vote, and refused.
    assert ack(phones[0], "/play", "vote", {"reply_id": target})["code"] == "already_voted"
    assert db.session.scalar(select(func.count(Vote.id))) == 1


def test_trainer_hides_a_reply(seed, sockets, fake_clock):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    rude = db.session.scalar(select(Reply.id).where(Reply.player_id == seeded.players[2][0].id))
    assert ack(phones[0], "/play", "vote", {"reply_id": rude})["ok"]

    assert ack(host, "/host", "hide_reply", {"reply_id": rude}) == {"ok": True}
    assert rude not in [r["id"] for r in last(host, "/host", "snapshot")["replies"]]
    snap = last(phones[0], "/play", "snapshot")
    assert rude not in [r["id"] for r in snap["ballot"]] and snap["my_votes"] == []
    assert ack(phones[1], "/play", "vote", {"reply_id": rude})["code"] == "unknown_reply"
    # Kept in the database, marked hidden.
    assert db.session.get(Reply, rude).hidden is True
    ack(host, "/host", "end_phase")
    results = last(host, "/host", "snapshot")
    assert "reply 2" not in [r["text"] for r in results["replies"]]
    assert {row["name"]: row["score"] for row in results["leaderboard"]}["Player 3"] == 0
    # A player's token cannot hide anything.
    assert ack(phones[0], "/play", "hide_reply", {"reply_id": rude})["code"] == "unknown_event"


def test_removing_a_player_mid_vote_takes_their_reply_off_ballots_already_worked_out(seed, sockets, fake_clock):
    seeded = seed(players=4)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    gone = seeded.players[3][0]
    theirs = db.session.scalar(select(Reply.id).where(Reply.player_id == gone.id))
    # A first vote works the ballots out (and this worker keeps them).
    first = next(r["id"] for r in last(phones[0], "/play", "snapshot")["ballot"] if r["id"] != theirs)
    assert ack(phones[0], "/play", "vote", {"reply_id": first})["ok"]

    assert ack(host, "/host", "remove_player", {"player_id": gone.id}) == {"ok": True}
    assert ack(phones[1], "/play", "vote", {"reply_id": theirs})["code"] == "unknown_reply"
    assert theirs not in [r["id"] for r in ack(host, "/host", "sync")["snapshot"]["replies"]]
    # The vote cast before the removal still stands.
    assert ack(phones[0], "/play", "sync")["snapshot"]["my_votes"] == [first]


def test_locked_room_refuses_new_players(seed, sockets, client):
    seeded = seed(players=1)
    host = sockets.host(seeded)
    assert ack(host, "/host", "lock", {"locked": True}) == {"ok": True, "locked": True}
    answer = client.post("/api/join", json={"code": seeded.game.code, "name": "Newcomer"})
    assert answer.status_code == 403 and answer.get_json()["code"] == "room_locked"
    # Players already in can come back.
    assert sockets.phone(seeded.tokens[0]).is_connected("/play")
    assert ack(host, "/host", "lock", {"locked": False})["locked"] is False
    assert client.post("/api/join", json={"code": seeded.game.code, "name": "Newcomer"}).status_code == 201


def test_a_join_commits_its_one_insert_without_a_transaction_around_it(seed, client):
    """Two round trips on PostgreSQL (find, insert) instead of five; refusals still change nothing."""
    seeded = seed(players=1)
    code, game_id = seeded.game.code, seeded.game.id
    db.session.commit()  # the request starts on its own, as it does on a server
    levels: list[tuple[str, str]] = []

    def record(conn, _cursor, statement, *_args):
        levels.append((statement.split()[0], conn.get_execution_options().get("isolation_level", "")))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        answer = client.post("/api/join", json={"code": code, "name": "Newcomer"})
        assert answer.status_code == 201
        joined = levels[:]
        taken = client.post("/api/join", json={"code": code, "name": "newcomer "})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [kind for kind, _ in joined] == ["SELECT", "INSERT"]
    assert {level for _, level in joined} == {"AUTOCOMMIT"}
    assert taken.status_code == 409 and taken.get_json()["code"] == "name_taken"
    db.session.rollback()
    names = db.session.scalars(select(Player.name).where(Player.session_id == game_id))
    assert sorted(names) == ["Newcomer", "Player 1"]


def test_a_phone_connects_with_one_read_and_one_insert(seed, sockets):
    """Its player, session and presence in one query, then its presence row: no BEGIN or COMMIT."""
    seeded = seed(players=2)
    first, second = seeded.tokens
    host = sockets.host(seeded)
    sockets.phone(first)
    db.session.commit()
    host.get_received("/host")
    statements: list[tuple[str, str]] = []

    def record(conn, _cursor, statement, *_args):
        statements.append((statement.split()[0], conn.get_execution_options().get("isolation_level", "")))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = sockets.phone(first)  # the same player's second phone: already present
        db.session.commit()
        other = sockets.phone(second)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert again.is_connected("/play") and other.is_connected("/play")
    assert [kind for kind, _ in statements] == ["SELECT", "INSERT"] * 2
    assert {level for _, level in statements} == {"AUTOCOMMIT"}
    # Only the player who was away until now is announced as back.
    assert [e["args"][0] for e in events(host, "/host", "presence")] == [
        {"id": seeded.players[1][0].id, "away": False}
    ]
    assert len(presence.present_ids(seeded.game.id)) == 2
    assert db.session.scalar(select(func.count()).select_from(Presence)) == 3


def test_polite_sessions_ask_for_a_rephrase(seed, sockets, fake_clock):
    seeded = seed(players=2, profanity_filter=True)
    host, phones = sockets.room(seeded)
    start_round(host)
    answer = ack(phones[0], "/play", "submit", {"round": 1, "text": "Это просто пиздец, извините"})
    assert answer["code"] == "rephrase" and "rephrase" in answer["error"]
    assert db.session.scalar(select(func.count(Reply.id)).where(Reply.text.is_not(None))) == 0
    # The draft is kept (nothing typed is lost) but never becomes the reply.
    ack(phones[1], "/play", "draft", {"round": 1, "text": "Είσαι μαλάκας"})
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": "We are truly sorry."})["ok"]
    fake_clock.advance(minutes=8)
    ack(host, "/host", "end_phase")
    texts = set(db.session.scalars(select(Reply.text).where(Reply.text.is_not(None))))
    assert texts == {"We are truly sorry."}


def test_filter_is_off_by_default(seed, sockets, fake_clock):
    seeded = seed(players=1)
    host = sockets.host(seeded)
    phone = sockets.phone(seeded.tokens[0])
    start_round(host)
    assert ack(phone, "/play", "submit", {"round": 1, "text": "shit happens"})["ok"]


def test_event_flood_is_slowed_down(app, seed, sockets, fake_clock):
    app.config.update(EVENT_RATE=0.001, EVENT_BURST=5)
    seeded = seed(players=1)
    phone = sockets.phone(seeded.tokens[0])
    answers = [ack(phone, "/play", "sync") for _ in range(8)]
    assert [a["ok"] for a in answers[:5]] == [True] * 5
    assert all(a["code"] == "slow_down" for a in answers[5:])


def test_wrong_room_codes_are_limited_per_address(app, client, seed):
    app.config.update(JOIN_FAILURES_LIMIT=3)
    seeded = seed(players=0)
    for _ in range(3):
        assert client.post("/api/join", json={"code": "NOPE22", "name": "x"}).status_code == 404
    blocked = client.post("/api/join", json={"code": seeded.game.code, "name": "Real"})
    assert blocked.status_code == 429 and "Too many wrong room codes" in blocked.get_json()["error"]
    other = client.post("/api/join", json={"code": seeded.game.code, "name": "Real"},
                        environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 201


def test_a_restarted_worker_forgets_its_old_connections(app, seed, sockets):
    seeded = seed(players=1)
    sockets.phone(seeded.tokens[0])
    assert presence.present_ids(seeded.game.id) == {seeded.players[0][0].id}
    db.session.add(Presence(sid="elsewhere", player_id=seeded.players[0][0].id,
                            session_id=seeded.game.id, worker="worker-2"))
    db.session.commit()
    assert presence.forget_worker(app.config["WORKER_ID"]) == 1
    assert set(db.session.scalars(select(Presence.worker))) == {"worker-2"}
