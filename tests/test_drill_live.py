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


def make_drill(trainer, *, opens=MONDAY, mode="own_card", voting="votes", language="en"):
    deck = db.session.query(Deck).filter_by(slug=f"starter-{language}").one()
    windows = Windows(opens, to_utc(datetime(2026, 11, 26, 12), KYIV), to_utc(datetime(2026, 11, 27, 12), KYIV))
    settings = SessionSettings((deck.id,), seed=99, mode=mode, voting=voting, windows=windows,
                               time_zone="Europe/Kyiv", language=language)
    return drills.create_drill(settings, trainer.id, MONDAY)


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
