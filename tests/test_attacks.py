"""Issue 27: each hole a security pass walked through, tried again as the attack was.

Each test sends what the attacker sent and checks the answer and that
nothing changed. The real app, the real database, the real Socket.IO server.
"""

from __future__ import annotations

import logging

import pytest
from conftest import PASSWORD, make_user, sign_in
from socket_helpers import ack, last
from sqlalchemy import func, select
from test_records import play_a_round, reply_of

from trainer.clock import utcnow
from trainer.decks import store as deckstore
from trainer.extensions import db, socketio
from trainer.live.sessions import SessionSettings, create_session
from trainer.models import Card, Deck, ModelAnswer, Star, User
from trainer.records import library
from trainer.views.redirects import safe_path


@pytest.fixture
def two_trainers(app, seed, sockets):
    """trainer1 ("trainer") has played a round and starred a reply; trainer2 has a session of their own."""
    seeded = seed(players=3, rounds_total=1)
    play_a_round(seeded, sockets, ["Here is a towel.", "Sorry about the sand.", "We will rake it."])
    starred = reply_of(seeded, 0)
    library.star(starred.id, seeded.trainer.id, seeded.game.id)
    trainer2 = make_user("trainer2")
    deck = db.session.scalar(select(Deck).where(Deck.slug == "starter-en"))
    own = create_session(SessionSettings((deck.id,), 7, 90, 1, seed=5), owner_id=trainer2.id)
    attacker = app.test_client()
    sign_in(attacker, trainer2)
    return {"seeded": seeded, "starred": starred, "trainer2": trainer2, "own": own, "attacker": attacker}


def stars() -> int:
    return db.session.scalar(select(func.count(Star.id))) or 0


# --- 1. one trainer emptying another's library --------------------------------------------


def test_unstarring_another_sessions_reply_over_http_is_refused(two_trainers):
    t = two_trainers
    answer = t["attacker"].post(f"/host/{t['own'].code}/replies/{t['starred'].id}/star", data={"starred": "0"})
    assert answer.status_code == 404
    assert stars() == 1, "trainer1's entry is still in the library"
    # Starring it into their own session is refused the same way.
    assert t["attacker"].post(f"/host/{t['own'].code}/replies/{t['starred'].id}/star",
                              data={"starred": "1"}).status_code == 404


def test_unstarring_another_sessions_reply_over_the_host_socket_is_refused(app, two_trainers):
    t = two_trainers
    projector = socketio.test_client(app, namespace="/host", flask_test_client=t["attacker"],
                                     auth={"code": t["own"].code})
    try:
        assert projector.is_connected("/host")
        t["own"].phase = "results"  # the debrief's phase, when stars are offered
        db.session.commit()
        answer = ack(projector, "/host", "star", {"reply_id": t["starred"].id, "starred": False})
        assert answer["ok"] is False and answer["code"] == "unknown_reply"
        answer = ack(projector, "/host", "pin", {"reply_id": t["starred"].id})
        assert answer["ok"] is False and answer["code"] == "unknown_reply"
    finally:
        projector.disconnect(namespace="/host")
    assert stars() == 1
    assert db.session.scalar(select(func.count(ModelAnswer.id))) == 0


def test_the_library_page_refuses_another_trainers_entry(two_trainers):
    t = two_trainers
    entry = db.session.scalar(select(Star))
    answer = t["attacker"].post(f"/library/{entry.id}", data={"remove": "1"})
    assert answer.status_code == 403
    assert stars() == 1


# --- 2. reserved event names and the per-player limit ------------------------------------------


def test_a_phone_emitting_connect_or_disconnect_reaches_no_handler_and_is_counted(app, seed, sockets, caplog):
    app.config.update(EVENT_RATE=0.001, EVENT_BURST=10)
    seeded = seed(players=2)
    host = sockets.host(seeded)
    phone = sockets.phone(seeded.tokens[0])
    last(host, "/host", "snapshot")
    caplog.set_level(logging.WARNING)
    answers = []
    for i in range(40):
        name = ("connect", "disconnect", "sync")[i % 3]
        answers.append(ack(phone, "/play", name))
    served = [a for a in answers if a.get("ok")]
    # Ten events in all, whatever their names: the reserved ones were counted too.
    assert len(served) <= 10
    assert {a["code"] for a in answers if not a.get("ok")} <= {"unknown_event", "slow_down"}
    assert sum(a.get("code") == "slow_down" for a in answers) >= 30
    # The projector never saw the phone go away, and nothing failed.
    assert not [e for e in host.get_received("/host") if e["name"] == "presence" and e["args"][0].get("away")]
    assert phone.is_connected("/play")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_events_with_no_name_or_an_odd_name_are_refused_not_crashed(app, seed, sockets, caplog):
    seeded = seed(players=1)
    phone = sockets.phone(seeded.tokens[0])
    caplog.set_level(logging.WARNING)
    for name in ("connect_error", "newListener", "refused-event"):
        assert ack(phone, "/play", name)["code"] == "unknown_event"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_many_connections_on_one_token_share_one_players_limit(app, seed, sockets):
    app.config.update(EVENT_RATE=0.001, EVENT_BURST=10)
    seeded = seed(players=1)
    phones = [sockets.phone(seeded.tokens[0]) for _ in range(5)]
    served = sum(bool(ack(phone, "/play", "sync").get("ok")) for phone in phones for _ in range(6))
    assert served == 10, "30 calls over five connections: one player's ten"
    # Another player is not slowed by it.
    other = seed(players=1, names=["Somebody else"])
    assert ack(sockets.phone(other.tokens[0]), "/play", "sync")["ok"]


def test_one_accounts_rooms_each_have_their_own_limit_and_its_screens_share_one(app, seed, sockets):
    """A training desk runs many rooms from one account: the limit is per room, not per account."""
    app.config.update(EVENT_RATE=0.001, EVENT_BURST=10)
    first, second = seed(players=1), seed(players=1)
    assert first.trainer.id == second.trainer.id
    projector, laptop = sockets.host(first), sockets.host(first)
    served = sum(bool(ack(screen, "/host", "sync").get("ok")) for screen in (projector, laptop) for _ in range(8))
    assert served == 10, "16 calls from two screens of one room: that room's ten"
    other_room = sockets.host(second)
    assert all(ack(other_room, "/host", "sync").get("ok") for _ in range(10)), "the account's other room is not slowed"


# --- 6. archived and switched-off decks --------------------------------------------------------


def hidden_deck(archived: bool) -> Deck:
    """The English starter deck, archived (still switched on) or switched off."""
    deck = db.session.scalar(select(Deck).where(Deck.slug == "starter-en"))
    if archived:
        deck.archived_at = utcnow()
    else:
        deck.enabled = False
    db.session.commit()
    return deck


@pytest.mark.parametrize("archived", [True, False], ids=["archived", "switched-off"])
def test_trainers_no_longer_see_a_hidden_deck_anywhere(app, trainer_client, admin_client, archived):
    deck = hidden_deck(archived)
    card = db.session.scalar(select(Card).where(Card.deck_id == deck.id))
    assert not deckstore.in_play(deck)
    assert trainer_client.get(f"/decks/{deck.id}/print").status_code == 404
    library_page = trainer_client.get(f"/library?card={card.id}").get_data(as_text=True)
    assert card.complaint not in library_page
    deck_filter = library_page.split('id="f-deck"')[1].split("</select>")[0]
    assert f'value="{deck.id}"' not in deck_filter and deck.name not in deck_filter
    assert deck.name not in trainer_client.get("/host/new").get_data(as_text=True)
    # Admins still see it.
    assert admin_client.get(f"/decks/{deck.id}/print").status_code == 200
    assert card.complaint in admin_client.get(f"/library?card={card.id}").get_data(as_text=True)


def test_library_entries_of_a_hidden_deck_leave_trainers_searches(two_trainers, trainer_client, admin_client):
    assert library.search(library.Filters(in_play_only=True))[1] == 1
    hidden_deck(archived=True)
    assert library.search(library.Filters(in_play_only=True))[1] == 0
    assert library.search(library.Filters())[1] == 1
    assert "Here is a towel." not in trainer_client.get("/library").get_data(as_text=True)
    assert "Here is a towel." in admin_client.get("/library").get_data(as_text=True)


# --- 8. a GET that changed the account, and redirects ---------------------------------------------


def test_a_link_from_another_site_changes_no_account(app, trainer_client):
    trainer = accounts_user("trainer")
    before = trainer.language
    answer = trainer_client.get("/language/el?next=/host/")
    assert answer.status_code == 302
    db.session.expire_all()
    assert accounts_user("trainer").language == before, "a GET keeps the account as it was"
    # The switch's own form (a POST, CSRF-checked elsewhere) still remembers it.
    trainer_client.post("/language", data={"code": "el", "next": "/host/"})
    db.session.expire_all()
    assert accounts_user("trainer").language == "el"


def accounts_user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


@pytest.mark.parametrize("hostile", [
    "/\t/evil.example:8080/x", "/\n/evil.example", "/\\evil.example", "//evil.example", "https://evil.example/",
    "/\x00/evil.example", " //evil.example", "javascript:alert(1)", "", None, 7,
])
def test_every_next_and_back_stays_on_this_site(app, trainer_client, hostile):
    assert safe_path(hostile, "/fallback") == "/fallback"
    if isinstance(hostile, str):
        assert trainer_client.post("/library/1", data={"back": hostile}).status_code in (302, 404)
        answer = trainer_client.get("/language/en", query_string={"next": hostile})
        assert answer.headers["Location"] == "/"
        posted = trainer_client.post("/language", data={"code": "en", "next": hostile})
        assert posted.headers["Location"] == "/"


def test_a_library_forms_back_may_not_leave_the_site(two_trainers, trainer_client):
    entry = db.session.scalar(select(Star))
    answer = trainer_client.post(f"/library/{entry.id}", data={"anonymous": "on", "back": "/\t/evil.example:8080/x"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/library"
    answer = trainer_client.post(f"/library/{entry.id}", data={"anonymous": "on", "back": "/library?q=towel"})
    assert answer.headers["Location"] == "/library?q=towel"


def test_signing_in_goes_back_only_to_this_site(app, client):
    make_user("ana")
    answer = client.post("/login", data={"username": "ana", "password": PASSWORD, "next": "/\t/evil.example/x"})
    assert answer.status_code == 302 and "evil" not in answer.headers["Location"]


# --- 3. sign-in and join limits that look at more than the address ------------------------------


def login(client, username, password=PASSWORD, address="10.0.0.7", **headers):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_signing_in_as_yourself_does_not_clear_your_guesses_at_the_admin(app, fake_clock):
    make_user("boss", "admin")
    make_user("trainer2")
    attacker = app.test_client()
    answers = []
    for _ in range(15):
        answers.append(login(attacker, "boss", "guess").status_code)
        assert login(attacker, "trainer2").status_code == 302  # the attacker's own account
        attacker.post("/logout")
        fake_clock.advance(seconds=1)
    assert answers[:3] == [400, 400, 400]
    assert 429 in answers[3:], "slowed down after three guesses, own sign-ins or not"
    assert answers.count(400) < 8


def test_one_persons_failures_do_not_lock_out_others_at_the_same_address(app):
    make_user("trainer1")
    office = "10.0.0.7"
    for _ in range(3):
        assert login(app.test_client(), "trainer2", "guess", office).status_code == 400
    assert login(app.test_client(), "trainer1", PASSWORD, office).status_code == 302


def test_many_addresses_guessing_one_account_are_slowed_down(app, fake_clock):
    make_user("boss", "admin")
    for i in range(10):
        assert login(app.test_client(), "boss", "guess", f"10.0.1.{i}").status_code == 400
    assert login(app.test_client(), "boss", "guess", "10.0.2.1").status_code == 429
    fake_clock.advance(minutes=16)
    assert login(app.test_client(), "boss", PASSWORD, "10.0.2.1").status_code == 302


def test_the_proxys_header_is_read_only_when_trusted(app):
    make_user("trainer1")
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(3):
        login(app.test_client(), "trainer1", "guess", "10.0.0.1", **spoofed)
    # Not trusted: the three failures count against the real address, whatever the header says.
    assert login(app.test_client(), "trainer1", "guess", "10.0.0.1",
                 **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(tmp_path):
    from trainer import create_app

    behind = create_app({"TESTING": True, "SECRET_KEY": "x", "ASYNC_MODE": "threading", "SCHEMA": "create_all",
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
                         "WTF_CSRF_ENABLED": False, "TRUSTED_PROXIES": 1,
                         "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with behind.app_context():
        make_user("trainer1")
        nginx = "127.0.0.1"
        for _ in range(3):
            login(behind.test_client(), "trainer1", "guess", nginx, **{"X-Forwarded-For": "203.0.113.9"})
        assert login(behind.test_client(), "trainer1", "guess", nginx,
                     **{"X-Forwarded-For": "203.0.113.9"}).status_code == 429
        assert login(behind.test_client(), "trainer1", PASSWORD, nginx,
                     **{"X-Forwarded-For": "198.51.100.1"}).status_code == 302
        db.session.remove()
        db.engine.dispose()


def phone(app, address="10.0.0.7"):
    """A phone that opened the join page (and so has its cookie)."""
    browser = app.test_client()
    browser.get("/join", environ_base={"REMOTE_ADDR": address})
    return browser


def try_code(browser, code, name="Ana", address="10.0.0.7"):
    return browser.post("/api/join", json={"code": code, "name": name}, environ_base={"REMOTE_ADDR": address})


def test_one_phones_wrong_codes_do_not_lock_out_the_office(app, seed):
    seeded = seed(players=0)
    attacker = phone(app)
    answers = [try_code(attacker, "ZZZZZZ").status_code for _ in range(31)]
    assert answers[:30] == [404] * 30 and answers[30] == 429
    assert try_code(attacker, seeded.game.code).status_code == 429, "the guesser waits"
    colleague = phone(app)
    assert try_code(colleague, seeded.game.code, "Bohdan").status_code == 201


def test_a_script_dropping_its_cookie_is_stopped_by_the_address_limit(app, seed):
    app.config.update(JOIN_FAILURES_PER_ADDRESS=40)
    seeded = seed(players=0)
    statuses = [try_code(phone(app), "ZZZZZZ").status_code for _ in range(41)]
    assert statuses[:40] == [404] * 40 and statuses[40] == 429
    # Without any cookie the address itself is the phone: thirty tries.
    assert try_code(app.test_client(), seeded.game.code, address="10.9.9.9").status_code == 201


# --- 4. joins that grew a team's roster for good -------------------------------------------------


def test_a_flood_of_joins_adds_nobody_to_the_roster_and_is_bounded(app, seed):
    from trainer.live.throttle import arrivals
    from trainer.models import Member, Player
    from trainer.records import teams

    app.config.update(ROOM_ARRIVALS_PER_MINUTE=50)
    arrivals.rooms.clear()
    trainer = make_user("trainer")
    team = teams.create_team(trainer.id, "Front desk")
    for name in ("Ana", "Ben"):
        teams.add_member(team, name)
    seeded = seed(players=0, team_id=team.id)
    browser = phone(app)
    statuses = [try_code(browser, seeded.game.code, f"Bot {i}").status_code for i in range(100)]
    assert statuses.count(201) == 50 and statuses[50:] == [429] * 50
    refused = try_code(browser, seeded.game.code, "Bot 100").get_json()
    assert refused["code"] == "room_busy" and "at once" in refused["error"]
    assert db.session.scalar(select(func.count(Member.id))) == 2, "the roster is as the trainer left it"
    assert db.session.scalar(select(func.count(Player.id))) == 50


def test_a_trainer_removes_a_roster_member_and_their_sessions_stay(app, seed, sockets, trainer_client):
    from trainer.models import Member, Player
    from trainer.records import teams

    seeded = seed(players=1, names=["Ana"], rounds_total=1)
    team = teams.create_team(seeded.trainer.id, "Front desk")
    ana = teams.add_member(team, "Ana")
    seeded.game.team_id = team.id
    db.session.commit()
    teams.link_player(seeded.game, seeded.players[0][0].id, ana.id)
    unconfirmed = trainer_client.post(f"/members/{ana.id}/remove")
    assert unconfirmed.status_code == 302 and db.session.get(Member, ana.id) is not None
    assert trainer_client.post(f"/members/{ana.id}/remove", data={"confirm": "on"}).status_code == 302
    assert db.session.get(Member, ana.id) is None
    player = db.session.get(Player, seeded.players[0][0].id)
    assert player.member_id is None and player.name == "Ana"
    # Another trainer can't remove anyone from this team.
    ben = teams.add_member(team, "Ben")
    other = app.test_client()
    sign_in(other, make_user("trainer2"))
    assert other.post(f"/members/{ben.id}/remove", data={"confirm": "on"}).status_code == 403
    assert db.session.get(Member, ben.id) is not None


# --- 5. signing out that holds ----------------------------------------------------------------------


def test_a_cookie_copied_before_signing_out_opens_nothing_after(app):
    make_user("trainer1")
    browser = app.test_client()
    assert login(browser, "trainer1").status_code == 302
    copied = browser.get_cookie("session").value
    assert browser.get("/host/").status_code == 200
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/host/").status_code == 302, "back to the sign-in page"


def test_an_admin_signs_an_account_out_everywhere(app, admin_client):
    trainer = make_user("trainer1")
    laptop = app.test_client()
    assert login(laptop, "trainer1").status_code == 302
    assert laptop.get("/host/").status_code == 200
    assert admin_client.post(f"/admin/users/{trainer.id}/sign-out").status_code == 302
    assert laptop.get("/host/").status_code == 302
    assert login(laptop, "trainer1").status_code == 302, "the password still works"
    # Trainers can't sign anyone out.
    assert laptop.post(f"/admin/users/{trainer.id}/sign-out").status_code == 403


def test_a_sign_in_left_idle_expires_on_the_server(app):
    from datetime import datetime, timedelta, timezone
    from unittest import mock

    make_user("trainer1")
    browser = app.test_client()
    assert login(browser, "trainer1").status_code == 302
    copied = browser.get_cookie("session").value
    later = datetime.now(timezone.utc) + app.permanent_session_lifetime + timedelta(minutes=1)
    fresh = app.test_client()
    fresh.set_cookie("session", copied)
    assert fresh.get("/host/").status_code == 200, "within the idle time it works"
    thief = app.test_client()
    thief.set_cookie("session", copied)
    with mock.patch("itsdangerous.timed.TimestampSigner.get_timestamp", return_value=int(later.timestamp())):
        assert thief.get("/host/").status_code == 302, "after it, the server refuses the cookie"


# --- 7. deck files that froze the server ------------------------------------------------------------


def deck_upload(client, content: bytes, name: str):
    from test_studio_files import upload

    return upload(client, content, name)


def test_a_json_deck_nested_a_hundred_thousand_deep_is_refused_with_a_sentence(app, admin_client):
    decks_before = db.session.scalar(select(func.count(Deck.id)))
    answer = deck_upload(admin_client, b"[" * 100_000 + b"]" * 100_000, "deep.json")
    assert answer.status_code == 400
    assert "nested far deeper than a deck" in answer.get_data(as_text=True)
    hidden_in_a_deck = ('{"format": "too-sandy-deck/1", "name": "X", "language": "en", "cards": '
                        + '[' * 5000 + ']' * 5000 + '}').encode()
    assert deck_upload(admin_client, hidden_in_a_deck, "deep2.json").status_code == 400
    assert db.session.scalar(select(func.count(Deck.id))) == decks_before


def test_brackets_inside_a_decks_text_are_not_nesting(app, admin_client):
    from trainer.decks.files import read_file

    text = '{"format": "too-sandy-deck/1", "name": "X", "language": "en", "cards": [' \
        '{"complaint": "Why [[[[[[[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{ \\" [[[[ so sandy?", "theme": "beach"}]}'
    assert [row.text[:5] for row in read_file("x.json", text.encode()).rows] == ["Why ["]


def test_a_csv_of_a_quarter_million_rows_is_refused_at_once(app, admin_client):
    rows = "complaint,coach_note,theme,difficulty\n" + "".join(f"x{i},n,beach,1\n" for i in range(250_000))
    answer = deck_upload(admin_client, rows.encode()[:1_900_000], "huge.csv")
    assert answer.status_code == 400
    assert "more than 1000 cards" in answer.get_data(as_text=True)


def test_a_long_preview_is_read_once_and_shown_a_page_at_a_time(app, admin_client, monkeypatch):
    from trainer.decks import files, imports

    rows = "complaint,coach_note,theme,difficulty\n" + "".join(
        f"The sand on beach {i} is too sandy,Offer a towel,beach,1\n" for i in range(250))
    reads = []
    real_read = files.read_file
    monkeypatch.setattr(imports, "read_file", lambda *args: reads.append(args[0]) or real_read(*args))
    answer = deck_upload(admin_client, rows.encode(), "long.csv")
    assert answer.status_code == 302
    preview = answer.headers["Location"]
    first = admin_client.get(preview).get_data(as_text=True)
    assert "beach 0 is" in first and "beach 99 is" in first and "beach 100 is" not in first
    assert "Page 1 of 3" in first
    third = admin_client.get(preview + "?page=3").get_data(as_text=True)
    assert "beach 249 is" in third and "beach 199 is" not in third
    assert admin_client.get(preview + "?page=99").status_code == 200
    assert reads == ["long.csv"], "read when uploaded, never again for its previews"


def test_an_open_projector_runs_nothing_once_its_trainer_signed_out(app, seed, sockets, client):
    seeded = seed(players=2)
    host = sockets.host(seeded)
    assert ack(host, "/host", "sync")["ok"]
    client.post("/logout")  # the same browser as the projector's socket
    refused = ack(host, "/host", "next")
    assert refused["ok"] is False and refused["code"] == "not_host"
    db.session.expire_all()
    assert seeded.game.phase == "lobby", "the round did not start"
