"""A drill's pages: setting one up, the preset, the poster, the sessions list, and no early reading."""

from __future__ import annotations

from datetime import datetime

from conftest import make_user
from markupsafe import escape
from socket_helpers import ack, last

from trainer.extensions import db, socketio
from trainer.live.sessions import join
from trainer.models import Card, Deck, GameSession, Reply
from trainer.records import teams


def deck_id(slug="starter-en"):
    return db.session.query(Deck).filter_by(slug=slug).one().id


def create(client, **fields):
    form = {"pace": "drill", "deck": str(deck_id()), "mode": "own_card", "voting": "votes",
            "writing_minutes": "7", "voting_seconds": "90", "rounds_total": "3", "time_zone": "Europe/Kyiv",
            "writing_opens": "2026-11-23T11:00", "writing_closes": "2026-11-26T12:00",
            "voting_closes": "2026-11-27T12:00"}
    form.update(fields)
    return client.post("/host/new", data=form)


def test_the_new_session_page_sets_up_a_drill_in_the_trainers_zone(app, trainer_client, fake_clock):
    page = trainer_client.get("/host/new?preset=drill&tz=Europe/Kyiv").get_data(as_text=True)
    assert 'value="drill" checked' in page
    # Thursday and Friday noon in Kyiv, said on the page.
    assert 'value="2026-11-26T12:00"' in page and 'value="2026-11-27T12:00"' in page
    assert "Europe/Kyiv" in page
    defaults = trainer_client.get("/host/drill-defaults?tz=America/New_York").get_json()
    assert defaults["writing_closes"] == "2026-11-26T12:00" and defaults["time_zone"] == "America/New_York"
    assert trainer_client.get("/host/drill-defaults?tz=Nowhere/Else").status_code == 404

    answer = create(trainer_client)
    assert answer.status_code == 302 and "/drill" in answer.headers["Location"]
    drill = db.session.query(GameSession).one()
    assert (drill.pace, drill.phase, drill.rounds_total, drill.time_zone) == ("drill", "writing", 1, "Europe/Kyiv")
    # 11:00 in Kyiv on Monday is 09:00 UTC, conftest's now: writing is open at once.
    assert drill.writing_closes_at == datetime(2026, 11, 26, 10, 0)
    listing = trainer_client.get("/host/").get_data(as_text=True)
    assert "Writing until" in listing and f"/host/{drill.code}/drill" in listing


def test_a_drill_with_windows_that_make_no_sense_is_refused_with_a_sentence(app, trainer_client, fake_clock):
    for fields, sentence in (
        ({"writing_closes": "2026-11-20T12:00"}, "later than now"),
        ({"voting_closes": "2026-11-26T12:30"}, "at least an hour"),
        ({"voting_closes": "2027-01-27T12:00"}, "at most 31 days"),
        ({"writing_closes": "Thursday"}, "later than now"),
        ({"time_zone": "Mars/Olympus"}, None),
    ):
        answer = create(trainer_client, **fields)
        assert answer.status_code == 400, fields
        if sentence:
            assert sentence in answer.get_data(as_text=True)
    assert db.session.query(GameSession).count() == 0


def test_the_poster_speaks_the_sessions_language(app, trainer_client, fake_clock):
    answer = create(trainer_client, deck=str(deck_id("starter-uk")), language="uk", mode="same_card")
    drill = db.session.query(GameSession).one()
    assert drill.language == "uk"
    card = db.session.get(Card, drill.next_card_id)
    poster = trainer_client.get(f"/host/{drill.code}/poster").get_data(as_text=True)
    assert answer.status_code == 302
    assert 'lang="uk"' in poster
    assert card.complaint in poster, "a same-card drill's poster shows the complaint"
    assert drill.code in poster and f"/host/{drill.code}/qr.svg" in poster
    assert "Дайте відповідь до" in poster and "Проголосуйте до" in poster
    assert "чт" in poster.lower()  # Thursday's noon, in Ukrainian
    letter = trainer_client.get(f"/host/{drill.code}/poster?paper=letter").get_data(as_text=True)
    assert 'class="poster-page letter"' in letter
    # Someone else's drill is not theirs to print.
    other = app.test_client()
    from conftest import sign_in

    sign_in(other, make_user("someone-else"))
    assert other.get(f"/host/{drill.code}/poster").status_code == 403


def test_nobody_reads_a_reply_early_on_any_page(app, trainer_client, sockets, fake_clock):
    trainer = make_user("trainer")
    team = teams.create_team(trainer.id, "Night shift")
    member = teams.add_member(team, "Ana")
    create(trainer_client, team=str(team.id))
    drill = db.session.query(GameSession).one()
    ana = join(drill.code, "Ana")
    teams.link_player(drill, ana.player_id, member.id)
    phone = socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(),
                                 auth={"token": ana.token})
    assert ack(phone, "/play", "submit", {"round": 1, "text": "Secret sandy words"})["ok"]
    # The projector's socket, every desk page and export: not a word of it.
    from conftest import Seeded

    host = sockets.host(Seeded(drill, trainer=trainer))
    assert "Secret sandy words" not in str(last(host, "/host", "snapshot"))
    for path in (f"/host/{drill.code}/report", f"/host/{drill.code}/report.csv", f"/host/{drill.code}/handout",
                 f"/host/{drill.code}/drill", f"/teams/{team.id}", f"/members/{member.id}", "/library",
                 "/host/", "/"):
        body = trainer_client.get(path).get_data(as_text=True)
        assert "Secret sandy words" not in body, path
    reply = db.session.query(Reply).one()
    assert (reply.text, reply.sealed) == (None, "Secret sandy words")
    # Starring or pinning it is refused: there is no text to star yet.
    assert ack(host, "/host", "star", {"reply_id": reply.id})["ok"] is False
    phone.disconnect(namespace="/play")


def test_only_the_drills_trainer_or_an_admin_may_open_or_change_it(app, trainer_client, fake_clock):
    from conftest import sign_in

    create(trainer_client)
    drill = db.session.query(GameSession).one()
    player = join(drill.code, "Ana")
    other = app.test_client()
    sign_in(other, make_user("someone-else"))
    admin = app.test_client()
    sign_in(admin, make_user("boss", "admin"))
    code = drill.code
    for method, url, data in (
        ("get", f"/host/{code}/drill", None), ("get", f"/host/{code}/poster", None),
        ("post", f"/host/{code}/drill/extend", {"window": "writing", "until": "2026-11-27T12:00"}),
        ("post", f"/host/{code}/drill/close", {"window": "writing"}),
        ("post", f"/host/{code}/drill/players/{player.player_id}/remove", None),
        ("post", f"/host/{code}/drill/cards", {"card_1": "1"}),
    ):
        assert getattr(other, method)(url, data=data).status_code == 403, url
    db.session.expire_all()
    drill = db.session.get(GameSession, drill.id)
    assert drill.phase == "writing" and drill.writing_closes_at == datetime(2026, 11, 26, 10, 0), "nothing changed"
    assert admin.get(f"/host/{code}/drill").status_code == 200
    # A live session has no drill page.
    trainer_client.post("/host/new", data={"deck": str(deck_id())})
    live = db.session.query(GameSession).filter_by(pace="live").one()
    assert trainer_client.get(f"/host/{live.code}/drill").status_code == 404


def test_the_drills_pages_in_every_language(app, trainer_client, fake_clock):
    create(trainer_client, mode="same_card")
    drill = db.session.query(GameSession).one()
    join(drill.code, "Ana")
    for language, words in (("ru", "Кто уже участвовал"), ("uk", "Хто вже взяв участь"),
                            ("el", "Ποιοι έχουν συμμετάσχει")):
        trainer_client.get(f"/language/{language}?next=/host/")
        page = trainer_client.get(f"/host/{drill.code}/drill").get_data(as_text=True)
        assert words in page, language
        listing = trainer_client.get("/host/").get_data(as_text=True)
        assert {"ru": "Ответы до", "uk": "Відповіді до", "el": "Γράψιμο έως"}[language] in listing
        assert trainer_client.get("/host/new?preset=drill&tz=Europe/Athens").status_code == 200


def test_the_projector_of_a_running_drill_is_its_page(app, trainer_client, fake_clock):
    create(trainer_client)
    code = db.session.query(GameSession).one().code
    answer = trainer_client.get(f"/host/{code}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/host/{code}/drill")


# --- one to three cards --------------------------------------------------------

def test_the_form_picks_one_to_three_cards_and_a_preset_keeps_them(app, trainer_client, fake_clock):
    page = trainer_client.get("/host/new?preset=drill&tz=Europe/Kyiv").get_data(as_text=True)
    assert 'name="drill_cards"' in page and '<option value="1" selected>1</option>' in page
    # Four is not a choice the form offers, and a hand-made post of it is refused with a sentence.
    refused = create(trainer_client, drill_cards="4")
    assert refused.status_code == 400 and "one to 3 cards" in refused.get_data(as_text=True)
    assert db.session.query(GameSession).count() == 0
    answer = create(trainer_client, drill_cards="2", save_as="Two-card drill")
    assert answer.status_code == 302
    drill = db.session.query(GameSession).one()
    assert (drill.pace, drill.rounds_total) == ("drill", 2)
    from trainer.models import Preset

    preset = db.session.query(Preset).filter_by(name="Two-card drill").one()
    assert preset.settings["rounds_total"] == 2 and preset.settings["pace"] == "drill"
    again = trainer_client.get(f"/host/new?preset=mine-{preset.id}&tz=Europe/Kyiv").get_data(as_text=True)
    assert '<option value="2" selected>2</option>' in again
    # A live session's rounds are not a drill's cards: the live field is left as it was.
    live = create(trainer_client, pace="live", rounds_total="3", drill_cards="2")
    assert live.status_code == 302
    assert db.session.query(GameSession).filter_by(pace="live").one().rounds_total == 3


def test_a_same_card_drills_poster_lists_every_complaint(app, trainer_client, fake_clock):
    create(trainer_client, mode="same_card", drill_cards="3")
    drill = db.session.query(GameSession).one()
    poster = trainer_client.get(f"/host/{drill.code}/poster").get_data(as_text=True)
    db.session.expire_all()
    drill = db.session.query(GameSession).one()
    assert len(drill.drill_card_ids) == 3 and len(set(drill.drill_card_ids)) == 3
    for card_id in drill.drill_card_ids:
        assert str(escape(db.session.get(Card, card_id).complaint)) in poster
    assert 'class="complaints complaints-3"' in poster and "Write your replies by" in poster
    # An own-card drill of two says each person gets two of their own.
    create(trainer_client, drill_cards="2")
    own = db.session.query(GameSession).filter_by(mode="own_card").one()
    poster = trainer_client.get(f"/host/{own.code}/poster").get_data(as_text=True)
    assert "Each of you gets 2 complaints of your own on your phone." in poster


def test_the_drills_page_counts_cards_and_the_report_holds_every_cards_replies_and_votes(
        app, trainer_client, fake_clock):
    create(trainer_client, drill_cards="2")
    drill = db.session.query(GameSession).one()
    code = drill.code
    phones = {}
    for name in ("Ana", "Bo", "Cy"):
        joined = join(code, name)
        phones[name] = socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(),
                                            auth={"token": joined.token})
    for name, sock in phones.items():
        for card in (1, 2) if name != "Cy" else (1,):
            assert ack(sock, "/play", "submit", {"round": card, "text": f"{name} answers card {card}"})["ok"]
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert "Each person answers 2 cards" in page
    assert page.count("2 of 2") == 2 and "1 of 2" in page
    assert "answers card" not in page, "names and counts only while writing is open"
    trainer_client.post(f"/host/{code}/drill/close", data={"window": "writing"})
    for name, sock in phones.items():
        snap = ack(sock, "/play", "sync")["snapshot"]
        for entry in snap["cards"]:
            if name != "Bo" or entry["round"] == 1:  # Bo votes on card 1 only
                assert ack(sock, "/play", "vote", {"reply_id": entry["ballot"][0]["id"]})["ok"]
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert "Card 1" in page and "Card 2" in page, "each reply says which card it answers"
    assert page.count("2 of 2") >= 3 and page.count("1 of 2") >= 2
    trainer_client.post(f"/host/{code}/drill/close", data={"window": "voting"})
    csv = trainer_client.get(f"/host/{code}/report.csv").get_data(as_text=True)
    import csv as csv_module
    import io

    rows = list(csv_module.DictReader(io.StringIO(csv.lstrip("\ufeff"))))
    by_text = {row["reply"]: row for row in rows}
    for name, card in (("Ana", 1), ("Ana", 2), ("Bo", 1), ("Bo", 2), ("Cy", 1)):
        assert by_text[f"{name} answers card {card}"]["round"] == str(card)
    assert sum(int(row["votes"]) for row in rows) == 5, "every card's votes"
    report = trainer_client.get(f"/host/{code}/report").get_data(as_text=True)
    assert "Bo answers card 2" in report and "Cy answers card 1" in report
    assert "Card 1" in report and "Card 2" in report and "Round 1" not in report, "a drill's rounds are its cards"
    handout = trainer_client.get(f"/host/{code}/handout").get_data(as_text=True)
    assert "Card 2" in handout
    for sock in phones.values():
        sock.disconnect(namespace="/play")


def test_the_trainer_picks_a_same_card_drills_cards_until_someone_has_them(app, trainer_client, fake_clock):
    create(trainer_client, mode="same_card", drill_cards="2")
    drill = db.session.query(GameSession).one()
    code = drill.code
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert "The cards everyone answers" in page and 'name="card_1"' in page and 'name="card_2"' in page
    db.session.expire_all()
    dealt = db.session.get(GameSession, drill.id).drill_card_ids
    pool = [c.id for c in db.session.query(Card).filter(Card.deck_id == deck_id(), Card.enabled)]
    chosen = [c for c in pool if c not in dealt][:2]
    # The same card twice, or one from no deck of the drill, is refused with a sentence.
    twice = trainer_client.post(f"/host/{code}/drill/cards", data={"card_1": chosen[0], "card_2": chosen[0]},
                                follow_redirects=True)
    assert "different card for each" in twice.get_data(as_text=True)
    stranger = db.session.query(Card).filter(Card.deck_id == deck_id("starter-uk")).first().id
    elsewhere = trainer_client.post(f"/host/{code}/drill/cards", data={"card_1": chosen[0], "card_2": stranger},
                                    follow_redirects=True)
    assert "not in this session" in elsewhere.get_data(as_text=True)
    answer = trainer_client.post(f"/host/{code}/drill/cards", data={"card_1": chosen[0], "card_2": chosen[1]},
                                 follow_redirects=True)
    assert "cards are chosen" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GameSession, drill.id).drill_card_ids == chosen
    poster = trainer_client.get(f"/host/{code}/poster").get_data(as_text=True)
    assert all(str(escape(db.session.get(Card, c).complaint)) in poster for c in chosen)
    # Once someone holds them, they stay: the page lists them, a late change is refused.
    ana = join(code, "Ana")
    assert [r.card_id for r in db.session.query(Reply).filter_by(player_id=ana.player_id).order_by(Reply.round_no)] \
        == chosen
    page = trainer_client.get(f"/host/{code}/drill").get_data(as_text=True)
    assert 'name="card_1"' not in page and str(escape(db.session.get(Card, chosen[1]).complaint)) in page
    late = trainer_client.post(f"/host/{code}/drill/cards", data={"card_1": chosen[1], "card_2": chosen[0]},
                               follow_redirects=True)
    assert "already has these cards" in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GameSession, drill.id).drill_card_ids == chosen
    # An own-card drill has nothing to pick.
    create(trainer_client, drill_cards="2")
    own = db.session.query(GameSession).filter_by(mode="own_card").one()
    assert "everyone answers" not in trainer_client.get(f"/host/{own.code}/drill").get_data(as_text=True)
