"""A drill of the week through sockets and pages, with a fake clock moving over days.

Three phones join on different days, one edits its reply the next day, the
server restarts in the middle (a second app on the same database), the
sweeper opens and closes the windows, and nobody reads a reply before
writing closes: not another phone, the projector, the report, the CSV or
the team pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from conftest import sign_in
from socket_helpers import ack, events, last

from trainer import create_app
from trainer.extensions import db, socketio
from trainer.game import RuleError
from trainer.game.windows import Window, Windows, to_utc, zone
from trainer.live import drills, sweeper
from trainer.live.sessions import SessionSettings, join
from trainer.models import Deck, GameSession, Player, Reply, Vote

MONDAY = datetime(2026, 11, 23, 9, 0)  # conftest's T0, in UTC
KYIV = zone("Europe/Kyiv")


def make_drill(trainer, *, opens=MONDAY, mode="own_card", voting="votes", language="en", cards=1):
    deck = db.session.query(Deck).filter_by(slug=f"starter-{language}").one()
    windows = Windows(opens, to_utc(datetime(2026, 11, 26, 12), KYIV), to_utc(datetime(2026, 11, 27, 12), KYIV))
    settings = SessionSettings((deck.id,), seed=99, mode=mode, voting=voting, windows=windows,
                               time_zone="Europe/Kyiv", language=language)
    return drills.create_drill(settings, trainer.id, MONDAY, cards)


def phone(app, token):
    return socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(), auth={"token": token})


def snapshot(sock):
    answer = ack(sock, "/play", "sync")
    assert answer["ok"], answer
    return answer["snapshot"]


def sweep():
    db.session.expire_all()
    return sweeper.sweep_once()


def game(code):
    db.session.expire_all()
    return db.session.query(GameSession).filter_by(code=code).one()


@pytest.fixture
def trainer(app):
    from conftest import make_user

    return make_user("trainer")


def test_a_drill_from_monday_to_friday_with_a_restart(app, tmp_path, trainer, trainer_client, fake_clock):
    drill = make_drill(trainer)
    code = drill.code
    # Writing is open from the start: Monday to Thursday noon in Kyiv (10:00 UTC).
    assert (drill.phase, drill.round_no, drill.pace) == ("writing", 1, "drill")
    assert drill.deadline == datetime(2026, 11, 26, 10, 0)

    # Monday: Ana joins, sees her card and days left, writes a draft and sends.
    ana = join(code, "Ana")
    ana_phone = phone(app, ana.token)
    first = last(ana_phone, "/play", "snapshot")
    assert first["phase"] == "writing" and first["playing"] and first["card"]["complaint"]
    assert first["drill"]["writing_closes"] == 1795687200000  # Thu 26 Nov 2026 10:00 UTC
    assert ack(ana_phone, "/play", "draft", {"round": 1, "text": "Monday's draft"})["ok"]
    assert ack(ana_phone, "/play", "submit", {"round": 1, "text": "Ana's sealed reply"})["ok"]
    assert snapshot(ana_phone)["submitted"] == "Ana's sealed reply"
    assert sweep() == 0, "nothing moves on Monday"

    # Tuesday: Bo joins and sends; nobody's submit ends writing, however few are connected.
    fake_clock.advance(days=1)
    bo = join(code, "Bo")
    bo_phone = phone(app, bo.token)
    assert last(bo_phone, "/play", "snapshot")["playing"]
    assert ack(bo_phone, "/play", "submit", {"round": 1, "text": "Bo's sealed reply"})["ok"]
    assert game(code).phase == "writing"

    # Nobody reads a sealed reply: not Bo, not the report, the CSV or the projector.
    assert "Ana's sealed reply" not in str(snapshot(bo_phone))
    for path in (f"/host/{code}/report", f"/host/{code}/report.csv", f"/host/{code}/handout", f"/host/{code}/drill"):
        page = trainer_client.get(path)
        assert page.status_code == 200, path
        body = page.get_data(as_text=True)
        assert "sealed reply" not in body, path
    assert db.session.query(Reply).filter(Reply.text.is_not(None)).count() == 0
    # The drill's page names who has written.
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert "Ana" in page and "Bo" in page
    ana_phone.disconnect(namespace="/play")
    bo_phone.disconnect(namespace="/play")

    # Wednesday: the server restarts (a second app on the same database).
    fake_clock.advance(days=1)
    second = create_app({
        "TESTING": True, "SECRET_KEY": "test-only", "ASYNC_MODE": "threading",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "SCHEMA": "create_all",
        "WTF_CSRF_ENABLED": False, "ROOM_CHECK_SECONDS": 0, "BACKUP_FOLDER": str(tmp_path / "backups2"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    with second.app_context():
        ana_phone = phone(second, ana.token)
        again = last(ana_phone, "/play", "snapshot")
        assert (again["phase"], again["submitted"]) == ("writing", "Ana's sealed reply")
        # Ana edits her reply the next day; Cy joins on Wednesday and only drafts.
        assert ack(ana_phone, "/play", "submit", {"round": 1, "text": "Ana's edited reply"})["ok"]
        cy = join(code, "Cy")
        cy_phone = phone(second, cy.token)
        assert ack(cy_phone, "/play", "draft", {"round": 1, "text": "Cy's draft, never sent"})["ok"]
        events(ana_phone, "/play")

        # Thursday noon in Kyiv: the sweeper closes writing; the open phone moves to its ballot by itself.
        fake_clock.now = datetime(2026, 11, 26, 10, 0, 3)
        fake_clock.advance(seconds=0)
        assert sweep() == 1
        assert sweep() == 0, "closed once"
        db.session.expire_all()
        assert game(code).phase == "voting"
        assert game(code).deadline == datetime(2026, 11, 27, 10, 0)
        ballot = last(ana_phone, "/play", "snapshot")
        assert ballot["phase"] == "voting"
        texts = {entry["text"] for entry in ballot["ballot"]}
        assert texts == {"Bo's sealed reply", "Cy's draft, never sent"}, "never her own; the edit counts"
        for entry in ballot["ballot"][:1]:
            assert ack(ana_phone, "/play", "vote", {"reply_id": entry["id"]})["ok"]
        # Voting stays open though everyone connected has voted.
        for entry in last(cy_phone, "/play", "snapshot")["ballot"]:
            assert ack(cy_phone, "/play", "vote", {"reply_id": entry["id"]})["ok"]
        assert game(code).phase == "voting"
        cy_phone.disconnect(namespace="/play")

        # Bo comes back on Friday morning: the ballot is there.
        fake_clock.advance(hours=20)
        bo_phone = phone(second, bo.token)
        bo_ballot = last(bo_phone, "/play", "snapshot")
        assert bo_ballot["phase"] == "voting" and len(bo_ballot["ballot"]) == 2
        assert "Bo's sealed reply" not in {e["text"] for e in bo_ballot["ballot"]}
        ana_entry = next(e for e in bo_ballot["ballot"] if e["text"] == "Ana's edited reply")
        assert ack(bo_phone, "/play", "vote", {"reply_id": ana_entry["id"]})["ok"]
        # Too late to join now.
        with pytest.raises(RuleError, match="drill_writing_closed"):
            join(code, "Dee")

        # Friday noon: voting closes; phones show their results with the coach's note.
        fake_clock.now = datetime(2026, 11, 27, 10, 0, 1)
        fake_clock.advance(seconds=0)
        assert sweep() == 1
        results = last(bo_phone, "/play", "snapshot")
        assert results["phase"] == "results"
        assert results["card"]["coach_note"] is not None and "score" in results
        assert results["drill"]["too_few"] is False
        ana_phone.disconnect(namespace="/play")
        bo_phone.disconnect(namespace="/play")
        db.session.remove()

    # The report and the CSV hold the replies and their votes (read afresh: the second app changed them).
    db.session.expire_all()
    sign_in(trainer_client, trainer)
    csv = trainer_client.get(f"/host/{code}/report.csv").get_data(as_text=True)
    assert "Ana's edited reply" in csv and "Bo's sealed reply" in csv and "Cy's draft, never sent" in csv
    assert db.session.query(Vote).count() >= 3
    report = trainer_client.get(f"/host/{code}/report").get_data(as_text=True)
    assert "Ana&#39;s edited reply" in report or "Ana's edited reply" in report
    # The projector page opens the results.
    assert trainer_client.get(f"/host/{code}").status_code == 200


def test_a_drill_that_opens_later_waits_then_deals_who_joined(app, trainer, fake_clock):
    drill = make_drill(trainer, opens=MONDAY + timedelta(days=1), mode="same_card")
    assert (drill.phase, drill.deadline) == ("lobby", MONDAY + timedelta(days=1))
    early = join(drill.code, "Early")
    assert sweep() == 0
    fake_clock.advance(days=1)
    assert sweep() == 1
    assert sweep() == 0, "opened once"
    later = join(drill.code, "Later")
    cards = {r.player_id: r.card_id for r in db.session.query(Reply).filter_by(session_id=drill.id)}
    assert set(cards) == {early.player_id, later.player_id}
    assert len(set(cards.values())) == 1, "a same-card drill deals one card to everyone, early or late"


def test_fewer_than_two_replies_go_to_results_and_say_why(app, trainer, fake_clock):
    drill = make_drill(trainer)
    only = join(drill.code, "Solo")
    sock = phone(app, only.token)
    assert ack(sock, "/play", "submit", {"round": 1, "text": "alone"})["ok"]
    fake_clock.now = datetime(2026, 11, 26, 10, 0, 5)
    fake_clock.advance(seconds=0)
    assert sweep() == 1
    shown = last(sock, "/play", "snapshot")
    assert shown["phase"] == "results" and shown["drill"]["too_few"] is True
    sock.disconnect(namespace="/play")


def test_the_trainer_extends_and_closes_early(app, trainer, trainer_client, fake_clock):
    drill = make_drill(trainer)
    code = drill.code
    players = [join(code, name) for name in ("A1", "B2", "C3")]
    socks = [phone(app, p.token) for p in players]
    for i, sock in enumerate(socks):
        assert ack(sock, "/play", "submit", {"round": 1, "text": f"reply {i}"})["ok"]
        events(sock, "/play")
    # Writing to Friday noon Kyiv: voting is pushed on a day with it.
    answer = trainer_client.post(f"/host/{code}/drill/extend", data={"window": "writing",
                                                                    "until": "2026-11-27T12:00"})
    assert answer.status_code == 302
    g = game(code)
    assert g.writing_closes_at == datetime(2026, 11, 27, 10, 0)
    assert g.voting_closes_at == datetime(2026, 11, 28, 10, 0)
    assert g.deadline == g.writing_closes_at
    assert last(socks[0], "/play", "snapshot")["drill"]["writing_closes"] == 1795773600000
    # An earlier time is refused with a sentence.
    refused = trainer_client.post(f"/host/{code}/drill/extend", data={"window": "writing", "until": "2026-11-24T12:00"},
                                  follow_redirects=True)
    assert "later than the window" in refused.get_data(as_text=True)
    # Close writing early: voting opens now and ends when it was going to.
    trainer_client.post(f"/host/{code}/drill/close", data={"window": "writing"})
    g = game(code)
    assert g.phase == "voting" and g.deadline == datetime(2026, 11, 28, 10, 0)
    assert last(socks[1], "/play", "snapshot")["phase"] == "voting"
    # The drill's page now shows the texts, and the trainer hides one.
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert "reply 0" in page
    reply = db.session.query(Reply).filter_by(session_id=drill.id, text="reply 0").one()
    trainer_client.post(f"/host/{code}/drill/replies/{reply.id}/hide", data={"hidden": "1"})
    db.session.expire_all()
    assert db.session.get(Reply, reply.id).hidden
    # Remove a person.
    trainer_client.post(f"/host/{code}/drill/players/{players[2].player_id}/remove")
    db.session.expire_all()
    assert db.session.get(Player, players[2].player_id).removed
    # Close voting early: results; the projector page shows them.
    trainer_client.post(f"/host/{code}/drill/close", data={"window": "voting"})
    assert game(code).phase == "results"
    assert trainer_client.get(f"/host/{code}").status_code == 200
    for sock in socks[:2]:
        sock.disconnect(namespace="/play")


def test_a_duels_drill_pairs_those_who_wrote_when_writing_closes(app, trainer, fake_clock):
    drill = make_drill(trainer, mode="duels")
    joined = [join(drill.code, f"P{i}") for i in range(6)]
    socks = [phone(app, p.token) for p in joined]
    for i, sock in enumerate(socks[:5]):  # the sixth never writes
        assert ack(sock, "/play", "submit", {"round": 1, "text": f"duel reply {i}"})["ok"]
    fake_clock.now = datetime(2026, 11, 26, 10, 0, 5)
    fake_clock.advance(seconds=0)
    assert sweep() == 1
    replies = db.session.query(Reply).filter_by(session_id=drill.id).all()
    assert len({r.card_id for r in replies}) == 1
    duels = [r.duel for r in replies if r.text]
    assert None not in duels and sorted(duels) == [0, 0, 1, 1, 1], "two pairs and a three-way duel"
    assert all(r.duel is None for r in replies if not r.text)
    ballot = last(socks[5], "/play", "snapshot")
    assert ballot["phase"] == "voting" and ballot["duels"]
    for sock in socks:
        sock.disconnect(namespace="/play")


def test_the_projector_cannot_start_or_time_a_drill(app, trainer, fake_clock):
    drill = make_drill(trainer, opens=MONDAY + timedelta(days=1))
    from trainer.live import rounds

    with pytest.raises(RuleError, match="drill_runs_itself"):
        rounds.advance(drill, MONDAY)
    with pytest.raises(RuleError, match="drill_runs_itself"):
        rounds.change_timer(drill, "extend", MONDAY)
    assert drills.extend(drill, Window.WRITING, MONDAY + timedelta(days=4), MONDAY)


def test_an_awards_drill_gives_its_awards_as_live(app, trainer, fake_clock):
    drill = make_drill(trainer, voting="awards", mode="same_card")
    joined = [join(drill.code, name) for name in ("Ana", "Bo", "Cy")]
    socks = [phone(app, p.token) for p in joined]
    for i, sock in enumerate(socks):
        assert ack(sock, "/play", "submit", {"round": 1, "text": f"award-worthy {i}"})["ok"]
    fake_clock.now = datetime(2026, 11, 26, 10, 0, 5)
    fake_clock.advance(seconds=0)
    assert sweep() == 1
    for sock in socks:
        ballot = last(sock, "/play", "snapshot")
        assert ballot["criteria"] and ballot["card"]["complaint"], "one card, sent once, with the criteria"
        answer = ack(sock, "/play", "vote", {"reply_id": ballot["ballot"][0]["id"], "criterion": 0})
        assert answer["ok"] and answer["my_awards"], answer
    fake_clock.now = datetime(2026, 11, 27, 10, 0, 1)
    fake_clock.advance(seconds=0)
    assert sweep() == 1
    results = [last(sock, "/play", "snapshot") for sock in socks]
    assert all(r["phase"] == "results" for r in results)
    assert sum(r["round_awards"][0] for r in results) == 3
    for sock in socks:
        sock.disconnect(namespace="/play")


# --- drills of two and three cards ---------------------------------------------

THURSDAY_NOON = datetime(2026, 11, 26, 10, 0, 5)  # in UTC, just past writing's close
FRIDAY_NOON = datetime(2026, 11, 27, 10, 0, 5)


def close_at(fake_clock, when):
    fake_clock.now = when
    fake_clock.advance(seconds=0)
    assert sweep() == 1


def write_every_card(sock, name, cards):
    """A phone's first snapshot lists its cards; it drafts and sends a reply to each."""
    shown = snapshot(sock)["cards"]
    assert [c["round"] for c in shown] == list(range(1, cards + 1))
    for card in shown:
        assert ack(sock, "/play", "draft", {"round": card["round"], "text": f"{name} draft {card['round']}"})["ok"]
        assert ack(sock, "/play", "submit", {"round": card["round"], "text": f"{name} on card {card['round']}"})["ok"]
    return shown


def vote_everywhere(sock, name):
    """Vote for the first reply of every card's ballot; none of them is the voter's own."""
    ballots = snapshot(sock)["cards"]
    for entry in ballots:
        texts = [e["text"] for e in entry["ballot"]]
        assert all(not text.startswith(name + " ") for text in texts), "never one's own reply"
        if entry["ballot"]:
            assert ack(sock, "/play", "vote", {"reply_id": entry["ballot"][0]["id"]})["ok"]
    return ballots


def test_a_two_card_own_card_drill_written_on_different_days(app, trainer, trainer_client, fake_clock):
    drill = make_drill(trainer, cards=2)
    code = drill.code
    assert (drill.rounds_total, drill.phase) == (2, "writing")
    names = ("Ana", "Bo", "Cy")
    joined, socks = {}, {}
    for day, name in enumerate(names):  # one joins each day, Monday to Wednesday
        fake_clock.now = MONDAY + timedelta(days=day)
        fake_clock.advance(seconds=0)
        joined[name] = join(code, name)
        socks[name] = phone(app, joined[name].token)
        if name != "Cy":
            write_every_card(socks[name], name, 2)
    # Cy drafts card 1, sends card 2 and comes back the next day: each card as she left it.
    cy = socks["Cy"]
    assert ack(cy, "/play", "draft", {"round": 1, "text": "Cy's draft on card 1"})["ok"]
    assert ack(cy, "/play", "submit", {"round": 2, "text": "Cy on card 2"})["ok"]
    cy.disconnect(namespace="/play")
    fake_clock.advance(hours=20)
    cy = socks["Cy"] = phone(app, joined["Cy"].token)
    back = last(cy, "/play", "snapshot")["cards"]
    assert [(c["draft"], c["submitted"]) for c in back] == [("Cy's draft on card 1", None),
                                                            ("Cy on card 2", "Cy on card 2")]
    # Each person's two cards differ; nobody reads another's sealed replies, and only one's own are held.
    replies = db.session.query(Reply).filter_by(session_id=drill.id).all()
    for name in names:
        mine = [r for r in replies if r.player_id == joined[name].player_id]
        assert sorted(r.round_no for r in mine) == [1, 2] and len({r.card_id for r in mine}) == 2
    assert "Bo on card" not in str(snapshot(socks["Ana"]))
    # A round the drill doesn't have is refused.
    assert not ack(socks["Ana"], "/play", "submit", {"round": 3, "text": "a third"})["ok"]
    # The drill's page counts cards: Ana 2 of 2, Cy 1 of 2.
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert "2 of 2" in page and "1 of 2" in page and "on card" not in page

    # Thursday noon: writing closes; Cy's draft on card 1 counts; every open phone has a ballot per card.
    for sock in socks.values():
        events(sock, "/play")
    close_at(fake_clock, THURSDAY_NOON)
    assert game(code).phase == "voting"
    assert db.session.query(Reply).filter_by(session_id=drill.id, text="Cy's draft on card 1").count() == 1
    for name, sock in socks.items():
        ballots = vote_everywhere(sock, name)
        assert [b["round"] for b in ballots] == [1, 2]
        assert all(len(b["ballot"]) == 2 and b["votes_allowed"] >= 1 for b in ballots)
        # Own-card: each reply on the ballot comes with its complaint.
        assert all(entry["complaint"] for b in ballots for entry in b["ballot"])
    # Votes are kept per card, each on a reply to that card.
    for vote in db.session.query(Vote).filter_by(session_id=drill.id):
        assert db.session.get(Reply, vote.reply_id).round_no == vote.round_no
    assert {v.round_no for v in db.session.query(Vote).filter_by(session_id=drill.id)} == {1, 2}
    # A second vote on a card, and taking one back, stay on that card.
    again = snapshot(socks["Ana"])["cards"][1]
    assert ack(socks["Ana"], "/play", "unvote", {"reply_id": again["my_votes"][0]})["my_votes"] == []
    assert snapshot(socks["Ana"])["cards"][1]["my_votes"] == [] and snapshot(socks["Ana"])["cards"][0]["my_votes"]
    assert ack(socks["Ana"], "/play", "vote", {"reply_id": again["ballot"][0]["id"]})["ok"]
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert page.count("2 of 2") >= 3, "each has voted on both cards"

    # Friday noon: results per card on each phone; the projector shows them card by card.
    close_at(fake_clock, FRIDAY_NOON)
    results = last(socks["Bo"], "/play", "snapshot")
    assert results["phase"] == "results" and results["round"] == 1
    per_card = results["cards"]
    assert [c["round"] for c in per_card] == [1, 2]
    assert all(c["card"]["coach_note"] is not None and c["wrote"] for c in per_card)
    assert sum(c["round_points"] for c in per_card) == results["score"]
    for sock in socks.values():
        sock.disconnect(namespace="/play")
    # The report and the CSV hold every card's replies and votes.
    csv = trainer_client.get(f"/host/{code}/report.csv").get_data(as_text=True)
    for text in ("Ana on card 1", "Ana on card 2", "Bo on card 2", "Cy's draft on card 1", "Cy on card 2"):
        assert text in csv


def test_the_projector_shows_a_drills_results_card_by_card(app, trainer, trainer_client, fake_clock):
    drill = make_drill(trainer, cards=3, mode="same_card")
    code = drill.code
    socks = {}
    for day, name in enumerate(("Ana", "Bo", "Cy")):
        fake_clock.now = MONDAY + timedelta(days=day)
        fake_clock.advance(seconds=0)
        socks[name] = phone(app, join(code, name).token)
        shown = write_every_card(socks[name], name, 3)
        assert len({c["complaint"] for c in shown}) == 3, "three different cards"
    # Same card: everyone answers the same three, in the same order, as the poster shows them.
    by_round = {}
    for reply in db.session.query(Reply).filter_by(session_id=drill.id):
        by_round.setdefault(reply.round_no, set()).add(reply.card_id)
    assert all(len(cards) == 1 for cards in by_round.values()) and len(by_round) == 3
    assert [next(iter(by_round[r])) for r in (1, 2, 3)] == game(code).drill_card_ids
    close_at(fake_clock, THURSDAY_NOON)
    for name, sock in socks.items():
        ballots = vote_everywhere(sock, name)
        # Same card: the complaint comes once per card, above its replies.
        assert [b["card"]["complaint"] for b in ballots] == [snapshot(sock)["cards"][i]["card"]["complaint"]
                                                             for i in range(3)]
        assert all("complaint" not in entry for b in ballots for entry in b["ballot"])
    close_at(fake_clock, FRIDAY_NOON)
    projector = socketio.test_client(app, namespace="/host", flask_test_client=trainer_client, auth={"code": code})
    shown = []
    for step in range(3):
        screen = last(projector, "/host", "snapshot") if step == 0 else None
        if screen is None:
            assert ack(projector, "/host", "next")["ok"]
            screen = last(projector, "/host", "snapshot")
        assert (screen["phase"], screen["round"]) == ("results", step + 1)
        shown.append({r["text"] for r in screen["replies"]})
    assert shown == [{f"{n} on card {r}" for n in ("Ana", "Bo", "Cy")} for r in (1, 2, 3)]
    assert ack(projector, "/host", "next")["ok"]
    assert last(projector, "/host", "snapshot")["phase"] == "finished"
    # The phones kept every card's results throughout.
    final = last(socks["Ana"], "/play", "snapshot")
    assert final["phase"] == "finished" and [c["round"] for c in final["cards"]] == [1, 2, 3]
    for sock in socks.values():
        sock.disconnect(namespace="/play")
    projector.disconnect(namespace="/host")


def test_a_two_card_duels_drill_pairs_each_card_at_writing_close(app, trainer, fake_clock):
    drill = make_drill(trainer, mode="duels", cards=2)
    joined = [join(drill.code, f"P{i}") for i in range(5)]
    socks = [phone(app, p.token) for p in joined]
    for i, sock in enumerate(socks):
        for card in (1, 2):
            if (i, card) != (4, 2):  # P4 writes card 1 only
                assert ack(sock, "/play", "submit", {"round": card, "text": f"P{i} duel {card}"})["ok"]
    close_at(fake_clock, THURSDAY_NOON)
    replies = db.session.query(Reply).filter_by(session_id=drill.id).all()
    for card, writers in ((1, 5), (2, 4)):
        written = [r for r in replies if r.round_no == card and r.text]
        assert len(written) == writers and len({r.card_id for r in written}) == 1
        duels = sorted(r.duel for r in written)
        assert duels == ([0, 0, 1, 1, 1] if writers == 5 else [0, 0, 1, 1]), "paired per card among its writers"
    # Every phone has a duels ballot per card; P4 votes on card 2's duels too, though it wrote none there.
    for i, sock in enumerate(socks):
        ballots = snapshot(sock)["cards"]
        assert [b["round"] for b in ballots] == [1, 2]
        for entry in ballots:
            assert all(f"P{i} " not in e["text"] for e in entry["ballot"])
            for pair in entry.get("duels", []):
                assert ack(sock, "/play", "vote", {"reply_id": pair[0]})["ok"]
    close_at(fake_clock, FRIDAY_NOON)
    for i, sock in enumerate(socks):
        cards = last(sock, "/play", "snapshot")["cards"]
        assert [c["round"] for c in cards] == [1, 2]
        assert cards[0]["duel_result"] in {"won", "lost", "walkover"}
        assert cards[1]["wrote"] is (i != 4)
        if i == 4:
            assert cards[1]["duel_result"] is None and cards[1]["round_points"] == 0
        sock.disconnect(namespace="/play")


def test_a_drill_has_one_to_three_cards(app, trainer, fake_clock):
    with pytest.raises(RuleError, match="drill_cards"):
        make_drill(trainer, cards=4)
    with pytest.raises(RuleError, match="drill_cards"):
        make_drill(trainer, cards=0)


def test_a_two_card_awards_drill_gives_awards_per_card(app, trainer, fake_clock):
    drill = make_drill(trainer, voting="awards", mode="same_card", cards=2)
    joined = [join(drill.code, name) for name in ("Ana", "Bo", "Cy")]
    socks = [phone(app, p.token) for p in joined]
    for i, sock in enumerate(socks):
        for card in (1, 2):
            assert ack(sock, "/play", "submit", {"round": card, "text": f"award-worthy {i}.{card}"})["ok"]
    close_at(fake_clock, THURSDAY_NOON)
    for sock in socks:
        shown = last(sock, "/play", "snapshot")
        assert shown["criteria"]
        for entry in shown["cards"]:
            # The same criterion once on each card: an award on card 2 doesn't take back card 1's.
            answer = ack(sock, "/play", "vote", {"reply_id": entry["ballot"][0]["id"], "criterion": 0})
            assert answer["ok"] and len(answer["my_awards"]) == 1, answer
        assert all(len(entry["my_awards"]) == 1 for entry in snapshot(sock)["cards"])
    close_at(fake_clock, FRIDAY_NOON)
    results = [last(sock, "/play", "snapshot") for sock in socks]
    for card in (0, 1):
        assert sum(r["cards"][card]["round_awards"][0] for r in results) == 3
    for sock in socks:
        sock.disconnect(namespace="/play")


def test_a_join_that_raced_the_opening_is_dealt_every_card(app, trainer, fake_clock):
    drill = make_drill(trainer, opens=MONDAY + timedelta(days=1), cards=3)
    early = join(drill.code, "Early")
    fake_clock.advance(days=1)
    assert sweep() == 1
    dealt = db.session.query(Reply).filter_by(player_id=early.player_id).all()
    assert sorted(r.round_no for r in dealt) == [1, 2, 3] and len({r.card_id for r in dealt}) == 3
    # As if a join had missed a card: the sweeper deals it, and only it.
    kept = {r.round_no: r.card_id for r in dealt}
    db.session.delete(next(r for r in dealt if r.round_no == 2))
    db.session.commit()
    assert drills.deal_stragglers() == [(drill.id, early.player_id)]
    again = {r.round_no: r.card_id for r in db.session.query(Reply).filter_by(player_id=early.player_id)}
    assert sorted(again) == [1, 2, 3] and again[1] == kept[1] and again[3] == kept[3]
    assert again[2] not in (kept[1], kept[3])
    assert drills.deal_stragglers() == []


def test_a_one_card_drill_from_before_keeps_its_card(app, trainer, fake_clock):
    drill = make_drill(trainer, mode="same_card")
    first = join(drill.code, "First")
    card = db.session.query(Reply).filter_by(player_id=first.player_id).one().card_id
    # Made before migration 0012: its one card is in next_card_id only.
    stored = game(drill.code)
    stored.drill_card_ids = None
    db.session.commit()
    late = join(drill.code, "Late")
    assert db.session.query(Reply).filter_by(player_id=late.player_id).one().card_id == card
    assert game(drill.code).drill_card_ids == [card]
