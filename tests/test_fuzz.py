"""Thousands of random and malformed payloads across every event, as players
and as the host: every one gets an answer, nothing crashes, and the
database's invariants hold throughout."""

from __future__ import annotations

import logging
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from socket_helpers import ack
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.live.snapshots import Scoreboard
from trainer.models import GameRound, GameSession, Player, Reply, Vote

PLAY_EVENTS = ["sync", "draft", "submit", "vote", "unvote"]
HOST_EVENTS = ["sync", "next", "end_phase", "extend", "pause", "resume", "remove_player", "hide_reply", "lock",
               "set_mode", "pin", "takeaway", "star"]
EVENTS = [*PLAY_EVENTS, *HOST_EVENTS, "no_such_event", ""]
PAYLOADS_PER_EXAMPLE = 25
EXAMPLES = 220  # 220 × 25 = 5,500 payloads

json_leaf = (
    st.none() | st.booleans() | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
    | st.sampled_from(["", " ", "<script>alert(1)</script>", "x" * 5000, "😀" * 700, "\x00"])
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
# Mostly well-formed payloads with wrong or edge values, so the rules get hit
# and not only the schema.
small_int = st.integers(min_value=-2, max_value=60)
plausible = st.fixed_dictionaries(
    {},
    optional={
        "round": st.integers(min_value=0, max_value=4) | small_int | json_leaf,
        "text": (
            st.sampled_from(["We are sorry", "Thank you for telling us", "", "   ", "x" * 601])
            | st.text(max_size=80) | json_leaf
        ),
        "reply_id": st.integers(min_value=1, max_value=25) | small_int | json_leaf,
        "player_id": small_int | json_leaf,
        "request_id": st.text(max_size=70) | json_leaf,
        "seconds": st.integers(min_value=-100, max_value=10**7) | json_leaf,
        "hidden": st.booleans() | json_leaf,
        "locked": st.booleans() | json_leaf,
        "criterion": st.integers(min_value=-1, max_value=4) | json_leaf,
        "mode": st.sampled_from(["own_card", "same_card", "duels", "chaos"]) | json_leaf,
        "card_id": st.integers(min_value=1, max_value=60) | json_leaf,
        "pinned": st.booleans() | json_leaf,
        "starred": st.booleans() | json_leaf,
    },
)
payload = st.just({}) | plausible | json_value
# Mostly each side's own events; some sent to the wrong side or made up.
message = st.one_of(
    st.tuples(st.integers(min_value=1, max_value=4), st.sampled_from(PLAY_EVENTS), payload),
    st.tuples(st.just(0), st.sampled_from(HOST_EVENTS), payload),
    st.tuples(st.integers(min_value=0, max_value=4), st.sampled_from(EVENTS), payload),
)


# In the awards and duels sessions the phones mostly write and vote, so their
# payloads reach the voting rules, not only the schema and the phase checks.
# Filled in when sent (this round's number, one of this round's replies), so
# submits land and votes hit the rules rather than "unknown_reply".
phone = st.integers(min_value=1, max_value=4)
submitting = st.tuples(phone, st.just("submit"), st.fixed_dictionaries({"_submit": st.text(min_size=1, max_size=20)}))
voting = st.tuples(phone, st.sampled_from(["vote", "vote", "unvote"]), st.fixed_dictionaries(
    {"_pick": st.integers(min_value=0, max_value=20)},
    # Mostly a real award, so votes reach the awards rules, not only the schema.
    optional={"criterion": st.integers(min_value=0, max_value=2) | st.integers(min_value=-1, max_value=3) | json_leaf}))
# Weighted by repetition: mostly phones writing and voting, now and then the trainer or noise.
voting_message = st.one_of(*[submitting] * 4, *[voting] * 12, *[message] * 4)
VOTING_RULES = {"choose_criterion", "unknown_criterion", "criterion_used", "reply_has_award", "already_awarded",
                "duel_voted", "own_duel", "own_reply", "not_on_ballot", "out_of_votes"}


def _filled_in(session_id: int, payload):
    if not isinstance(payload, dict):
        return payload
    if "_submit" in payload or "_pick" in payload:
        session = db.session.get(GameSession, session_id)
        db.session.refresh(session)
        if "_submit" in payload:
            return {"round": session.round_no, "text": payload["_submit"]}
        ids = db.session.scalars(select(Reply.id).where(
            Reply.session_id == session_id, Reply.round_no == session.round_no).order_by(Reply.id)).all()
        rest = {k: v for k, v in payload.items() if k != "_pick"}
        return {**rest, "reply_id": ids[payload["_pick"] % len(ids)] if ids else 1}
    return payload


def check_invariants(session_id: int) -> None:
    replies = db.session.execute(
        select(Reply.round_no, Reply.player_id).where(Reply.session_id == session_id)
    ).all()
    assert max(Counter(replies).values(), default=1) == 1, "one reply per player per round"
    votes = db.session.execute(
        select(Vote.voter_id, Vote.reply_id, Vote.round_no, Reply.player_id, Reply.round_no, Vote.criterion)
        .join(Reply, Reply.id == Vote.reply_id)
        .where(Vote.session_id == session_id)
    ).all()
    assert all(voter != author for voter, _, _, author, _, _ in votes), "no self-votes"
    assert max(Counter((v, r, c) for v, r, _, _, _, c in votes).values(), default=1) == 1, "no double votes"
    assert all(vote_round == reply_round for _, _, vote_round, _, reply_round, _ in votes), "votes stay in their round"
    session = db.session.get(GameSession, session_id)
    played = db.session.scalars(select(GameRound).where(GameRound.session_id == session_id))
    modes = {r.round_no: r.mode for r in played}
    per_round = Counter((voter, vote_round) for voter, _, vote_round, _, _, _ in votes)
    for (_voter, round_no), count in per_round.items():
        # Three votes or awards a round; in duels one per criterion per duel, three duels at most.
        most = 9 if modes.get(round_no) == "duels" and session.voting == "awards" else 3
        assert count <= most, f"at most {most} votes a round"
    if "duels" in modes.values():
        db.session.expire_all()
        return  # a duel's winner scores 300, whatever the votes
    board = Scoreboard(session)
    visible_votes = Counter(
        author for (author,) in db.session.execute(
            select(Reply.player_id).join(Vote, Vote.reply_id == Reply.id)
            .where(Vote.session_id == session_id, ~Reply.hidden)
        )
    )
    for player_id, total in board.totals.items():
        assert total == 100 * visible_votes.get(player_id, 0), "scores equal the votes received"
    db.session.expire_all()


@pytest.mark.parametrize(("mode", "voting", "examples"), [
    # The awards sessions play their ten rounds in about thirty batches: forty is enough.
    ("own_card", "votes", EXAMPLES), ("same_card", "awards", 40), ("duels", "awards", 40),
])
def test_fuzzing_every_event(app, seed, sockets, caplog, fake_clock, mode, voting, examples):
    app.config.update(EVENT_RATE=1e6, EVENT_BURST=1e6)
    seeded = seed(players=4, writing_minutes=1, voting_seconds=20, rounds_total=10, mode=mode, voting=voting)
    host, phones = sockets.room(seeded)
    clients = [(host, "/host"), *[(phone, "/play") for phone in phones]]
    sent = Counter()
    caplog.set_level(logging.ERROR)

    # The profile in conftest.py derandomizes the draw: the same payloads every run.
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(message if voting == "votes" else voting_message,
                    min_size=PAYLOADS_PER_EXAMPLE, max_size=PAYLOADS_PER_EXAMPLE))
    def run(batch):
        for who, event, payload in batch:
            sock, namespace = clients[who]
            if not sock.is_connected(namespace):
                continue
            payload = _filled_in(seeded.game.id, payload)
            answer = ack(sock, namespace, event, payload)
            sent["payloads"] += 1
            assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), (event, payload, answer)
            if not answer["ok"]:
                assert answer["code"] and isinstance(answer["error"], str) and answer["error"]
                assert answer["code"] != "internal", (event, payload)
                sent[answer["code"]] += 1
            else:
                sent["ok"] += 1
        if voting != "votes" and host.is_connected("/host"):
            # Between batches the trainer moves the game on, so the next batch
            # lands in writing, then voting, then results, round after round.
            session = db.session.get(GameSession, seeded.game.id)
            db.session.refresh(session)
            if session.phase in ("lobby", "results", "finished"):
                ack(host, "/host", "next")
            elif session.phase in ("writing", "voting"):
                ack(host, "/host", "end_phase")
        problems = [e for sock, ns in clients if sock.is_connected(ns) for e in sock.get_received(ns)
                    if e["name"] == "problem"]
        assert problems == []
        check_invariants(seeded.game.id)

    run()
    print(dict(sent))
    assert sent["payloads"] >= examples * PAYLOADS_PER_EXAMPLE * 0.9, sent
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The fuzz reached the rules, not only the schema check.
    assert sent["ok"] > 100 and sent["bad_payload"] > 100 and sent["wrong_phase"] > 10, sent
    assert db.session.scalar(select(func.count(Player.id))) == 4
    if voting == "awards":
        # The phones' votes reached the awards rules (not only the schema and phase checks).
        assert sum(sent[code] for code in VOTING_RULES) >= 1, sent
