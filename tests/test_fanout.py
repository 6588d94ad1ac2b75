"""Phase changes reach phones in slices, and a newer change stops an older one."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from socket_helpers import ack, events, last, start_round, submit_all

from trainer import serve
from trainer.extensions import socketio
from trainer.live import announce, results, sessions


def test_phones_get_the_phase_change_in_slices_and_written_before_the_projector(app, seed, sockets, monkeypatch):
    seeded = seed(players=5)
    host = sockets.host(seeded)
    phones = [sockets.phone(token) for token in seeded.tokens]
    for sock in (host, *phones):
        events(sock, "/host" if sock is host else "/play")
    yields = []
    monkeypatch.setattr(announce, "EMIT_SLICE", 2)
    # Counted on this thread only: a background task's sleep (a thread in
    # tests) is not the phase change's yield, and still sleeps.
    here, real_sleep = threading.get_ident(), socketio.sleep

    def sleep(seconds=0):
        if threading.get_ident() == here:
            yields.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(socketio, "sleep", sleep)
    start_round(host)
    # 5 phones in slices of 2: a yield before the 2nd and 3rd, and one that lets
    # the sockets write them before the projector's snapshot is built.
    assert len(yields) == 3
    for phone in phones:
        assert [e["args"][0]["phase"] for e in events(phone, "/play", "snapshot")] == ["writing"]
    assert [e["args"][0]["phase"] for e in events(host, "/host", "snapshot")] == ["writing"]


def test_a_newer_phase_change_stops_the_rest_of_an_older_one(app, seed, sockets, monkeypatch):
    seeded = seed(players=4)
    host = sockets.host(seeded)
    phones = [sockets.phone(token) for token in seeded.tokens]
    for phone in phones:
        events(phone, "/play")
    monkeypatch.setattr(announce, "EMIT_SLICE", 1)

    here, real_sleep = threading.get_ident(), socketio.sleep

    def newer_change_meanwhile(seconds=0):
        if threading.get_ident() != here:
            return real_sleep(seconds)  # a background task's own sleep
        announce._latest[seeded.game.id] += 1  # as if another phase change began

    monkeypatch.setattr(socketio, "sleep", newer_change_meanwhile)
    start_round(host)
    got = [len(events(phone, "/play", "snapshot")) for phone in phones]
    assert sorted(got) == [0, 0, 0, 1], "only the first slice went out"


def boards_built(monkeypatch) -> list[str]:
    """The phase of every Scoreboard built from here on, as it is built."""
    built: list[str] = []

    class Counted(results.Scoreboard):
        def __init__(self, *args, **kwargs):
            built.append(args[0].phase)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(results, "Scoreboard", Counted)
    return built


def test_a_phase_change_reads_the_scoreboard_once_for_the_phones_and_the_projector(
    app, seed, sockets, fake_clock, monkeypatch
):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    built = boards_built(monkeypatch)
    assert ack(host, "/host", "end_phase")["ok"]
    assert built == ["results"]
    # Both sides still got their scores from it.
    assert last(host, "/host", "snapshot")["leaderboard"]
    assert all(last(phone, "/play", "snapshot")["of"] == 3 for phone in phones)


def test_each_phase_change_says_where_its_time_went_in_a_line_the_bench_reads(app, seed, sockets, caplog):
    from bench.server import phase_costs

    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    with caplog.at_level(logging.INFO, logger="trainer.live.announce"):
        start_round(host)
        submit_all(phones)  # everyone has sent: voting begins by itself
        assert ack(host, "/host", "end_phase")["ok"]
    lines = [r.getMessage() for r in caplog.records if r.name == "trainer.live.announce"]
    assert [line.split(",")[0].rsplit(" ", 1)[-1] for line in lines] == ["writing", "voting", "results"]
    assert all(" 3 phones: reads " in line for line in lines)
    costs = phase_costs([caplog.text])
    assert set(costs) == {"writing", "voting", "results"}
    assert costs["voting"]["changes"] == 1
    assert all(costs["voting"][stage] >= 0 for stage in ("reads", "snapshots", "sent", "projector"))


def test_a_log_level_that_is_not_one_stops_the_server_with_a_sentence():
    with pytest.raises(SystemExit, match="TRAINER_LOG_LEVEL='loud' is not a level"):
        serve.configure_logging("loud")


def test_results_share_one_scoreboard_until_the_room_changes(app, seed, sockets, monkeypatch):
    seeded = seed(players=3, rounds_total=1)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    for phone in phones:
        ballot = last(phone, "/play", "snapshot")["ballot"]
        assert ack(phone, "/play", "vote", {"reply_id": ballot[0]["id"]})["ok"]
    built = boards_built(monkeypatch)
    assert ack(host, "/host", "end_phase")["ok"]
    shown = last(host, "/host", "snapshot")
    board = shown["leaderboard"]
    assert sum(row["score"] for row in board) > 0
    # Phones waking up during the results ask again: the same board, not a new one each.
    scores = [ack(phone, "/play", "sync")["snapshot"]["score"] for phone in phones]
    assert built == ["results"]
    assert sorted(scores, reverse=True) == [row["score"] for row in board]

    # Someone joins while the results are up: the room changed, so a new board.
    sessions.join(seeded.game.code, "Late Comer")
    assert ack(phones[0], "/play", "sync")["snapshot"]["of"] == 4
    assert len(built) == 2

    # The trainer hides the reply with the most votes: its points are gone at once.
    top = max(shown["replies"], key=lambda reply: reply["votes"])
    assert ack(host, "/host", "hide_reply", {"reply_id": top["id"], "hidden": True})["ok"]
    after = last(host, "/host", "snapshot")["leaderboard"]
    assert sum(row["score"] for row in after) < sum(row["score"] for row in board)
    assert len(built) == 3

    # The podium after the last round reads the same board again, not the votes.
    start_round(host)
    podium = last(host, "/host", "snapshot")
    assert podium["phase"] == "finished" and podium["podium"] == after[:3]
    assert len(built) == 3


def test_starting_a_round_reads_nothing_twice(app, seed, sockets):
    """Forty rooms starting in the same second each pay every round trip of a start (issue 29):
    the start reads each row it needs once, its phase change included (the session was read three
    times, the trainer and the round's mode twice). Only the dealt replies repeat a statement, and
    the session is read again after the commit."""
    from collections import Counter

    from sqlalchemy import event

    from trainer.extensions import db

    seeded = seed(players=5, rounds_total=1)
    host, phones = sockets.room(seeded)
    statements = []

    def count(_conn, _cursor, statement, *_):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        start_round(host)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    read = Counter(statements)
    # The session is read for the command and again after its commit (which expires what was read).
    sessions = [text for text in read if text.startswith("SELECT game_session.id,")]
    assert len(sessions) == 1 and read[sessions[0]] == 2, read
    twice = {text[:120]: n for text, n in read.items()
             if n > 1 and text not in sessions and not text.startswith("INSERT INTO reply")}
    assert twice == {}, twice
    assert any(text.startswith("UPDATE game_session") for text in statements)
    for phone in phones:
        assert last(phone, "/play", "snapshot")["phase"] == "writing"
    assert last(host, "/host", "snapshot")["mode"] == "own_card"


def test_a_worker_carries_out_a_few_trainers_commands_at_a_time_and_every_room_starts(app, seed, sockets, monkeypatch):
    """Forty trainers pressing Start in the same second (issue 29): a worker carries out
    COMMANDS_AT_ONCE of their commands at a time, the others wait their turn, and each is answered."""
    from trainer.live import rounds
    from trainer.sockets import host as host_socket

    app.config["COMMANDS_AT_ONCE"] = 2
    rooms = [seed(players=2) for _ in range(5)]
    hosts = [sockets.host(seeded) for seeded in rooms]
    phones = [sockets.phone(seeded.tokens[0]) for seeded in rooms]
    for phone in phones:
        events(phone, "/play")
    inside, most, lock, go_on = 0, 0, threading.Lock(), threading.Event()
    real = rounds.advance

    def held_start(session, now):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        go_on.wait(10)  # held until the test has seen the other three wait their turn
        try:
            return real(session, now)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(rounds, "advance", held_start)
    answers = [None] * len(hosts)

    def press(number):
        answers[number] = ack(hosts[number], "/host", "next")

    threads = [threading.Thread(target=press, args=(n,)) for n in range(len(hosts))]
    for thread in threads:
        thread.start()
    with app.app_context():
        turns = host_socket._turns()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (inside == 2 and len(turns._cond._waiters) == 3):
        time.sleep(0.005)
    waiting = len(turns._cond._waiters)
    go_on.set()
    for thread in threads:
        thread.join(15)
    assert (most, waiting) == (2, 3), "two commands carried out at once, three waiting their turn"
    assert all(answer and answer["ok"] for answer in answers), answers
    for phone in phones:
        assert last(phone, "/play", "snapshot")["phase"] == "writing"
