"""Bad input changes nothing and gets a clear message, to the sender only."""

from __future__ import annotations

import pytest
from socket_helpers import ack, events, last, start_round, submit_all
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.models import GameSession, Player, Reply, Vote


def db_state():
    """Everything a rejected input must leave untouched."""
    replies = [(r.id, r.draft, r.text) for r in db.session.scalars(select(Reply).order_by(Reply.id))]
    sessions = [
        (s.id, s.phase, s.round_no, s.deadline, s.clock_version) for s in db.session.scalars(select(GameSession))
    ]
    players = [(p.id, p.name, p.removed) for p in db.session.scalars(select(Player))]
    votes = db.session.scalar(select(func.count(Vote.id)))
    db.session.expire_all()
    return replies, sessions, players, votes


@pytest.fixture
def writing(seed, sockets, fake_clock):
    seeded = seed(players=3)
    host, phones = sockets.room(seeded)
    start_round(host)
    for sock in phones:
        sock.get_received("/play")
    host.get_received("/host")
    return seeded, host, phones


MALFORMED = [
    "just a string",
    ["a", "list"],
    42,
    {},
    {"round": "1", "text": "hi"},
    {"round": 1},
    {"round": True, "text": "hi"},
    {"round": 1.5, "text": "hi"},
    {"round": -1, "text": "hi"},
    {"round": 1, "text": None},
    {"round": 1, "text": ["hi"]},
    {"round": 1, "text": "x" * 100_000},
    {"round": 2**40, "text": "hi"},
]


@pytest.mark.parametrize("payload", MALFORMED, ids=range(len(MALFORMED)))
@pytest.mark.parametrize("event", ["draft", "submit"])
def test_malformed_text_payloads_are_refused(writing, event, payload):
    _, host, phones = writing
    before = db_state()
    answer = ack(phones[0], "/play", event, payload)
    assert answer["ok"] is False and answer["code"] == "bad_payload"
    assert "Reload" in answer["error"]
    assert db_state() == before
    assert events(host, "/host") == [] and events(phones[1], "/play") == []


@pytest.mark.parametrize("payload", [None, "7", {"reply_id": "7"}, {"reply_id": False}, {"reply_id": None}, {}])
def test_malformed_vote_payloads_are_refused(writing, payload):
    _, _, phones = writing
    assert ack(phones[0], "/play", "vote", payload)["code"] == "bad_payload"


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("submit", {"round": 1, "text": "   \n  "}, "reply_blank"),
        ("submit", {"round": 1, "text": "x" * 601}, "reply_too_long"),
        ("draft", {"round": 1, "text": "x" * 601}, "reply_too_long"),
        ("submit", {"round": 2, "text": "from the future"}, "wrong_round"),
        ("draft", {"round": 0, "text": "from the past"}, "wrong_round"),
        ("vote", {"reply_id": 1}, "wrong_phase"),
        ("unvote", {"reply_id": 1}, "wrong_phase"),
    ],
)
def test_rule_breaking_input_gets_a_plain_sentence(writing, event, payload, code):
    _, host, phones = writing
    before = db_state()
    answer = ack(phones[0], "/play", event, payload)
    assert answer["ok"] is False and answer["code"] == code
    assert answer["error"] and "Traceback" not in answer["error"]
    assert db_state() == before
    assert events(host, "/host") == []


def test_exactly_600_characters_is_accepted(writing):
    _, _, phones = writing
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": "x" * 600})["ok"]


def test_vote_rules(seed, sockets, fake_clock):
    seeded = seed(players=5)
    host, phones = sockets.room(seeded)
    start_round(host)
    submit_all(phones)
    snap = last(phones[0], "/play", "snapshot")
    assert snap["phase"] == "voting" and snap["votes_allowed"] == 3
    ballot = [r["id"] for r in snap["ballot"]]
    own = db.session.scalar(select(Reply.id).where(Reply.player_id == seeded.players[0][0].id))
    before = db_state()
    assert ack(phones[0], "/play", "vote", {"reply_id": own})["code"] == "own_reply"
    assert ack(phones[0], "/play", "vote", {"reply_id": 99999})["code"] == "unknown_reply"
    # Taking back a vote that isn't there is a harmless no-op (a retried retraction).
    assert ack(phones[0], "/play", "unvote", {"reply_id": ballot[0]}) == {"ok": True, "my_votes": []}
    assert db_state() == before
    for reply_id in ballot[:3]:
        assert ack(phones[0], "/play", "vote", {"reply_id": reply_id})["ok"]
    answer = ack(phones[0], "/play", "vote", {"reply_id": ballot[3]})
    assert answer["code"] == "out_of_votes" and "3" in answer["error"]
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": "late"})["code"] == "wrong_phase"


def test_players_cannot_act_as_host(seed, sockets, app, client):
    seeded = seed(players=1)
    from trainer.extensions import socketio

    as_player = socketio.test_client(
        app, namespace="/host", flask_test_client=client,
        auth={"code": seeded.game.code, "token": seeded.tokens[0]},
    )
    assert not as_player.is_connected("/host")
    for auth in (None, {}, {"code": seeded.game.code}, {"code": 5, "token": []}, "nonsense"):
        sock = socketio.test_client(app, namespace="/host", flask_test_client=client, auth=auth)
        assert not sock.is_connected("/host")
    # A phone's connection can't reach host events either.
    phone = sockets.phone(seeded.tokens[0])
    assert phone.is_connected("/play")
    assert phone.emit("next", {}, namespace="/play", callback=True)["code"] == "unknown_event"
    assert db.session.get(GameSession, seeded.game.id).phase == "lobby"


@pytest.mark.parametrize("auth", [None, {}, {"token": "guess"}, {"token": 12}, "token"])
def test_unknown_player_tokens_are_refused(app, client, seed, auth):
    from trainer.extensions import socketio

    seed(players=1)
    sock = socketio.test_client(app, namespace="/play", flask_test_client=client, auth=auth)
    assert not sock.is_connected("/play")


def test_host_commands_in_the_wrong_phase(seed, sockets):
    seeded = seed(players=0)
    host = sockets.host(seeded)
    assert ack(host, "/host", "next")["code"] == "no_players"
    assert ack(host, "/host", "end_phase")["code"] == "wrong_phase"
    assert ack(host, "/host", "extend", {"seconds": 60})["code"] == "wrong_phase"
    assert ack(host, "/host", "extend", {"seconds": "lots"})["code"] == "bad_payload"
    assert ack(host, "/host", "remove_player", {"player_id": 424242})["code"] == "unknown_player"
