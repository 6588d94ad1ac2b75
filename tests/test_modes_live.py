"""Same card, duels, service awards, the debrief and the mode switch, through the real Socket.IO server."""

from __future__ import annotations

from socket_helpers import ack, last, start_round
from sqlalchemy import func, select

from trainer.coaching import criteria as criteria_store
from trainer.extensions import db, socketio
from trainer.live.sessions import join
from trainer.models import GameRound, GameSession, ModelAnswer, Reply, Vote


def refused(answer: dict, code: str) -> None:
    assert answer["ok"] is False and answer["code"] == code, answer
    assert answer["error"], "every refusal carries a sentence"


def reply_ids(seeded) -> dict[int, int]:
    """Player index → this round's reply id."""
    rows = dict(db.session.execute(select(Reply.player_id, Reply.id).order_by(Reply.round_no)).all())
    return {i: rows[p.id] for i, (p, _) in enumerate(seeded.players) if p.id in rows}


def write_all(phones, round_no=1, skip=()):
    for i, phone in enumerate(phones):
        if i not in skip:
            text = f"Reply {i}: so sorry, here is a fix"
            assert ack(phone, "/play", "submit", {"round": round_no, "text": text})["ok"]


def votes_stored() -> int:
    return db.session.scalar(select(func.count(Vote.id)))


# --- same card with service awards ------------------------------------------------


def test_same_card_with_awards_a_whole_round(seed, sockets, app):
    seeded = seed(players=4, rounds_total=1, mode="same_card", voting="awards")
    host, phones = sockets.room(seeded)
    # One phone reads in Russian: its criteria come in Russian.
    ru = socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(),
                              auth={"token": seeded.tokens[3], "lang": "ru"})
    phones[3] = ru
    lobby = last(host, "/host", "snapshot")
    assert lobby["mode"] == "same_card" and lobby["voting"] == "awards"
    assert [c["name"] for c in lobby["criteria"]] == ["Heard them", "Fixed it", "Won them back"]

    start_round(host)
    writing = [last(p, "/play", "snapshot") for p in phones]
    assert len({s["card"]["complaint"] for s in writing}) == 1, "the whole room answers one complaint"
    assert db.session.get(GameRound, (seeded.game.id, 1)).mode == "same_card"
    write_all(phones)

    voting = [last(p, "/play", "snapshot") for p in phones]
    assert {s["phase"] for s in voting} == {"voting"}
    own = reply_ids(seeded)
    for i, snap in enumerate(voting):
        assert snap["card"]["complaint"] == writing[0]["card"]["complaint"], "the card is shown once"
        assert all("complaint" not in item for item in snap["ballot"])
        assert own[i] not in [item["id"] for item in snap["ballot"]]
        assert snap["votes_allowed"] == 3 and snap["my_awards"] == []
    assert voting[0]["criteria"][0]["name"] == "Heard them"
    assert voting[3]["criteria"][0]["name"] == "Услышать клиента"
    host_voting = last(host, "/host", "snapshot")
    assert {r["complaint"] for r in host_voting["replies"]} == {writing[0]["card"]["complaint"]}

    before = votes_stored()
    p0 = phones[0]
    refused(ack(p0, "/play", "vote", {"reply_id": own[1]}), "choose_criterion")
    refused(ack(p0, "/play", "vote", {"reply_id": own[0], "criterion": 0}), "own_reply")
    refused(ack(p0, "/play", "vote", {"reply_id": own[1], "criterion": 3}), "unknown_criterion")
    refused(ack(p0, "/play", "vote", {"reply_id": 999_999, "criterion": 0}), "unknown_reply")
    assert votes_stored() == before, "a refused award changes nothing"

    assert ack(p0, "/play", "vote", {"reply_id": own[1], "criterion": 0}) == {
        "ok": True, "my_votes": [own[1]], "my_awards": [[own[1], 0]],
    }
    refused(ack(p0, "/play", "vote", {"reply_id": own[1], "criterion": 0}), "already_awarded")
    refused(ack(p0, "/play", "vote", {"reply_id": own[2], "criterion": 0}), "criterion_used")
    refused(ack(p0, "/play", "vote", {"reply_id": own[1], "criterion": 1}), "reply_has_award")
    # Taking an award back frees both the reply and the criterion.
    assert ack(p0, "/play", "unvote", {"reply_id": own[1], "criterion": 0})["my_awards"] == []
    assert ack(p0, "/play", "vote", {"reply_id": own[2], "criterion": 0})["ok"]
    assert votes_stored() == before + 1

    # Everyone gives all three awards; reply 1 wins "Heard them" twice over.
    plan = {
        0: [(2, 0), (1, 1), (3, 2)],
        1: [(0, 0), (2, 1), (3, 2)],
        2: [(1, 0), (0, 1), (3, 2)],
        3: [(1, 0), (2, 1), (0, 2)],
    }
    for voter, awards in plan.items():
        for target, criterion in awards:
            if (voter, target, criterion) == (0, 2, 0):
                continue  # given above
            assert ack(phones[voter], "/play", "vote", {"reply_id": own[target], "criterion": criterion})["ok"]

    results = last(host, "/host", "snapshot")
    assert results["phase"] == "results", "voting ends once every award is given"
    winners = {w["name"]: [r["author"] for r in w["replies"]] for w in results["criteria_winners"]}
    assert winners["Heard them"] == ["Player 2"]
    assert sorted(winners["Fixed it"]) == ["Player 3"]
    assert winners["Won them back"] == ["Player 4"]
    assert all(w["definition"] for w in results["criteria_winners"])
    by_name = {row["name"]: row["awards"] for row in results["round_awards"]}
    assert by_name["Player 2"] == [2, 1, 0] and by_name["Player 4"] == [0, 0, 3]
    assert sum(map(sum, by_name.values())) == 12
    assert sum(r["score"] for r in results["leaderboard"]) == 12 * 100, "each award is a vote's points"
    debrief = results["debrief"]
    assert [c["complaint"] for c in debrief["cards"]] == [writing[0]["card"]["complaint"]]
    assert debrief["cards"][0]["coach_note"]
    assert {r["author"] for r in debrief["highlights"]} == {"Player 2", "Player 3", "Player 4"}

    phone_results = [last(p, "/play", "snapshot") for p in phones]
    assert phone_results[1]["round_awards"] == [2, 1, 0]
    assert phone_results[3]["criteria"][1]["name"] == "Решить проблему"


def test_a_session_keeps_the_criteria_it_was_created_with(seed, sockets):
    seeded = seed(players=3, voting="awards")
    criteria_store.save_set([
        {"en": {"name": "Quick", "definition": "Answers fast."}},
        {"en": {"name": "Kind", "definition": "Warm words."}},
    ])
    later = seed(players=3, voting="awards")
    first = last(sockets.host(seeded), "/host", "snapshot")
    second = last(sockets.host(later), "/host", "snapshot")
    assert [c["name"] for c in first["criteria"]] == ["Heard them", "Fixed it", "Won them back"]
    assert [c["name"] for c in second["criteria"]] == ["Quick", "Kind"]


# --- duels ---------------------------------------------------------------------------


def test_duels_pair_by_pair_with_a_three_way_duel_and_a_walkover(seed, sockets):
    seeded = seed(players=7, rounds_total=1, mode="duels", voting="votes")
    host, phones = sockets.room(seeded)
    start_round(host)
    players = [p for p, _ in seeded.players]
    duel_of = dict(db.session.execute(select(Reply.player_id, Reply.duel).where(Reply.round_no == 1)).all())
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(players):
        groups.setdefault(duel_of[p.id], []).append(i)
    assert sorted(len(g) for g in groups.values()) == [2, 2, 3], "seven players: two pairs and a three-way duel"
    writing = [last(p, "/play", "snapshot") for p in phones]
    for members in groups.values():
        assert len({writing[i]["card"]["complaint"] for i in members}) == 1, "a duel shares its card"
    # One player of a pair writes nothing: their opponent gets a walk-over.
    pair = next(g for g in groups.values() if len(g) == 2)
    silent, lucky = pair
    write_all(phones, skip={silent})
    assert ack(host, "/host", "end_phase")["ok"]

    voting = [last(p, "/play", "snapshot") for p in phones]
    own = reply_ids(seeded)
    host_voting = last(host, "/host", "snapshot")
    order = [r["duel"] for r in host_voting["replies"]]
    assert order == sorted(order, key=order.index), "the projector shows the replies pair by pair"
    assert duel_of[players[lucky].id] not in order, "a walk-over is not voted on"
    for i, snap in enumerate(voting):
        mine = duel_of[players[i].id]
        on_ballot = [r for duel in snap["duels"] for r in duel]
        assert on_ballot == [item["id"] for item in snap["ballot"]]
        rivals = [own[j] for j in groups[mine] if j in own]
        assert not set(rivals) & set(on_ballot), "never your own duel"
        assert snap["votes_allowed"] == len(snap["duels"])

    voter = next(i for i, g in groups.items() if len(g) == 3)
    three = groups[voter]
    a, b = three[0], three[1]
    refused(ack(phones[a], "/play", "vote", {"reply_id": own[b]}), "own_duel")
    duel = voting[a]["duels"][0]
    assert ack(phones[a], "/play", "vote", {"reply_id": duel[0]})["ok"]
    refused(ack(phones[a], "/play", "vote", {"reply_id": duel[1]}), "duel_voted")

    # Everyone votes for the first side of every duel on their ballot.
    for i, snap in enumerate(voting):
        for pair_ids in snap["duels"]:
            if (i, pair_ids[0]) != (a, duel[0]):
                assert ack(phones[i], "/play", "vote", {"reply_id": pair_ids[0]})["ok"]
    results = last(host, "/host", "snapshot")
    assert results["phase"] == "results"
    walkovers = [d for d in results["duels"] if d["walkover"]]
    assert [d["winners"] for d in walkovers] == [[own[lucky]]]
    contested = [d for d in results["duels"] if not d["walkover"]]
    assert len(contested) == 2 and all(len(d["winners"]) >= 1 for d in contested)
    winners = sum(len(d["winners"]) for d in results["duels"])
    assert sum(r["score"] for r in results["leaderboard"]) == winners * 300
    for r in results["replies"]:
        assert r["points"] == (300 if r["best"] else 0)
    outcomes = {i: last(p, "/play", "snapshot")["duel_result"] for i, p in enumerate(phones)}
    assert outcomes.pop(lucky) == "walkover"
    assert outcomes.pop(silent) is None, "who wrote nothing has no duel to report"
    assert set(outcomes.values()) <= {"won", "lost"} and "won" in outcomes.values()


# --- the mode switch -------------------------------------------------------------------


def test_duels_wait_for_four_players(seed, sockets):
    seeded = seed(players=3, rounds_total=1, mode="duels")
    host, phones = sockets.room(seeded)
    refused(ack(host, "/host", "next"), "duels_need_players")
    assert db.session.get(GameSession, seeded.game.id).phase == "lobby"
    assert db.session.scalar(select(func.count(Reply.id))) == 0, "nothing was dealt"
    late = join(seeded.game.code, "Player 4")
    sockets.phone(late.token)
    start_round(host)
    assert db.session.get(GameSession, seeded.game.id).phase == "writing"


def test_the_trainer_changes_the_mode_between_rounds_only(seed, sockets):
    seeded = seed(players=4, rounds_total=2)
    host, phones = sockets.room(seeded)
    lobby = last(host, "/host", "snapshot")
    assert lobby["next_mode"] == "own_card" and lobby["pool"]
    card = lobby["pool"][2]
    refused(ack(host, "/host", "set_mode", {"mode": "chaos"}), "unknown_mode")
    refused(ack(host, "/host", "set_mode", {"mode": "same_card", "card_id": 987_654}), "unknown_card")
    refused(ack(host, "/host", "set_mode", {"mode": "duels", "card_id": card["id"]}), "unknown_card")
    assert db.session.get(GameSession, seeded.game.id).mode == "own_card", "refusals change nothing"
    assert ack(host, "/host", "set_mode", {"mode": "same_card", "card_id": card["id"]}) == {
        "ok": True, "mode": "same_card", "card_id": card["id"],
    }
    assert last(host, "/host", "snapshot")["next_card_id"] == card["id"]

    start_round(host)
    writing = [last(p, "/play", "snapshot") for p in phones]
    assert {s["card"]["complaint"] for s in writing} == {card["complaint"]}, "the trainer's pick is dealt"
    refused(ack(host, "/host", "set_mode", {"mode": "duels"}), "mode_between_rounds")
    for i, phone in enumerate(phones):
        assert ack(phone, "/play", "submit", {"round": 1, "text": f"r{i}"})["ok"]
    assert ack(host, "/host", "end_phase")["ok"]
    assert last(host, "/host", "snapshot")["phase"] == "results"
    assert ack(host, "/host", "set_mode", {"mode": "duels"})["ok"]
    start_round(host)
    snap = last(host, "/host", "snapshot")
    assert snap["mode"] == "duels" and snap["round"] == 2
    assert db.session.get(GameRound, (seeded.game.id, 1)).mode == "same_card"
    assert db.session.get(GameRound, (seeded.game.id, 2)).mode == "duels"


# --- the debrief ------------------------------------------------------------------------


def test_pin_a_model_answer_and_keep_a_takeaway(seed, sockets):
    seeded = seed(players=3, rounds_total=1, mode="same_card")
    host, phones = sockets.room(seeded)
    start_round(host)
    refused(ack(host, "/host", "pin", {"reply_id": 1}), "wrong_phase")
    refused(ack(host, "/host", "takeaway", {"text": "too early"}), "wrong_phase")
    write_all(phones)
    own = reply_ids(seeded)
    for phone in phones:
        snap = last(phone, "/play", "snapshot")
        assert ack(phone, "/play", "vote", {"reply_id": snap["ballot"][0]["id"]})["ok"]
    assert ack(host, "/host", "end_phase")["ok"]
    results = last(host, "/host", "snapshot")
    assert results["phase"] == "results"

    refused(ack(host, "/host", "pin", {"reply_id": 999_999}), "unknown_reply")
    assert ack(host, "/host", "pin", {"reply_id": own[1]}) == {"ok": True}
    assert ack(host, "/host", "pin", {"reply_id": own[1]}) == {"ok": True}, "pinning twice keeps one"
    assert db.session.scalar(select(func.count(ModelAnswer.id))) == 1
    debrief = last(host, "/host", "snapshot")["debrief"]
    assert debrief["pinned"] == [own[1]]
    assert [a["reply_id"] for a in debrief["cards"][0]["model_answers"]] == [own[1]]

    refused(ack(host, "/host", "takeaway", {"text": "x" * 201}), "takeaway_too_long")
    assert db.session.get(GameRound, (seeded.game.id, 1)).takeaway in (None, "")
    assert ack(host, "/host", "takeaway", {"text": "  Name the feeling,   then the fix. "}) == {
        "ok": True, "takeaway": "Name the feeling, then the fix.",
    }
    assert db.session.get(GameRound, (seeded.game.id, 1)).takeaway == "Name the feeling, then the fix."

    # A later session dealing the same card shows the pinned answer in its debrief.
    card_id = db.session.get(Reply, own[1]).card_id
    later = seed(players=2, rounds_total=1, mode="same_card")
    host2, phones2 = sockets.room(later)
    assert ack(host2, "/host", "set_mode", {"mode": "same_card", "card_id": card_id})["ok"]
    start_round(host2)
    for i, phone in enumerate(phones2):
        assert ack(phone, "/play", "submit", {"round": 1, "text": f"again {i}"})["ok"]
    assert last(host2, "/host", "snapshot")["phase"] == "voting"
    assert ack(host2, "/host", "end_phase")["ok"]
    snap = last(host2, "/host", "snapshot")
    assert snap["phase"] == "results"
    answers = snap["debrief"]["cards"][0]["model_answers"]
    assert [a["text"] for a in answers] == ["Reply 1: so sorry, here is a fix"]
    assert answers[0]["author"] == "Player 2"

    assert ack(host, "/host", "pin", {"reply_id": own[1], "pinned": False})["ok"]
    assert db.session.scalar(select(func.count(ModelAnswer.id))) == 0


def test_the_podium_names_each_criterions_best(seed, sockets):
    seeded = seed(players=3, rounds_total=1, voting="awards")
    host, phones = sockets.room(seeded)
    start_round(host)
    write_all(phones)
    own = reply_ids(seeded)
    # Players 1 and 3 give Player 2 "Heard them"; Player 2 gives Player 1 "Heard them".
    assert ack(phones[0], "/play", "vote", {"reply_id": own[1], "criterion": 0})["ok"]
    assert ack(phones[2], "/play", "vote", {"reply_id": own[1], "criterion": 0})["ok"]
    assert ack(phones[1], "/play", "vote", {"reply_id": own[0], "criterion": 0})["ok"]
    assert ack(phones[1], "/play", "vote", {"reply_id": own[2], "criterion": 1})["ok"]
    assert ack(host, "/host", "end_phase")["ok"]
    assert ack(host, "/host", "next")["ok"]
    podium = last(host, "/host", "snapshot")
    assert podium["phase"] == "finished"
    best = {row["name"]: row["players"] for row in podium["criterion_best"]}
    assert best == {"Heard them": ["Player 2"], "Fixed it": ["Player 3"], "Won them back": []}
    assert last(phones[0], "/play", "snapshot")["criterion_best"] == podium["criterion_best"]
